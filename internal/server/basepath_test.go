package server

import (
	"net/http"
	"testing"
)

func TestBasePath(t *testing.T) {
	routes := func(s *Server) {
		s.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("root"))
		})
		s.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("item " + r.PathValue("id")))
		})
	}
	tests := []struct {
		name       string
		basePath   string
		target     string
		wantStatus int
		wantBody   string
	}{
		{"prefixed status", "/auth", "/auth/api/status", http.StatusNoContent, ""},
		{"unprefixed status is outside", "/auth", "/api/status", http.StatusNotFound, ""},
		{"prefixed route", "/auth", "/auth/items/42", http.StatusOK, "item 42"},
		{"escaped slash keeps RawPath", "/auth", "/auth/items/a%2Fb", http.StatusOK, "item a/b"},
		{"base itself is root", "/auth", "/auth", http.StatusOK, "root"},
		{"base with slash is root", "/auth", "/auth/", http.StatusOK, "root"},
		{"no segment boundary", "/auth", "/authx/api/status", http.StatusNotFound, ""},
		{"root outside base", "/auth", "/", http.StatusNotFound, ""},
		{"trailing slash normalized", "/auth/", "/auth/api/status", http.StatusNoContent, ""},
		{"missing leading slash normalized", "auth", "/auth/api/status", http.StatusNoContent, ""},
		{"nested base", "/id/v1", "/id/v1/healthz", http.StatusOK, `{"status":"ok"}`},
		{"no base", "", "/api/status", http.StatusNoContent, ""},
		{"no base escaped", "", "/items/a%2Fb", http.StatusOK, "item a/b"},
		{"slash base is no base", "/", "/api/status", http.StatusNoContent, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, Options{BasePath: tt.basePath})
			routes(s)
			resp := do(t, s.Handler(), http.MethodGet, tt.target, nil)
			body := readBody(t, resp)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("GET %s: status = %d, want %d (body %q)", tt.target, resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantBody != "" && body != tt.wantBody {
				t.Errorf("GET %s: body = %q, want %q", tt.target, body, tt.wantBody)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
		})
	}
}
