package keys_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/monban-dev/monban/internal/keys"
	"github.com/monban-dev/monban/internal/secretbox"
	"github.com/monban-dev/monban/internal/store"
)

func TestOpenFresh(t *testing.T) {
	path := dbPath(t)
	s := openStore(t, path)
	m := open(t, path, keys.Options{Store: s})

	if got := statuses(t, s); got[store.KeyCurrent] != 1 || got[store.KeyNext] != 1 || len(got) != 2 {
		t.Errorf("stored statuses = %v, want one current and one next", got)
	}
	set := jwks(t, m)
	if len(set) != 2 {
		t.Fatalf("JWKS has %d keys, want 2", len(set))
	}
	if set[0]["kid"] == set[1]["kid"] {
		t.Errorf("kids are not distinct: %q", set[0]["kid"])
	}
	for _, k := range set {
		want := map[string]string{"kty": "EC", "crv": "P-384", "alg": "ES384", "use": "sig"}
		for name, v := range want {
			if k[name] != v {
				t.Errorf("JWK %s = %q, want %q", name, k[name], v)
			}
		}
	}
	cur := m.Current()
	if cur.ID != set[0]["kid"] || cur.Algorithm != "ES384" || cur.Public.KeyID != cur.ID {
		t.Errorf("Current() = %s %s, want the first JWKS key %s with alg ES384", cur.ID, cur.Algorithm, set[0]["kid"])
	}
	pub := m.Published()
	if len(pub) != 2 || pub[0].Status != store.KeyCurrent || pub[1].Status != store.KeyNext {
		t.Errorf("Published() = %+v, want current then next", pub)
	}
}

func TestOpenPersists(t *testing.T) {
	path := dbPath(t)
	m1 := open(t, path, keys.Options{})
	body1, etag1 := m1.JWKS()

	// A new store handle and Manager: a restarted process.
	m2 := open(t, path, keys.Options{})
	body2, etag2 := m2.JWKS()
	if !slices.Equal(kids(t, m1), kids(t, m2)) || m1.Current().ID != m2.Current().ID {
		t.Errorf("kids after re-open = %v (current %s), want %v (current %s)",
			kids(t, m2), m2.Current().ID, kids(t, m1), m1.Current().ID)
	}
	if string(body1) != string(body2) || etag1 != etag2 {
		t.Errorf("JWKS changed across re-open")
	}
	if got := statuses(t, openStore(t, path)); got[store.KeyCurrent] != 1 || got[store.KeyNext] != 1 {
		t.Errorf("re-open created keys: %v", got)
	}
}

func TestOpenWrongMasterSecret(t *testing.T) {
	path := dbPath(t)
	m := open(t, path, keys.Options{})
	_, err := keys.Open(context.Background(), keys.Options{Store: openStore(t, path), Box: box(t, 2)})
	if err == nil {
		t.Fatal("Open with another master secret succeeded")
	}
	if !errors.Is(err, secretbox.ErrDecrypt) || !strings.Contains(err.Error(), "master secret") {
		t.Errorf("error = %v, want secretbox.ErrDecrypt explaining the master secret", err)
	}
	if !slices.ContainsFunc(kids(t, m), func(kid string) bool { return strings.Contains(err.Error(), kid) }) {
		t.Errorf("error %q names no kid", err)
	}
}

func TestOpenOptions(t *testing.T) {
	path := dbPath(t)
	s := openStore(t, path)
	for _, tc := range []struct {
		name string
		o    keys.Options
	}{
		{"no store", keys.Options{Box: box(t, 1)}},
		{"no box", keys.Options{Store: s}},
		{"HS256", keys.Options{Store: s, Box: box(t, 1), Algorithm: "HS256"}},
		{"none", keys.Options{Store: s, Box: box(t, 1), Algorithm: "none"}},
		{"EdDSA", keys.Options{Store: s, Box: box(t, 1), Algorithm: "EdDSA"}},
		{"negative RetireAfter", keys.Options{Store: s, Box: box(t, 1), RetireAfter: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := keys.Open(context.Background(), tc.o); err == nil {
				t.Error("Open succeeded")
			}
		})
	}
	if n := statuses(t, s); len(n) != 0 {
		t.Errorf("failed Opens stored keys: %v", n)
	}
}

func TestAlgorithms(t *testing.T) {
	for _, tc := range []struct {
		alg, kty, crv string
		rsa           bool
	}{
		{"ES256", "EC", "P-256", false},
		{"ES384", "EC", "P-384", false},
		{"ES512", "EC", "P-521", false},
		{"RS256", "RSA", "", true},
		{"PS256", "RSA", "", true},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			t.Parallel()
			m := open(t, dbPath(t), keys.Options{Algorithm: tc.alg})
			for _, k := range jwks(t, m) {
				if k["kty"] != tc.kty || k["crv"] != tc.crv || k["alg"] != tc.alg {
					t.Errorf("JWK = %v, want kty %s crv %q alg %s", k, tc.kty, tc.crv, tc.alg)
				}
			}
			switch p := m.Current().Private.(type) {
			case *rsa.PrivateKey:
				if !tc.rsa || p.N.BitLen() != 2048 {
					t.Errorf("private key is RSA-%d", p.N.BitLen())
				}
			case *ecdsa.PrivateKey:
				if tc.rsa || p.Curve.Params().Name != tc.crv {
					t.Errorf("private key is EC %s", p.Curve.Params().Name)
				}
			default:
				t.Errorf("private key is %T", p)
			}
			tok, err := m.Sign([]byte(`{"sub":"x"}`), "JWT")
			if err != nil {
				t.Fatal(err)
			}
			if h := header(t, tok); h["alg"] != tc.alg {
				t.Errorf("header alg = %v", h["alg"])
			}
			if _, err := m.Verify(tok); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

// Nodes sharing one database start at once: exactly one set of keys results
// and every node loads it.
func TestOpenConcurrent(t *testing.T) {
	path := dbPath(t)
	const n = 10
	managers := make([]*keys.Manager, n)
	errs := make([]error, n)
	stores := make([]keys.Store, n)
	for i := range n {
		stores[i] = openStore(t, path)
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			managers[i], errs[i] = keys.Open(context.Background(), keys.Options{Store: stores[i], Box: box(t, 1)})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
	}
	if got := statuses(t, stores[0]); got[store.KeyCurrent] != 1 || got[store.KeyNext] != 1 || len(got) != 2 {
		t.Errorf("stored statuses = %v, want one current and one next", got)
	}
	for i, m := range managers {
		if m.Current().ID != managers[0].Current().ID {
			t.Errorf("manager %d signs with %s, manager 0 with %s", i, m.Current().ID, managers[0].Current().ID)
		}
	}
}

// A configured algorithm that differs from the stored keys' takes effect
// through rotations, never by replacing the keys in place.
func TestAlgorithmChange(t *testing.T) {
	path := dbPath(t)
	es := open(t, path, keys.Options{})
	old, err := es.Sign([]byte("old"), "")
	if err != nil {
		t.Fatal(err)
	}
	m := open(t, path, keys.Options{Algorithm: "RS256"})
	if m.Current().ID != es.Current().ID {
		t.Fatal("Open with another algorithm replaced the current key")
	}
	for i, want := range []string{"ES384", "RS256"} {
		if _, err := m.Rotate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := string(m.Current().Algorithm); got != want {
			t.Errorf("after rotation %d current algorithm = %s, want %s", i+1, got, want)
		}
		pub := m.Published()
		if next := pub[1]; next.Status != store.KeyNext || next.Algorithm != "RS256" {
			t.Errorf("after rotation %d next = %+v, want an RS256 next key", i+1, next)
		}
	}
	// The mixed set still verifies the ES384 token and signs with RSA.
	if _, err := m.Verify(old); err != nil {
		t.Errorf("Verify of a token from the first key: %v", err)
	}
	if _, ok := m.Current().Private.(*rsa.PrivateKey); !ok {
		t.Errorf("current private key is %T", m.Current().Private)
	}
}
