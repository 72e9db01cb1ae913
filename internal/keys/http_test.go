package keys_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/monban-dev/monban/internal/keys"
)

func TestServeJWKS(t *testing.T) {
	m := open(t, dbPath(t), keys.Options{})
	body, etag := m.JWKS()
	for _, tc := range []struct {
		name        string
		method      string
		ifNoneMatch string
		status      int
		body        string
	}{
		{"GET", http.MethodGet, "", http.StatusOK, string(body)},
		{"HEAD", http.MethodHead, "", http.StatusOK, ""},
		{"matching ETag", http.MethodGet, etag, http.StatusNotModified, ""},
		{"weak matching ETag in a list", http.MethodGet, `"x", W/` + etag, http.StatusNotModified, ""},
		{"star", http.MethodGet, "*", http.StatusNotModified, ""},
		{"stale ETag", http.MethodGet, `"0123"`, http.StatusOK, string(body)},
		{"POST", http.MethodPost, "", http.StatusMethodNotAllowed, "method not allowed\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/oidc/jwks", nil)
			if tc.ifNoneMatch != "" {
				r.Header.Set("If-None-Match", tc.ifNoneMatch)
			}
			w := httptest.NewRecorder()
			m.ServeJWKS(w, r)
			if w.Code != tc.status {
				t.Fatalf("status = %d, want %d", w.Code, tc.status)
			}
			if got := w.Body.String(); got != tc.body {
				t.Errorf("body = %q, want %q", got, tc.body)
			}
			if tc.status == http.StatusMethodNotAllowed {
				return
			}
			h := w.Result().Header
			if h.Get("ETag") != etag || h.Get("Cache-Control") != "public, max-age=300" {
				t.Errorf("ETag %q Cache-Control %q", h.Get("ETag"), h.Get("Cache-Control"))
			}
			if tc.status == http.StatusOK && h.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type = %q", h.Get("Content-Type"))
			}
		})
	}
}
