// Command protect-api is a small bookstore API protected by Monban's
// access tokens (package github.com/monban-dev/monban/apiauth):
//
//	GET  /books  needs a token for https://api.bookstore.example with read:books
//	POST /books  needs write:books too
//	GET  /health is public
//
// Run Monban, register the API resource and a machine-to-machine
// application, then:
//
//	go run ./examples/protect-api -issuer http://localhost:3001/oidc
//	TOKEN=$(curl -s -u "$APP_ID:$APP_SECRET" http://localhost:3001/oidc/token \
//	  -d grant_type=client_credentials -d resource=https://api.bookstore.example | jq -r .access_token)
//	curl -H "Authorization: Bearer $TOKEN" http://localhost:8080/books
//
// See docs/protect-your-api.md.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/monban-dev/monban/apiauth"
)

type book struct {
	ID     int    `json:"id"`
	Title  string `json:"title"`
	Author string `json:"author"`
}

type shelf struct {
	mu    sync.Mutex
	books []book
}

func (s *shelf) list(w http.ResponseWriter, r *http.Request) {
	claims, _ := apiauth.FromContext(r.Context())
	log.Printf("GET /books by %s (client %s)", claims.Subject, claims.ClientID)
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.books)
}

func (s *shelf) add(w http.ResponseWriter, r *http.Request) {
	var b book
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&b); err != nil || b.Title == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want {\"title\", \"author\"}"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b.ID = len(s.books) + 1
	s.books = append(s.books, b)
	writeJSON(w, http.StatusCreated, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func main() {
	issuer := flag.String("issuer", envOr("MONBAN_ISSUER", "http://localhost:3001/oidc"), "Monban's issuer (its endpoint + /oidc)")
	audience := flag.String("audience", envOr("API_AUDIENCE", "https://api.bookstore.example"), "this API's resource indicator")
	addr := flag.String("addr", envOr("API_ADDR", "127.0.0.1:8080"), "listen address")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	v, err := apiauth.New(ctx, apiauth.Config{Issuer: *issuer, Audience: *audience})
	if err != nil {
		log.Fatal(err)
	}
	s := &shelf{books: []book{{1, "The Tale of Genji", "Murasaki Shikibu"}, {2, "Kokoro", "Natsume Sōseki"}}}

	mux := http.NewServeMux()
	mux.Handle("GET /books", v.Require("read:books")(http.HandlerFunc(s.list)))
	mux.Handle("POST /books", v.Require("read:books", "write:books")(http.HandlerFunc(s.add)))
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	log.Printf("bookstore API on http://%s (issuer %s, audience %s, keys %s)", *addr, *issuer, *audience, v.JWKSURL())
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
