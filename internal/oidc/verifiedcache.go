package oidc

import (
	"crypto/sha256"
	"sync"
)

// verifiedCache remembers JWT access tokens whose signature was already
// checked, keyed by the token's SHA-256: resource servers introspect the
// same token again and again, and an ES384 verification costs more than
// everything else of the request. Only successfully verified tokens go in;
// expiry and revocation are still checked on every call.
type verifiedCache struct {
	mu      sync.Mutex
	entries map[[32]byte]accessClaims
	max     int
}

func newVerifiedCache(max int) *verifiedCache {
	return &verifiedCache{entries: make(map[[32]byte]accessClaims), max: max}
}

func (c *verifiedCache) get(tok string) (accessClaims, bool) {
	k := sha256.Sum256([]byte(tok))
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[k]
	return v, ok
}

// put stores claims; when full, expired entries go first, and if that is
// not enough the cache starts over (bounded memory beats a perfect hit rate).
func (c *verifiedCache) put(tok string, claims accessClaims, now int64) {
	k := sha256.Sum256([]byte(tok))
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for key, v := range c.entries {
			if now >= v.EXP {
				delete(c.entries, key)
			}
		}
		if len(c.entries) >= c.max {
			clear(c.entries)
		}
	}
	c.entries[k] = claims
}
