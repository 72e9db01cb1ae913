package connectortest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Signer is a fake provider's ID-token signing key.
type Signer struct {
	Key *rsa.PrivateKey
	KID string
}

// NewSigner makes an RSA signing key.
func NewSigner(t testing.TB) *Signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return &Signer{Key: k, KID: base64.RawURLEncoding.EncodeToString(b)}
}

// JWKS is the public key set.
func (s *Signer) JWKS() jose.JSONWebKeySet {
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &s.Key.PublicKey, KeyID: s.KID, Algorithm: "RS256", Use: "sig"}}}
}

// ServeJWKS answers the key set.
func (s *Signer) ServeJWKS(w http.ResponseWriter) { WriteJSON(w, 200, s.JWKS()) }

// Sign signs claims with RS256.
func (s *Signer) Sign(t testing.TB, claims map[string]any) string {
	t.Helper()
	return SignWith(t, jose.RS256, s.Key, s.KID, claims)
}

// SignWith signs claims with any algorithm and key (for negative tests,
// e.g. HS256 with a shared secret).
func SignWith(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := sig.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Unsigned makes an alg=none token.
func Unsigned(claims map[string]any) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	p, _ := json.Marshal(claims)
	return h + "." + base64.RawURLEncoding.EncodeToString(p) + "."
}

// IDClaims are valid ID-token claims.
func IDClaims(iss, aud, sub, nonce string) map[string]any {
	now := time.Now()
	c := map[string]any{"iss": iss, "aud": aud, "sub": sub, "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
	if nonce != "" {
		c["nonce"] = nonce
	}
	return c
}
