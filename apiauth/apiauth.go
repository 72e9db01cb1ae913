package apiauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Defaults of Config's zero values.
const (
	DefaultLeeway             = 30 * time.Second
	DefaultRefreshInterval    = time.Hour
	DefaultMinRefreshInterval = 30 * time.Second
	DefaultHTTPTimeout        = 10 * time.Second
)

// maxTokenLen bounds what Validate parses: Monban's access tokens are well
// under 2 KiB; the bound keeps decoding of hostile input cheap.
const maxTokenLen = 16 << 10

// allowedAlgs are the signature algorithms a token may use (Monban signs
// with one of them; see its --signing-alg). "none" and the HMAC algorithms
// are refused before any key is looked at (RFC 8725 §2.1, §3.1).
var allowedAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.ES256, jose.ES384, jose.ES512}

// ErrInvalidToken is wrapped by every Validate failure; the wrapped message
// says which check failed (for logs, never for the client).
var ErrInvalidToken = errors.New("apiauth: invalid token")

// ErrExpired is wrapped, together with ErrInvalidToken, when the token's
// "exp" has passed (the middleware tells the client so).
var ErrExpired = errors.New("token expired")

// Config says which tokens a Validator accepts.
type Config struct {
	// Issuer is the authorization server's issuer, compared byte for byte
	// with each token's "iss": Monban's is its endpoint followed by /oidc,
	// e.g. "https://auth.example.com/oidc". Required.
	Issuer string
	// Audience is this API's resource indicator, as registered in Monban
	// (e.g. "https://api.bookstore.example"): a token's "aud" (a string or
	// an array) must contain it. Required.
	Audience string
	// JWKSURL is where the signing keys are. Empty means: read "jwks_uri"
	// from {Issuer}/.well-known/openid-configuration when New runs.
	JWKSURL string
	// HTTPClient fetches discovery and the keys. Nil means a client with a
	// 10 s timeout.
	HTTPClient *http.Client
	// Leeway is the clock skew tolerated on "exp", "nbf" and "iat". Zero
	// means DefaultLeeway (30 s); a negative value means none.
	Leeway time.Duration
	// RefreshInterval is how long fetched keys are used before they are
	// fetched again (a shorter Cache-Control max-age from the server wins).
	// Zero means DefaultRefreshInterval (1 h).
	RefreshInterval time.Duration
	// MinRefreshInterval is the least time between two fetches of the keys,
	// also when tokens name a key id that is not known (a rotated-in key):
	// unknown key ids cannot make the Validator hammer the server. Zero
	// means DefaultMinRefreshInterval (30 s).
	MinRefreshInterval time.Duration
	// Now is the clock; nil means time.Now. For tests.
	Now func() time.Time
}

// Claims are a validated access token's claims (RFC 9068 §2.2).
type Claims struct {
	// Subject ("sub") is the user's id, or for a machine-to-machine token
	// (client_credentials) the application's id.
	Subject string
	// ClientID ("client_id") is the application the token was issued to.
	ClientID string
	// Scopes are the granted scopes ("scope", space separated).
	Scopes []string
	// Audience ("aud") is always a list here, whatever the token's form.
	Audience []string
	Issuer   string
	// ID is the token's "jti".
	ID        string
	ExpiresAt time.Time
	IssuedAt  time.Time // zero when the token has no "iat"
	// OrganizationID is set for organization tokens: the "organization_id"
	// claim, or the id in an "urn:logto:organization:<id>" audience.
	OrganizationID string
	// Raw is the whole payload as decoded by encoding/json, for custom
	// claims.
	Raw map[string]any
}

// HasScope reports whether the token grants scope.
func (c *Claims) HasScope(scope string) bool {
	for _, s := range c.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Validator validates access tokens for one API. It is safe for concurrent
// use; make one per API (per Audience) and share it.
type Validator struct {
	cfg  Config
	keys *keyCache
}

// New checks cfg, finds the JWKS (by discovery unless cfg.JWKSURL is set)
// and fetches the keys once, so a wrong issuer or an unreachable server is
// an error at start rather than a 401 on every request.
func New(ctx context.Context, cfg Config) (*Validator, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("apiauth: Config.Issuer is required")
	}
	if cfg.Audience == "" {
		return nil, errors.New("apiauth: Config.Audience is required")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	switch {
	case cfg.Leeway == 0:
		cfg.Leeway = DefaultLeeway
	case cfg.Leeway < 0:
		cfg.Leeway = 0
	}
	if cfg.RefreshInterval <= 0 {
		cfg.RefreshInterval = DefaultRefreshInterval
	}
	if cfg.MinRefreshInterval <= 0 {
		cfg.MinRefreshInterval = DefaultMinRefreshInterval
	}
	if cfg.MinRefreshInterval > cfg.RefreshInterval {
		cfg.MinRefreshInterval = cfg.RefreshInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.JWKSURL == "" {
		u, err := discoverJWKS(ctx, cfg.HTTPClient, cfg.Issuer)
		if err != nil {
			return nil, err
		}
		cfg.JWKSURL = u
	}
	kc := &keyCache{url: cfg.JWKSURL, client: cfg.HTTPClient, now: cfg.Now,
		maxAge: cfg.RefreshInterval, minInterval: cfg.MinRefreshInterval}
	if err := kc.fetch(ctx); err != nil {
		return nil, err
	}
	return &Validator{cfg: cfg, keys: kc}, nil
}

// JWKSURL is the key set URL in use (configured or discovered).
func (v *Validator) JWKSURL() string { return v.cfg.JWKSURL }

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidToken}, a...)...)
}

// Validate checks a bearer token (the compact JWS, without "Bearer ") and
// returns its claims. It refuses anything but a signed at+jwt (RFC 9068)
// from Config.Issuer for Config.Audience that is unexpired, signed with an
// allowed algorithm by a key of the issuer's JWKS. Every error wraps
// ErrInvalidToken. Scopes are not checked here: see Claims.HasScope and
// Require.
func (v *Validator) Validate(ctx context.Context, token string) (*Claims, error) {
	if len(token) > maxTokenLen {
		return nil, invalid("longer than %d bytes", maxTokenLen)
	}
	if strings.Count(token, ".") != 2 {
		return nil, invalid("not a compact JWS")
	}
	jws, err := jose.ParseSignedCompact(token, allowedAlgs)
	if err != nil {
		return nil, invalid("%v", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, invalid("want one signature, got %d", len(jws.Signatures))
	}
	h := jws.Signatures[0].Protected
	for _, name := range []jose.HeaderKey{"crit", "b64"} {
		if _, ok := h.ExtraHeaders[name]; ok {
			return nil, invalid("unsupported header %q", name)
		}
	}
	if h.JSONWebKey != nil || h.ExtraHeaders["jku"] != nil || h.ExtraHeaders["x5u"] != nil {
		// Keys come from the issuer's JWKS only, never from the token.
		return nil, invalid("embedded or referenced key in header")
	}
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); !isATJWT(typ) {
		return nil, invalid("typ %q is not at+jwt", clip(typ))
	}
	if h.KeyID == "" {
		return nil, invalid("no kid")
	}
	key, err := v.keys.key(ctx, h.KeyID)
	if err != nil {
		return nil, invalid("%v", err)
	}
	if !algFitsKey(jose.SignatureAlgorithm(h.Algorithm), key) {
		return nil, invalid("alg %q does not fit key %q", h.Algorithm, clip(h.KeyID))
	}
	payload, err := jws.Verify(key.Key)
	if err != nil {
		return nil, invalid("signature: %v", err)
	}
	return v.claims(payload)
}

// isATJWT: "at+jwt" or "application/at+jwt"; media types compare without
// regard to case (RFC 7515 §4.1.9, RFC 9068 §2.1).
func isATJWT(typ string) bool {
	typ = strings.ToLower(typ)
	return typ == "at+jwt" || typ == "application/at+jwt"
}

func (v *Validator) claims(payload []byte) (*Claims, error) {
	var raw map[string]any
	if err := json.Unmarshal(payload, &raw); err != nil || raw == nil {
		return nil, invalid("payload is not a JSON object")
	}
	c := &Claims{Raw: raw}
	var err error
	str := func(name string, required bool) string {
		val, ok := raw[name]
		if !ok || val == nil {
			if required && err == nil {
				err = invalid("no %q", name)
			}
			return ""
		}
		s, ok := val.(string)
		if !ok && err == nil {
			err = invalid("%q is not a string", name)
		}
		return s
	}
	c.Issuer = str("iss", true)
	c.Subject = str("sub", true)
	c.ClientID = str("client_id", false)
	c.ID = str("jti", false)
	c.OrganizationID = str("organization_id", false)
	scope := str("scope", false)
	if err != nil {
		return nil, err
	}
	c.Scopes = strings.Fields(scope)
	if c.Issuer != v.cfg.Issuer {
		return nil, invalid("iss %q is not %q", clip(c.Issuer), v.cfg.Issuer)
	}
	switch aud := raw["aud"].(type) {
	case string:
		c.Audience = []string{aud}
	case []any:
		for _, a := range aud {
			s, ok := a.(string)
			if !ok {
				return nil, invalid("aud has a non-string member")
			}
			c.Audience = append(c.Audience, s)
		}
	default:
		return nil, invalid("no aud")
	}
	found := false
	for _, a := range c.Audience {
		found = found || a == v.cfg.Audience
	}
	if !found {
		return nil, invalid("aud %q does not contain %q", clip(strings.Join(c.Audience, " ")), v.cfg.Audience)
	}
	if c.OrganizationID == "" {
		for _, a := range c.Audience {
			if id, ok := strings.CutPrefix(a, "urn:logto:organization:"); ok {
				c.OrganizationID = id
				break
			}
		}
	}

	now, leeway := v.cfg.Now(), v.cfg.Leeway
	exp, ok, err := numericDate(raw, "exp")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, invalid("no exp")
	}
	c.ExpiresAt = exp
	// RFC 7519 §4.1.4: not accepted on or after exp.
	if !now.Before(exp.Add(leeway)) {
		return nil, fmt.Errorf("%w: %w at %s", ErrInvalidToken, ErrExpired, exp.UTC().Format(time.RFC3339))
	}
	nbf, ok, err := numericDate(raw, "nbf")
	if err != nil {
		return nil, err
	}
	if ok && now.Add(leeway).Before(nbf) {
		return nil, invalid("not valid before %s", nbf.UTC().Format(time.RFC3339))
	}
	iat, ok, err := numericDate(raw, "iat")
	if err != nil {
		return nil, err
	}
	if ok {
		if now.Add(leeway).Before(iat) {
			return nil, invalid("issued in the future (%s)", iat.UTC().Format(time.RFC3339))
		}
		c.IssuedAt = iat
	}
	return c, nil
}

// numericDate reads a NumericDate claim (seconds since the epoch, RFC 7519
// §2); ok is false when the claim is absent.
func numericDate(raw map[string]any, name string) (t time.Time, ok bool, err error) {
	val, present := raw[name]
	if !present || val == nil {
		return time.Time{}, false, nil
	}
	f, isNum := val.(float64)
	// Beyond ±2^53 seconds float64 and time.Time stop making sense.
	if !isNum || f != f || f > 1<<53 || f < -(1<<53) {
		return time.Time{}, false, invalid("%q is not a NumericDate", name)
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)), true, nil
}

// algFitsKey: the header's alg must be the key's published "alg" when it
// has one, and always one its type and curve can make, so an RSA key
// published for RS256 is never used as PS256 nor a P-256 key under ES384.
func algFitsKey(alg jose.SignatureAlgorithm, k *jose.JSONWebKey) bool {
	if k.Algorithm != "" && jose.SignatureAlgorithm(k.Algorithm) != alg {
		return false
	}
	switch alg {
	case jose.RS256, jose.PS256:
		return isRSA(k.Key)
	case jose.ES256:
		return ecCurve(k.Key) == "P-256"
	case jose.ES384:
		return ecCurve(k.Key) == "P-384"
	case jose.ES512:
		return ecCurve(k.Key) == "P-521"
	}
	return false
}

// clip shortens attacker-controlled values before they reach an error
// message (and so the logs).
func clip(s string) string {
	const limit = 64
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}
