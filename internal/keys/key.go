package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/go-jose/go-jose/v4"

	"github.com/monban-dev/monban/internal/secretbox"
)

// DefaultAlgorithm is ES384 on P-384, the algorithm Logto signs with, so
// relying parties configured for Logto accept our tokens unchanged.
const DefaultAlgorithm = "ES384"

// rsaBits is the modulus size of generated RSA keys: 2048 bits is the
// minimum RFC 7518 §3.3 and §3.5 require for RS256 and PS256, and what
// every relying party accepts.
const rsaBits = 2048

// algSpec says how to generate keys for one JWS algorithm and whether a
// parsed private key fits it (RFC 7518 §3.4 ties each ES* algorithm to one
// curve: a P-256 key under "ES384" would be a confused key).
type algSpec struct {
	generate func() (crypto.Signer, error)
	fits     func(crypto.Signer) bool
}

// algorithms is the allow-list of signing algorithms, the asymmetric ones
// both Logto SDKs accept (spec/logto-compat.md, "Tokens"). HMAC is absent
// on purpose: a JWKS holds public keys only.
var algorithms = map[jose.SignatureAlgorithm]algSpec{
	jose.ES256: ecSpec(elliptic.P256()),
	jose.ES384: ecSpec(elliptic.P384()),
	jose.ES512: ecSpec(elliptic.P521()),
	jose.RS256: rsaSpec(),
	jose.PS256: rsaSpec(),
}

func ecSpec(curve elliptic.Curve) algSpec {
	return algSpec{
		generate: func() (crypto.Signer, error) { return ecdsa.GenerateKey(curve, rand.Reader) },
		fits: func(s crypto.Signer) bool {
			k, ok := s.(*ecdsa.PrivateKey)
			return ok && k.Curve == curve
		},
	}
}

func rsaSpec() algSpec {
	return algSpec{
		generate: func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, rsaBits) },
		fits: func(s crypto.Signer) bool {
			k, ok := s.(*rsa.PrivateKey)
			return ok && k.N.BitLen() >= rsaBits
		},
	}
}

// parseAlgorithm checks name against the allow-list.
func parseAlgorithm(name string) (jose.SignatureAlgorithm, error) {
	alg := jose.SignatureAlgorithm(name)
	if _, ok := algorithms[alg]; !ok {
		return "", fmt.Errorf("signing keys: unsupported algorithm %q (want ES256, ES384, ES512, RS256 or PS256)", name)
	}
	return alg, nil
}

// maxCachedSigners bounds the per-key cache of signers, one per JWT "typ".
// Callers use a handful of fixed types ("JWT", "at+jwt", "logout+jwt");
// the bound only guards against a caller passing unbounded values.
const maxCachedSigners = 16

// Key is a signing key with its private part in memory. A Key never
// changes once built; its status lives in the Manager's snapshot, so one
// Key (and its cached signers) survives rotations.
type Key struct {
	ID        string // kid: the RFC 7638 thumbprint of the public key
	Algorithm jose.SignatureAlgorithm
	Private   crypto.Signer
	Public    jose.JSONWebKey // public JWK with kid, alg and use "sig"

	signers  sync.Map // typ -> jose.Signer
	nSigners atomic.Int32
}

// newKey derives the public JWK and the kid from a private key.
func newKey(alg jose.SignatureAlgorithm, priv crypto.Signer) (*Key, error) {
	if !algorithms[alg].fits(priv) {
		return nil, fmt.Errorf("signing keys: a %T does not fit algorithm %s", priv, alg)
	}
	pub := jose.JSONWebKey{Key: priv.Public(), Algorithm: string(alg), Use: "sig"}
	kid, err := thumbprint(pub)
	if err != nil {
		return nil, err
	}
	pub.KeyID = kid
	return &Key{ID: kid, Algorithm: alg, Private: priv, Public: pub}, nil
}

// thumbprint is the RFC 7638 JWK thumbprint (SHA-256, base64url without
// padding). As a kid it is unique, stable across restarts and derivable by
// anyone holding the public key, so it needs no separate bookkeeping.
func thumbprint(jwk jose.JSONWebKey) (string, error) {
	sum, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("signing keys: thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}

// generateKey makes a fresh key for alg.
func generateKey(alg jose.SignatureAlgorithm) (*Key, error) {
	priv, err := algorithms[alg].generate()
	if err != nil {
		return nil, fmt.Errorf("signing keys: generate %s key: %w", alg, err)
	}
	return newKey(alg, priv)
}

// associatedData binds a sealed private key to its kid, so a sealed value
// copied onto another row fails to open (secretbox.Box.Seal).
func associatedData(kid string) []byte { return []byte("signing-key:" + kid) }

// seal encodes the private key as PKCS#8 DER (RFC 5208), the one format
// that carries EC and RSA keys alike, and encrypts it under the master
// secret.
func (k *Key) seal(box *secretbox.Box) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: encode: %w", k.ID, err)
	}
	return box.Seal(der, associatedData(k.ID)), nil
}

// openKey decrypts and parses a stored key and checks that it is the key
// its id names. A decryption failure almost always means the master secret
// is not the one the database was created with; the error says so and names
// the kid, never the secret.
func openKey(box *secretbox.Box, kid, algorithm string, sealed []byte) (*Key, error) {
	alg, err := parseAlgorithm(algorithm)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", kid, err)
	}
	der, err := box.Open(sealed, associatedData(kid))
	if err != nil {
		return nil, fmt.Errorf("signing key %s: cannot decrypt its private key: "+
			"the master secret is not the one this database's keys were sealed with (or the row is corrupted): %w", kid, err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: parse private key: %w", kid, err)
	}
	priv, ok := parsed.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("signing key %s: %T is not a signing key", kid, parsed)
	}
	k, err := newKey(alg, priv)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", kid, err)
	}
	if k.ID != kid {
		return nil, fmt.Errorf("signing key %s: the private key's thumbprint is %s, not its id", kid, k.ID)
	}
	return k, nil
}

// signer returns a go-jose Signer for this key whose protected header is
// {alg, kid, typ}. Building one costs allocations and a map of headers, so
// signers are cached per typ: Sign is on the token endpoint's hot path.
func (k *Key) signer(typ string) (jose.Signer, error) {
	if s, ok := k.signers.Load(typ); ok {
		return s.(jose.Signer), nil
	}
	opts := &jose.SignerOptions{}
	if typ != "" {
		// RFC 7515 §4.1.9; RFC 9068 §2.1 asks for "at+jwt" on access tokens.
		opts = opts.WithType(jose.ContentType(typ))
	}
	s, err := jose.NewSigner(jose.SigningKey{
		Algorithm: k.Algorithm,
		// A JSONWebKey with KeyID makes go-jose put "kid" in the header.
		Key: jose.JSONWebKey{Key: k.Private, KeyID: k.ID, Algorithm: string(k.Algorithm)},
	}, opts)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	if k.nSigners.Add(1) <= maxCachedSigners {
		if prev, loaded := k.signers.LoadOrStore(typ, s); loaded {
			return prev.(jose.Signer), nil
		}
	}
	return s, nil
}
