package apiauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/monban-dev/monban/apiauth"
)

// A bookstore API: GET /books needs a token for the API resource
// https://api.bookstore.example that grants read:books.
func ExampleValidator_Require() {
	// In production the issuer is Monban's, e.g.
	// "https://auth.example.com/oidc"; here a stand-in issues the tokens.
	issuer, issue := startDemoIssuer()

	v, err := apiauth.New(context.Background(), apiauth.Config{
		Issuer:   issuer,
		Audience: "https://api.bookstore.example",
	})
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /books", v.Require("read:books")(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			claims, _ := apiauth.FromContext(r.Context())
			fmt.Fprintf(w, "books for %s", claims.Subject)
		})))

	call := func(authorization string) {
		req := httptest.NewRequest("GET", "/books", nil)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			fmt.Println(rec.Code, rec.Body.String())
		} else {
			fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"))
		}
	}
	call("Bearer " + issue("alice", "read:books"))
	call("Bearer " + issue("bob", "write:books"))
	call("Bearer not-a-token")
	call("")
	// Output:
	// 200 books for alice
	// 403 Bearer error="insufficient_scope", error_description="the access token lacks a required scope", scope="read:books"
	// 401 Bearer error="invalid_token", error_description="the access token is invalid"
	// 401 Bearer
}

// startDemoIssuer stands in for Monban: it serves discovery and a JWKS, and
// issue signs at+jwt access tokens for the bookstore API.
func startDemoIssuer() (issuer string, issue func(sub, scope string) string) {
	priv, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	key := jose.JSONWebKey{Key: priv, KeyID: "demo", Algorithm: "ES384", Use: "sig"}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux) // lives as long as the example
	issuer = srv.URL + "/oidc"
	mux.HandleFunc("/oidc/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": issuer, "jwks_uri": issuer + "/jwks"})
	})
	mux.HandleFunc("/oidc/jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{key.Public()}})
	})
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES384, Key: key},
		(&jose.SignerOptions{}).WithType("at+jwt"))
	issue = func(sub, scope string) string {
		now := time.Now().Unix()
		payload, _ := json.Marshal(map[string]any{"iss": issuer, "aud": "https://api.bookstore.example",
			"sub": sub, "client_id": "demo-app", "scope": scope, "iat": now, "exp": now + 3600, "jti": sub})
		jws, _ := signer.Sign(payload)
		tok, _ := jws.CompactSerialize()
		return tok
	}
	return issuer, issue
}
