// Package id generates random identifiers and secrets.
//
// Every value comes from crypto/rand and uses only ASCII letters and digits,
// so it survives application/x-www-form-urlencoded bodies, URL query strings
// and HTTP Basic credentials (RFC 6749 §2.3.1, RFC 7617) without any escaping:
// a client secret containing ':' or '%' is a classic interoperability bug.
package id

import (
	"crypto/rand"
	"crypto/sha256"
)

const (
	// Lower is the alphabet of entity ids: lowercase so ids compare
	// case-insensitively without surprises (e.g. in URLs and logs).
	Lower = "abcdefghijklmnopqrstuvwxyz0123456789"
	// Alnum is the alphabet of secrets: 62 symbols, ~5.95 bits each.
	Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

const (
	// idLen matches the 21-character ids Logto uses, so imported data and
	// ours look alike. 36^21 ≈ 2^108.6, ample to make collisions negligible.
	idLen = 21
	// secretLen gives at least 256 bits of entropy: 62^43 ≈ 2^256.03 > 2^256.
	// RFC 6749 §10.10 requires that guessing a token be infeasible
	// (probability ≤ 2^-128); 256 bits leaves a wide margin.
	secretLen = 43
)

// New returns a 21-character lowercase alphanumeric id ([a-z0-9]) for
// database entities (users, applications, connectors ...), shaped like
// Logto's ids. Ids are not secrets: do not use them as bearer credentials.
func New() string {
	return Random(idLen, Lower)
}

// Secret returns a 43-character [A-Za-z0-9] secret with more than 256 bits
// of entropy (62^43 > 2^256), for client secrets, refresh tokens,
// authorization codes and session ids.
func Secret() string {
	return Random(secretLen, Alnum)
}

// Random returns n characters drawn uniformly from alphabet, which must be
// 1 to 256 distinct single-byte (ASCII) characters.
//
// A random byte reduced modulo len(alphabet) would favour the first
// 256 % len(alphabet) symbols; instead bytes at or above the largest multiple
// of len(alphabet) are discarded (rejection sampling), so every symbol is
// equally likely.
//
// Random panics if n is negative or the alphabet size is out of range:
// both are programming errors, not runtime conditions.
func Random(n int, alphabet string) string {
	if n < 0 {
		panic("id: negative length")
	}
	size := len(alphabet)
	if size == 0 || size > 256 {
		panic("id: alphabet must have 1 to 256 characters")
	}
	// limit is the largest multiple of size not above 256; bytes >= limit
	// are rejected. For size = 62, limit = 248 and 3% of bytes are dropped.
	limit := 256 - 256%size
	out := make([]byte, n)
	// Over-read a little so one crypto/rand call is usually enough.
	buf := make([]byte, n+n/4+8)
	for i := 0; i < n; {
		// crypto/rand.Read never fails since Go 1.24 (it crashes the
		// program instead of returning predictable bytes).
		rand.Read(buf)
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			out[i] = alphabet[int(b)%size]
			i++
			if i == n {
				break
			}
		}
	}
	return string(out)
}

// Hash returns the SHA-256 digest of a high-entropy secret (client secret,
// token, code, session id); the store keeps only this digest, so a leaked
// database does not yield usable credentials.
//
// A fast unsalted hash is sufficient here, unlike for passwords, because the
// input already has ≥ 256 bits of entropy: there is no dictionary to try
// (see OWASP Password Storage Cheat Sheet, which targets low-entropy input).
// Hash must not be used for user passwords.
func Hash(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}
