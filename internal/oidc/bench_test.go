package oidc_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

// BenchmarkClientCredentials measures the token endpoint in-process (no
// network): client authentication, resource lookup, one ES384 signature.
func BenchmarkClientCredentials(b *testing.B) {
	env := testenv.New(b, testenv.Options{})
	m2m, secret := env.App(store.AppMachineToMachine)
	env.Resource("https://api.bench.example")
	h := env.Server.Config.Handler
	body := url.Values{"grant_type": {"client_credentials"}, "resource": {"https://api.bench.example"}}.Encode()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/oidc/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(m2m.ID, secret)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
