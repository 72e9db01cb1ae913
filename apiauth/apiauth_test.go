package apiauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/monban-dev/monban/apiauth"
)

const audience = "https://api.bookstore.example"

// fakeIssuer serves OpenID Provider metadata and a JWKS that tests change
// at will, and counts the JWKS requests.
type fakeIssuer struct {
	t      *testing.T
	srv    *httptest.Server
	issuer string

	mu          sync.Mutex
	keys        []jose.JSONWebKey
	maxAge      int // Cache-Control max-age; 0 means no header
	hits        int // JWKS requests
	notModified int // of which answered 304
}

func newFakeIssuer(t *testing.T) *fakeIssuer {
	f := &fakeIssuer{t: t}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oidc/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": f.issuer, "jwks_uri": f.issuer + "/jwks"})
	})
	mux.HandleFunc("GET /oidc/jwks", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.hits++
		body, _ := json.Marshal(jose.JSONWebKeySet{Keys: f.keys})
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		w.Header().Set("ETag", etag)
		if f.maxAge > 0 {
			w.Header().Set("Cache-Control", "public, max-age="+itoa(f.maxAge))
		}
		if r.Header.Get("If-None-Match") == etag {
			f.notModified++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(body)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.issuer = f.srv.URL + "/oidc"
	return f
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func (f *fakeIssuer) publish(keys ...*signingKey) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys = nil
	for _, k := range keys {
		f.keys = append(f.keys, k.public())
	}
}

func (f *fakeIssuer) counts() (hits, notModified int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits, f.notModified
}

type signingKey struct {
	kid  string
	alg  jose.SignatureAlgorithm
	priv any
}

func newKey(t testing.TB, kid string, alg jose.SignatureAlgorithm) *signingKey {
	t.Helper()
	var (
		priv any
		err  error
	)
	switch alg {
	case jose.ES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case jose.ES384:
		priv, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	default:
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	return &signingKey{kid: kid, alg: alg, priv: priv}
}

func (k *signingKey) public() jose.JSONWebKey {
	jwk := jose.JSONWebKey{Key: k.priv, KeyID: k.kid, Algorithm: string(k.alg), Use: "sig"}
	return jwk.Public()
}

// sign makes a compact JWS of claims with header {alg, kid, typ} plus
// extra (a nil value removes a header).
func (k *signingKey) sign(t testing.TB, claims map[string]any, extra map[string]any) string {
	t.Helper()
	return signWith(t, k.alg, k.priv, k.kid, claims, extra)
}

func signWith(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any, extra map[string]any) string {
	t.Helper()
	opts := &jose.SignerOptions{ExtraHeaders: map[jose.HeaderKey]any{"kid": kid, "typ": "at+jwt"}}
	for name, v := range extra {
		if v == nil {
			delete(opts.ExtraHeaders, jose.HeaderKey(name))
		} else {
			opts.ExtraHeaders[jose.HeaderKey(name)] = v
		}
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// unsigned is an "alg": "none" token (RFC 7519 §6.1).
func unsigned(header, claims map[string]any) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + "."
}

// clock is a settable time source shared by the token minting and the
// Validator.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	iss    *fakeIssuer
	clk    *clock
	es, rs *signingKey // published
	v      *apiauth.Validator
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{iss: newFakeIssuer(t), clk: &clock{t: time.Now()}}
	f.es = newKey(t, "es-1", jose.ES256)
	f.rs = newKey(t, "rs-1", jose.RS256)
	f.iss.publish(f.es, f.rs)
	v, err := apiauth.New(context.Background(), apiauth.Config{Issuer: f.iss.issuer, Audience: audience, Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if v.JWKSURL() != f.iss.issuer+"/jwks" {
		t.Fatalf("discovered JWKS URL %q", v.JWKSURL())
	}
	f.v = v
	return f
}

// claims are a valid token's claims with changes (a nil value deletes).
func (f *fixture) claims(changes map[string]any) map[string]any {
	now := f.clk.Now().Unix()
	c := map[string]any{"iss": f.iss.issuer, "aud": audience, "sub": "user-1", "client_id": "app-1",
		"scope": "read:books write:books", "iat": now, "exp": now + 3600, "jti": "jti-1"}
	for k, v := range changes {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// serve runs the token through Require(scopes...) around a handler that
// echoes the claims' subject.
func serve(v *apiauth.Validator, authorization []string, scopes ...string) *httptest.ResponseRecorder {
	h := v.Require(scopes...)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := apiauth.FromContext(r.Context())
		if !ok {
			http.Error(w, "no claims", 500)
			return
		}
		io.WriteString(w, "hello "+c.Subject)
	}))
	req := httptest.NewRequest(http.MethodGet, "/books", nil)
	for _, a := range authorization {
		req.Header.Add("Authorization", a)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestRequire(t *testing.T) {
	f := newFixture(t)
	foreign := newKey(t, "es-1", jose.ES256)  // same kid as a published key
	stranger := newKey(t, "es-9", jose.ES256) // a kid the JWKS does not have
	rsPSS := &signingKey{kid: f.rs.kid, alg: jose.PS256, priv: f.rs.priv}
	hsSecret, _ := x509.MarshalPKIXPublicKey(&f.rs.priv.(*rsa.PrivateKey).PublicKey)
	now := f.clk.Now().Unix()

	const (
		ok        = 200
		invalid   = 401
		forbidden = 403
	)
	cases := []struct {
		name   string
		token  string
		header []string // instead of "Bearer "+token
		scopes []string
		status int
		// wantChallenge is a substring of WWW-Authenticate.
		wantChallenge string
		// why is a substring of Validate's error: the check that refused.
		why string
	}{
		{name: "valid ES256", token: f.es.sign(t, f.claims(nil), nil), scopes: []string{"read:books"}, status: ok},
		{name: "valid RS256, two scopes required", token: f.rs.sign(t, f.claims(nil), nil), scopes: []string{"read:books", "write:books"}, status: ok},
		{name: "aud array containing ours", token: f.es.sign(t, f.claims(map[string]any{"aud": []string{"https://other.example", audience}}), nil), status: ok},
		{name: "typ application/at+jwt", token: f.es.sign(t, f.claims(nil), map[string]any{"typ": "application/AT+JWT"}), status: ok},
		{name: "expired within the leeway", token: f.es.sign(t, f.claims(map[string]any{"exp": now - 10}), nil), status: ok},
		{name: "no scope required, none granted", token: f.es.sign(t, f.claims(map[string]any{"scope": nil}), nil), status: ok},

		{name: "expired", token: f.es.sign(t, f.claims(map[string]any{"exp": now - 120}), nil), status: invalid, why: `token expired`, wantChallenge: `error="invalid_token", error_description="the access token expired"`},
		{name: "exactly at exp plus leeway", token: f.es.sign(t, f.claims(map[string]any{"exp": now - 30}), nil), status: invalid, why: `token expired`},
		{name: "no exp", token: f.es.sign(t, f.claims(map[string]any{"exp": nil}), nil), status: invalid, why: `no exp`},
		{name: "exp not a number", token: f.es.sign(t, f.claims(map[string]any{"exp": "tomorrow"}), nil), status: invalid, why: `"exp" is not a NumericDate`},
		{name: "not yet valid (nbf)", token: f.es.sign(t, f.claims(map[string]any{"nbf": now + 300}), nil), status: invalid, why: `not valid before`},
		{name: "issued in the future", token: f.es.sign(t, f.claims(map[string]any{"iat": now + 300}), nil), status: invalid, why: `issued in the future`},
		{name: "wrong audience", token: f.es.sign(t, f.claims(map[string]any{"aud": "https://other.example"}), nil), status: invalid, why: `does not contain`, wantChallenge: `error="invalid_token"`},
		{name: "audience array without ours", token: f.es.sign(t, f.claims(map[string]any{"aud": []string{"https://other.example"}}), nil), status: invalid, why: `does not contain`},
		{name: "no audience", token: f.es.sign(t, f.claims(map[string]any{"aud": nil}), nil), status: invalid, why: `no aud`},
		{name: "wrong issuer", token: f.es.sign(t, f.claims(map[string]any{"iss": "https://evil.example/oidc"}), nil), status: invalid, why: `iss "https://evil.example/oidc"`},
		{name: "issuer with a trailing slash", token: f.es.sign(t, f.claims(map[string]any{"iss": f.iss.issuer + "/"}), nil), status: invalid, why: `is not "http`},
		{name: "no sub", token: f.es.sign(t, f.claims(map[string]any{"sub": nil}), nil), status: invalid, why: `no "sub"`},
		{name: "alg none", token: unsigned(map[string]any{"alg": "none", "typ": "at+jwt", "kid": f.es.kid}, f.claims(nil)), status: invalid, why: `algorithm "none"`},
		{name: "alg none without kid", token: unsigned(map[string]any{"alg": "none", "typ": "at+jwt"}, f.claims(nil)), status: invalid, why: `algorithm "none"`},
		{name: "HS256 keyed with the public key", token: signWith(t, jose.HS256, hsSecret, f.rs.kid, f.claims(nil), nil), status: invalid, why: `algorithm "HS256"`},
		{name: "foreign key under a published kid", token: foreign.sign(t, f.claims(nil), nil), status: invalid, why: `signature:`},
		{name: "foreign key, unknown kid", token: stranger.sign(t, f.claims(nil), nil), status: invalid, why: `kid not in`},
		{name: "PS256 with a key published for RS256", token: rsPSS.sign(t, f.claims(nil), nil), status: invalid, why: `does not fit key`},
		{name: "no kid", token: f.es.sign(t, f.claims(nil), map[string]any{"kid": nil}), status: invalid, why: `no kid`},
		{name: "embedded jwk", token: f.es.sign(t, f.claims(nil), map[string]any{"jwk": stranger.public()}), status: invalid, why: `embedded`},
		{name: "crit header", token: f.es.sign(t, f.claims(nil), map[string]any{"crit": []string{"exp"}, "exp": 1}), status: invalid, why: `"crit"`},
		{name: "ID token (typ JWT)", token: f.es.sign(t, f.claims(map[string]any{"aud": audience, "nonce": "n"}), map[string]any{"typ": "JWT"}), status: invalid, why: `typ "JWT"`},
		{name: "no typ", token: f.es.sign(t, f.claims(nil), map[string]any{"typ": nil}), status: invalid, why: `typ ""`},
		{name: "payload not an object", token: signWith(t, jose.ES256, f.es.priv, f.es.kid, nil, nil), status: invalid, why: `not a JSON object`},
		{name: "tampered payload", token: tamper(f.es.sign(t, f.claims(nil), nil), f.claims(map[string]any{"scope": "admin"})), status: invalid, why: `signature:`},
		{name: "garbage", token: "not-a-token", status: invalid, why: `not a compact JWS`},
		{name: "three garbage parts", token: "a.b.c", status: invalid, why: `base64`},
		{name: "JWE shape", token: "a.b.c.d.e", status: invalid, why: `not a compact JWS`},
		{name: "huge", token: strings.Repeat("a", 20000) + ".b.c", status: invalid, why: `longer than`},
		{name: "empty bearer", header: []string{"Bearer "}, status: invalid, wantChallenge: `error="invalid_token"`},
		{name: "lower-case scheme", header: []string{"bearer " + f.es.sign(t, f.claims(nil), nil)}, status: ok},

		{name: "no Authorization", header: []string{}, status: invalid},
		{name: "Basic scheme", header: []string{"Basic YWxpY2U6c2VjcmV0"}, status: invalid},
		{name: "two Authorization headers", header: []string{"Bearer a", "Bearer b"}, status: 400, wantChallenge: `error="invalid_request"`},

		{name: "missing scope", token: f.es.sign(t, f.claims(map[string]any{"scope": "read:books"}), nil), scopes: []string{"read:books", "write:books"}, status: forbidden,
			wantChallenge: `error="insufficient_scope", error_description="the access token lacks a required scope", scope="read:books write:books"`},
		{name: "scope claim is not a string", token: f.es.sign(t, f.claims(map[string]any{"scope": []string{"read:books"}}), nil), scopes: []string{"read:books"}, status: invalid, why: `"scope" is not a string`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			header := tc.header
			if header == nil {
				header = []string{"Bearer " + tc.token}
			}
			rec := serve(f.v, header, tc.scopes...)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tc.status, rec.Body)
			}
			ch := rec.Header().Get("WWW-Authenticate")
			switch {
			case tc.status == ok:
				if rec.Body.String() != "hello user-1" || ch != "" {
					t.Fatalf("body %q, challenge %q", rec.Body, ch)
				}
				return
			case !strings.HasPrefix(ch, "Bearer"):
				t.Fatalf("WWW-Authenticate %q", ch)
			case tc.wantChallenge != "" && !strings.Contains(ch, tc.wantChallenge):
				t.Fatalf("WWW-Authenticate %q, want it to contain %q", ch, tc.wantChallenge)
			}
			var body map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["error_description"] == "" {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if tc.token != "" && tc.status == invalid {
				if _, err := f.v.Validate(context.Background(), tc.token); !errors.Is(err, apiauth.ErrInvalidToken) || !strings.Contains(err.Error(), tc.why) {
					t.Fatalf("Validate: %v, want ErrInvalidToken because %q", err, tc.why)
				}
			}
		})
	}
	// A request without any credentials gets a bare challenge (RFC 6750
	// §3.1: no error code).
	if ch := serve(f.v, nil).Header().Get("WWW-Authenticate"); ch != "Bearer" {
		t.Fatalf("no credentials: WWW-Authenticate %q, want Bearer", ch)
	}
}

// tamper replaces a JWS's payload, keeping header and signature.
func tamper(tok string, claims map[string]any) string {
	parts := strings.Split(tok, ".")
	c, _ := json.Marshal(claims)
	parts[1] = base64.RawURLEncoding.EncodeToString(c)
	return strings.Join(parts, ".")
}

func TestValidateClaims(t *testing.T) {
	f := newFixture(t)
	exp := f.clk.Now().Add(time.Hour).Truncate(time.Second)
	tok := f.es.sign(t, f.claims(map[string]any{"aud": []string{"urn:logto:organization:org-7", audience},
		"exp": exp.Unix(), "custom": "x"}), nil)
	c, err := f.v.Validate(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "user-1" || c.ClientID != "app-1" || c.ID != "jti-1" || c.Issuer != f.iss.issuer ||
		strings.Join(c.Scopes, ",") != "read:books,write:books" || len(c.Audience) != 2 ||
		!c.ExpiresAt.Equal(exp) || c.IssuedAt.IsZero() || c.OrganizationID != "org-7" || c.Raw["custom"] != "x" {
		t.Fatalf("claims %+v", c)
	}
	if !c.HasScope("write:books") || c.HasScope("write") {
		t.Fatal("HasScope")
	}
	tok = f.es.sign(t, f.claims(map[string]any{"organization_id": "org-9"}), nil)
	if c, err = f.v.Validate(context.Background(), tok); err != nil || c.OrganizationID != "org-9" {
		t.Fatalf("organization_id: %+v %v", c, err)
	}
	// Expiry is reported as such.
	tok = f.es.sign(t, f.claims(nil), nil)
	f.clk.Advance(time.Hour + time.Minute)
	if _, err := f.v.Validate(context.Background(), tok); !errors.Is(err, apiauth.ErrExpired) || !errors.Is(err, apiauth.ErrInvalidToken) {
		t.Fatalf("expired: %v", err)
	}
}

func TestLeewayConfig(t *testing.T) {
	f := newFixture(t)
	tok := f.es.sign(t, f.claims(map[string]any{"exp": f.clk.Now().Unix() - 10}), nil)
	strict, err := apiauth.New(context.Background(), apiauth.Config{Issuer: f.iss.issuer, Audience: audience, Now: f.clk.Now, Leeway: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := strict.Validate(context.Background(), tok); !errors.Is(err, apiauth.ErrExpired) {
		t.Fatalf("no leeway: %v", err)
	}
	if _, err := f.v.Validate(context.Background(), tok); err != nil {
		t.Fatalf("default leeway: %v", err)
	}
}

// TestUnknownKidRefetch: a token signed with a key published after the
// Validator fetched the JWKS is accepted after one refetch; unknown kids
// cause at most one fetch per MinRefreshInterval.
func TestUnknownKidRefetch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if hits, _ := f.iss.counts(); hits != 1 {
		t.Fatalf("New fetched the JWKS %d times", hits)
	}
	rotated := newKey(t, "es-2", jose.ES256)
	f.iss.publish(f.es, f.rs, rotated)

	// Within 30 s of the last fetch: no refetch, the token is refused.
	f.clk.Advance(10 * time.Second)
	if _, err := f.v.Validate(ctx, rotated.sign(t, f.claims(nil), nil)); err == nil {
		t.Fatal("unknown kid accepted without a fetch")
	}
	if hits, _ := f.iss.counts(); hits != 1 {
		t.Fatalf("refetched within the minimum interval (%d fetches)", hits)
	}

	f.clk.Advance(25 * time.Second)
	if _, err := f.v.Validate(ctx, rotated.sign(t, f.claims(nil), nil)); err != nil {
		t.Fatalf("rotated-in key: %v", err)
	}
	if hits, _ := f.iss.counts(); hits != 2 {
		t.Fatalf("want exactly one refetch, got %d fetches", hits)
	}
	// Now known: no more fetches.
	for range 3 {
		if _, err := f.v.Validate(ctx, rotated.sign(t, f.claims(nil), nil)); err != nil {
			t.Fatal(err)
		}
	}
	// A flood of unknown kids right after: no fetch at all.
	for i := range 5 {
		stranger := newKey(t, "x-"+itoa(i), jose.ES256)
		if _, err := f.v.Validate(ctx, stranger.sign(t, f.claims(nil), nil)); err == nil {
			t.Fatal("unknown kid accepted")
		}
	}
	if hits, _ := f.iss.counts(); hits != 2 {
		t.Fatalf("unknown kids caused fetches: %d", hits)
	}
	// After the interval, one more fetch, and only one.
	f.clk.Advance(31 * time.Second)
	for i := range 3 {
		stranger := newKey(t, "y-"+itoa(i), jose.ES256)
		f.v.Validate(ctx, stranger.sign(t, f.claims(nil), nil))
	}
	if hits, _ := f.iss.counts(); hits != 3 {
		t.Fatalf("want one fetch per interval, got %d fetches", hits)
	}
}

// TestPeriodicRefresh: keys are re-fetched after their max-age, with
// If-None-Match; a key the issuer stops publishing stops being trusted.
func TestPeriodicRefresh(t *testing.T) {
	iss := newFakeIssuer(t)
	iss.maxAge = 120
	clk := &clock{t: time.Now()}
	es := newKey(t, "es-1", jose.ES256)
	es2 := newKey(t, "es-2", jose.ES384)
	iss.publish(es, es2)
	v, err := apiauth.New(context.Background(), apiauth.Config{Issuer: iss.issuer, Audience: audience, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{iss: iss, clk: clk}
	ctx := context.Background()
	validate := func(k *signingKey) error {
		_, err := v.Validate(ctx, k.sign(t, f.claims(nil), nil))
		return err
	}
	clk.Advance(60 * time.Second)
	if err := validate(es); err != nil {
		t.Fatal(err)
	}
	if hits, _ := iss.counts(); hits != 1 {
		t.Fatalf("fetched before max-age: %d", hits)
	}
	clk.Advance(61 * time.Second)
	if err := validate(es); err != nil {
		t.Fatal(err)
	}
	if hits, nm := iss.counts(); hits != 2 || nm != 1 {
		t.Fatalf("after max-age: %d fetches, %d not modified; want 2, 1", hits, nm)
	}
	iss.publish(es2)
	clk.Advance(121 * time.Second)
	if err := validate(es); err == nil {
		t.Fatal("a key no longer published is still trusted")
	}
	if err := validate(es2); err != nil {
		t.Fatal(err)
	}
	if hits, nm := iss.counts(); hits != 3 || nm != 1 {
		t.Fatalf("after the change: %d fetches, %d not modified; want 3, 1", hits, nm)
	}
}

// TestIssuerDown: once the keys are loaded, an unreachable issuer does not
// make valid tokens fail.
func TestIssuerDown(t *testing.T) {
	f := newFixture(t)
	f.iss.srv.Close()
	f.clk.Advance(2 * time.Hour)
	tok := f.es.sign(t, f.claims(nil), nil)
	if _, err := f.v.Validate(context.Background(), tok); err != nil {
		t.Fatalf("issuer down: %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for name, cfg := range map[string]apiauth.Config{
		"no issuer":            {Audience: audience},
		"no audience":          {Issuer: f.iss.issuer},
		"issuer mismatch":      {Issuer: f.iss.issuer + "/", Audience: audience},
		"no discovery":         {Issuer: f.iss.srv.URL + "/nothing", Audience: audience},
		"JWKS URL is not JSON": {Issuer: f.iss.issuer, Audience: audience, JWKSURL: f.iss.srv.URL + "/nothing"},
	} {
		if _, err := apiauth.New(ctx, cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	v, err := apiauth.New(ctx, apiauth.Config{Issuer: f.iss.issuer, Audience: audience, JWKSURL: f.iss.issuer + "/jwks"})
	if err != nil || v.JWKSURL() != f.iss.issuer+"/jwks" {
		t.Fatalf("explicit JWKS URL: %v", err)
	}
}

func TestRequireRejectsBadScopeNames(t *testing.T) {
	f := newFixture(t)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a scope with a quote")
		}
	}()
	f.v.Require(`read"books`)
}

// TestConcurrentUnknownKid: requests arriving together with a rotated-in
// kid share one fetch, and all pass.
func TestConcurrentUnknownKid(t *testing.T) {
	f := newFixture(t)
	rotated := newKey(t, "es-2", jose.ES256)
	f.iss.publish(f.es, f.rs, rotated)
	f.clk.Advance(31 * time.Second)
	tok := rotated.sign(t, f.claims(nil), nil)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := f.v.Validate(context.Background(), tok)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if hits, _ := f.iss.counts(); hits != 2 {
		t.Fatalf("%d fetches, want 2 (New, then one refetch)", hits)
	}
}
