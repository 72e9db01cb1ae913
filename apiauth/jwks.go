package apiauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// maxDocLen bounds the discovery document and the JWKS read from the
// server.
const maxDocLen = 1 << 20

// discoverJWKS reads jwks_uri from the issuer's OpenID Provider metadata;
// the document's issuer must be the configured one exactly (OpenID Connect
// Discovery 1.0 §4.3), which catches a wrong Issuer at start.
func discoverJWKS(ctx context.Context, client *http.Client, issuer string) (string, error) {
	u := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	body, _, err := get(ctx, client, u, "")
	if err != nil {
		return "", fmt.Errorf("apiauth: discovery: %w", err)
	}
	var meta struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &meta); err != nil {
		return "", fmt.Errorf("apiauth: discovery %s: %w", u, err)
	}
	if meta.Issuer != issuer {
		return "", fmt.Errorf("apiauth: discovery %s: issuer is %q, not the configured %q", u, meta.Issuer, issuer)
	}
	if p, err := url.Parse(meta.JWKSURI); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return "", fmt.Errorf("apiauth: discovery %s: jwks_uri %q is not an http(s) URL", u, meta.JWKSURI)
	}
	return meta.JWKSURI, nil
}

type fetched struct {
	body []byte
	// etag and maxAge come from the response headers; maxAge < 0 means
	// none was given.
	etag   string
	maxAge time.Duration
	notMod bool
}

// get GETs u, with If-None-Match when etag is set.
func get(ctx context.Context, client *http.Client, u, etag string) ([]byte, fetched, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fetched{}, err
	}
	req.Header.Set("Accept", "application/json")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fetched{}, err
	}
	defer resp.Body.Close()
	f := fetched{etag: resp.Header.Get("ETag"), maxAge: maxAge(resp.Header.Values("Cache-Control"))}
	switch {
	case resp.StatusCode == http.StatusNotModified && etag != "":
		f.notMod = true
		return nil, f, nil
	case resp.StatusCode != http.StatusOK:
		return nil, f, fmt.Errorf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocLen+1))
	if err != nil {
		return nil, f, fmt.Errorf("GET %s: %w", u, err)
	}
	if len(body) > maxDocLen {
		return nil, f, fmt.Errorf("GET %s: longer than %d bytes", u, maxDocLen)
	}
	f.body = body
	return body, f, nil
}

// maxAge reads Cache-Control's max-age; no-store and no-cache count as 0;
// -1 means the header says nothing about it.
func maxAge(values []string) time.Duration {
	age := time.Duration(-1)
	for _, v := range values {
		for d := range strings.SplitSeq(v, ",") {
			d = strings.ToLower(strings.TrimSpace(d))
			if d == "no-store" || d == "no-cache" {
				return 0
			}
			if n, ok := strings.CutPrefix(d, "max-age="); ok {
				if s, err := strconv.ParseInt(strings.Trim(n, `"`), 10, 32); err == nil && s >= 0 {
					age = time.Duration(s) * time.Second
				}
			}
		}
	}
	return age
}

// keyCache holds the issuer's signing keys. Keys are fetched again when
// they are older than their lifetime (Cache-Control max-age, clamped to
// [minInterval, maxAge]) or when a token names an unknown kid, but never
// twice within minInterval. A failed fetch keeps the keys there were.
type keyCache struct {
	url         string
	client      *http.Client
	now         func() time.Time
	maxAge      time.Duration
	minInterval time.Duration

	mu        sync.RWMutex
	keys      map[string]*jose.JSONWebKey
	etag      string
	expires   time.Time // when the keys should be fetched again
	lastFetch time.Time // last attempt, successful or not

	fetchMu sync.Mutex // one fetch at a time
}

var errUnknownKID = errors.New("kid not in the issuer's JWKS")

// key returns the public key with id kid, fetching the JWKS first when the
// cached keys are stale or do not have kid (subject to minInterval).
func (c *keyCache) key(ctx context.Context, kid string) (*jose.JSONWebKey, error) {
	c.mu.RLock()
	k, stale := c.keys[kid], !c.now().Before(c.expires)
	c.mu.RUnlock()
	switch {
	case k != nil && !stale:
		return k, nil
	case k != nil:
		// Stale but known: refresh unless someone already is (then use
		// what we have meanwhile). A failed fetch keeps the old keys; a
		// successful one that no longer has kid retires it.
		if c.fetchMu.TryLock() {
			c.refreshLocked(ctx)
			c.fetchMu.Unlock()
		}
		c.mu.RLock()
		k = c.keys[kid]
		c.mu.RUnlock()
		if k == nil {
			return nil, fmt.Errorf("%w: %q (removed)", errUnknownKID, clip(kid))
		}
		return k, nil
	}
	// Unknown kid: wait for any fetch under way, then fetch if allowed.
	c.fetchMu.Lock()
	c.mu.RLock()
	k = c.keys[kid]
	c.mu.RUnlock()
	if k == nil {
		c.refreshLocked(ctx)
		c.mu.RLock()
		k = c.keys[kid]
		c.mu.RUnlock()
	}
	c.fetchMu.Unlock()
	if k == nil {
		return nil, fmt.Errorf("%w: %q", errUnknownKID, clip(kid))
	}
	return k, nil
}

// refreshLocked fetches the keys if minInterval has passed since the last
// attempt. The caller holds fetchMu. Errors are dropped: the old keys stay.
func (c *keyCache) refreshLocked(ctx context.Context) {
	c.mu.RLock()
	last := c.lastFetch
	c.mu.RUnlock()
	if c.now().Sub(last) < c.minInterval {
		return
	}
	// The request's cancellation must not fail the fetch for everyone.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultHTTPTimeout)
	defer cancel()
	_ = c.fetch(ctx)
}

// fetch GETs the JWKS (conditionally, when an ETag is known) and installs
// it. It records the attempt even when it fails.
func (c *keyCache) fetch(ctx context.Context) error {
	c.mu.Lock()
	c.lastFetch = c.now()
	etag := c.etag
	if c.keys == nil {
		etag = ""
	}
	c.mu.Unlock()

	body, f, err := get(ctx, c.client, c.url, etag)
	if err != nil {
		return fmt.Errorf("apiauth: JWKS: %w", err)
	}
	var keys map[string]*jose.JSONWebKey
	if !f.notMod {
		if keys, err = parseJWKS(body); err != nil {
			return fmt.Errorf("apiauth: JWKS %s: %w", c.url, err)
		}
	}
	ttl := f.maxAge
	if ttl < 0 || ttl > c.maxAge {
		ttl = c.maxAge
	}
	ttl = max(ttl, c.minInterval)

	c.mu.Lock()
	defer c.mu.Unlock()
	if keys != nil {
		c.keys, c.etag = keys, f.etag
	}
	c.expires = c.now().Add(ttl)
	return nil
}

// parseJWKS keeps the usable signature keys of a JWKS by kid: public RSA
// and EC keys with a kid and "use" sig or absent. Keys of other types are
// skipped, not fatal, so a key type this package does not know does not
// take down the others.
func parseJWKS(body []byte) (map[string]*jose.JSONWebKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, err
	}
	out := map[string]*jose.JSONWebKey{}
	for _, raw := range set.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil || k.KeyID == "" || (k.Use != "" && k.Use != "sig") {
			continue
		}
		if !isRSA(k.Key) && ecCurve(k.Key) == "" {
			continue
		}
		pub := k.Public() // never keep private members a server leaked
		if !pub.Valid() {
			continue
		}
		if _, dup := out[k.KeyID]; dup {
			continue
		}
		out[k.KeyID] = &pub
	}
	if len(out) == 0 {
		return nil, errors.New("no usable signing key")
	}
	return out, nil
}

func isRSA(k any) bool {
	switch k.(type) {
	case *rsa.PublicKey, *rsa.PrivateKey:
		return true
	}
	return false
}

func ecCurve(k any) string {
	switch k := k.(type) {
	case *ecdsa.PublicKey:
		return k.Curve.Params().Name
	case *ecdsa.PrivateKey:
		return k.Curve.Params().Name
	}
	return ""
}
