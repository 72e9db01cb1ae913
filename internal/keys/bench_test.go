package keys_test

import (
	"testing"

	"github.com/monban-dev/monban/internal/keys"
)

var payload = []byte(`{"iss":"https://auth.example.com/oidc","sub":"u1","aud":"app","exp":1767323045,"iat":1767319445}`)

func BenchmarkSignES384(b *testing.B) {
	m := open(b, dbPath(b), keys.Options{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Sign(payload, "JWT"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyES384(b *testing.B) {
	m := open(b, dbPath(b), keys.Options{})
	tok, err := m.Sign(payload, "JWT")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJWKS(b *testing.B) {
	m := open(b, dbPath(b), keys.Options{})
	b.ReportAllocs()
	for b.Loop() {
		if body, etag := m.JWKS(); len(body) == 0 || etag == "" {
			b.Fatal("empty JWKS")
		}
	}
}
