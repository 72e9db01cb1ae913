package keys_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/monban-dev/monban/internal/keys"
)

func TestSignVerify(t *testing.T) {
	m := open(t, dbPath(t), keys.Options{})
	payload := []byte(`{"sub":"u1","aud":"app"}`)
	for _, typ := range []string{"JWT", "at+jwt", ""} {
		t.Run("typ="+typ, func(t *testing.T) {
			tok, err := m.Sign(payload, typ)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"alg": "ES384", "kid": m.Current().ID}
			if typ != "" {
				want["typ"] = typ
			}
			h := header(t, tok)
			if len(h) != len(want) {
				t.Errorf("header = %v, want %v", h, want)
			}
			for k, v := range want {
				if h[k] != v {
					t.Errorf("header %s = %v, want %v", k, h[k], v)
				}
			}
			got, err := m.Verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(payload) {
				t.Errorf("payload = %s, want %s", got, payload)
			}
		})
	}
}

// joseSign signs payload with go-jose, key and extra headers.
func joseSign(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, opts *jose.SignerOptions) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign([]byte(`{"sub":"attacker"}`))
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The rejections of spec/security.md item 9.
func TestVerifyRejects(t *testing.T) {
	m := open(t, dbPath(t), keys.Options{})
	cur := m.Current()
	kid := cur.ID
	payload := []byte(`{"sub":"attacker"}`)
	valid, err := m.Sign(payload, "JWT")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(valid, ".")
	pubJSON, err := json.Marshal(cur.Public)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		token string
	}{
		{"alg none", forge(t, map[string]any{"alg": "none", "kid": kid}, payload, func([]byte) []byte { return nil })},
		{"HS256 keyed with the public JWK", forge(t, map[string]any{"alg": "HS256", "kid": kid}, payload, func(in []byte) []byte {
			mac := hmac.New(sha256.New, pubJSON)
			mac.Write(in)
			return mac.Sum(nil)
		})},
		{"unknown kid", joseSign(t, jose.ES384, other, "not-a-kid", nil)},
		{"no kid", joseSign(t, jose.ES384, other, "", nil)},
		{"known kid, another key", joseSign(t, jose.ES384, other, kid, nil)},
		{"alg header changed", forge(t, map[string]any{"alg": "ES512", "kid": kid, "typ": "JWT"}, payload, func([]byte) []byte {
			return []byte(parts[2])
		})},
		{"crit header", joseSign(t, jose.ES384, cur.Private, kid,
			(&jose.SignerOptions{}).WithHeader("exp", 1).WithCritical("exp"))},
		{"crit b64", joseSign(t, jose.ES384, cur.Private, kid, (&jose.SignerOptions{}).WithBase64(false))},
		{"payload changed", parts[0] + "." + parts[0] + "." + parts[2]},
		{"signature dropped", parts[0] + "." + parts[1] + "."},
		{"empty", ""},
		{"dots", ".."},
		{"two parts", parts[0] + "." + parts[1]},
		{"four parts", valid + "." + parts[2]},
		{"not base64", "!!!.???.***"},
		{"header not JSON", "bm90IGpzb24." + parts[1] + "." + parts[2]},
		{"header is an array", "WzFd." + parts[1] + "." + parts[2]},
		{"JSON serialization", `{"payload":"` + parts[1] + `","protected":"` + parts[0] + `","signature":"` + parts[2] + `"}`},
		{"too long", valid + strings.Repeat("A", 70<<10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.Verify(tc.token)
			if err == nil {
				t.Fatalf("Verify accepted it: %s", got)
			}
			if !errors.Is(err, keys.ErrInvalidToken) {
				t.Errorf("error %v does not wrap ErrInvalidToken", err)
			}
		})
	}
}

// An RSA key published as RS256 must not verify a genuine PS256 signature
// it made, even when PS256 is an algorithm of another published key: the
// allow-list is per key.
func TestVerifyPerKeyAlgorithm(t *testing.T) {
	path := dbPath(t)
	open(t, path, keys.Options{Algorithm: "RS256"})
	m := open(t, path, keys.Options{Algorithm: "PS256"})
	if _, err := m.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}
	pub := m.Published()
	if pub[0].Algorithm != "RS256" || pub[1].Algorithm != "PS256" {
		t.Fatalf("published = %+v, want current RS256 and next PS256", pub)
	}
	cur := m.Current()
	rsaKey := cur.Private.(*rsa.PrivateKey)
	tok := forge(t, map[string]any{"alg": "PS256", "kid": cur.ID}, []byte(`{}`), func(in []byte) []byte {
		sum := sha256.Sum256(in)
		sig, err := rsa.SignPSS(rand.Reader, rsaKey, crypto.SHA256, sum[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		if err != nil {
			t.Fatal(err)
		}
		return sig
	})
	_, err := m.Verify(tok)
	if !errors.Is(err, keys.ErrInvalidToken) || !strings.Contains(err.Error(), "not the algorithm of key") {
		t.Errorf("Verify(PS256 by the RS256 key) = %v, want ErrInvalidToken from the per-key check", err)
	}
	// The same forge, with the right alg, is a valid token: the check above
	// failed on the algorithm alone.
	good := forge(t, map[string]any{"alg": "RS256", "kid": cur.ID}, []byte(`{}`), func(in []byte) []byte {
		sum := sha256.Sum256(in)
		sig, err := rsa.SignPKCS1v15(nil, rsaKey, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		return sig
	})
	if _, err := m.Verify(good); err != nil {
		t.Errorf("Verify(RS256 forge) = %v", err)
	}
}

// Verify reads attacker input: it must fail cleanly, never panic.
func FuzzVerify(f *testing.F) {
	m := open(f, dbPath(f), keys.Options{})
	valid, err := m.Sign([]byte(`{"sub":"x"}`), "JWT")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{valid, "", ".", "..", "a.b.c", "e30.e30.", "eyJhbGciOiJub25lIn0.e30.", valid + "x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if payload, err := m.Verify(s); err == nil && s != valid {
			t.Errorf("Verify(%q) accepted %q", s, payload)
		}
	})
}
