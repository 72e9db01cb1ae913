package keys

import (
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// ErrInvalidToken is wrapped by every Verify failure; callers test it with
// errors.Is and need not tell the reasons apart (the wrapped message says
// which check failed, for logs).
var ErrInvalidToken = errors.New("invalid token")

// maxTokenLen bounds what Verify parses. The JWTs Monban verifies (ID token
// hints, client assertions, its own tokens) are a few KiB; the bound keeps
// base64 and JSON decoding of hostile input cheap.
const maxTokenLen = 64 << 10

// Sign returns the compact JWS (RFC 7515 §7.1) of payload signed with the
// current key, with protected header {"alg", "kid", "typ"}; typ is omitted
// when empty ("JWT" for ID tokens, "at+jwt" for access tokens, RFC 9068).
func (m *Manager) Sign(payload []byte, typ string) (string, error) {
	k := m.Current()
	s, err := k.signer(typ)
	if err != nil {
		return "", err
	}
	jws, err := s.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("signing key %s: sign: %w", k.ID, err)
	}
	return jws.CompactSerialize()
}

// Verify checks a compact JWS against the published keys (current, next and
// retired keys not yet expired) and returns its payload. It does not look
// at the claims: expiry, audience and issuer are the caller's to check.
//
// The checks are those of spec/security.md item 9, which close the classic
// JWT confusions:
//   - "alg" must be one of the published keys' algorithms, so "none" and
//     HMAC ("HS256" keyed with a public key's bytes) are refused before any
//     key is touched (RFC 8725 §2.1, §3.1);
//   - "kid" must name a published key, and "alg" must equal that key's
//     algorithm: a per-key allow-list, so an RSA key is never used as PS256
//     when it was published as RS256, nor under another curve's algorithm;
//   - any "crit" header is refused: Monban understands no extension, and
//     RFC 7515 §4.1.11 requires refusing a JWS with a critical parameter
//     one does not understand ("b64" of RFC 7797 included).
func (m *Manager) Verify(compact string) ([]byte, error) {
	if len(compact) > maxTokenLen {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrInvalidToken, maxTokenLen)
	}
	s := m.snap.Load()
	jws, err := jose.ParseSignedCompact(compact, s.algs)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if len(jws.Signatures) != 1 {
		return nil, fmt.Errorf("%w: want one signature, got %d", ErrInvalidToken, len(jws.Signatures))
	}
	h := jws.Signatures[0].Protected
	for _, name := range []jose.HeaderKey{"crit", "b64"} {
		if _, ok := h.ExtraHeaders[name]; ok {
			return nil, fmt.Errorf("%w: unsupported header %q", ErrInvalidToken, name)
		}
	}
	e := s.byID[h.KeyID]
	if e == nil {
		return nil, fmt.Errorf("%w: unknown kid %q", ErrInvalidToken, clip(h.KeyID))
	}
	if jose.SignatureAlgorithm(h.Algorithm) != e.key.Algorithm {
		return nil, fmt.Errorf("%w: alg %q is not the algorithm of key %s (%s)", ErrInvalidToken, clip(h.Algorithm), e.key.ID, e.key.Algorithm)
	}
	// A retired key may expire between two Reloads; never trust it longer
	// than its ExpiresAt.
	if e.expiresAt != nil && m.now().After(*e.expiresAt) {
		return nil, fmt.Errorf("%w: key %s expired", ErrInvalidToken, e.key.ID)
	}
	payload, err := jws.Verify(e.key.Public.Key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return payload, nil
}

// clip shortens attacker-controlled header values before they reach an
// error message (and so the logs).
func clip(s string) string {
	const limit = 64
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}
