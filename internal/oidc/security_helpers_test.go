package oidc_test

// Shared fixtures of the security tests (spec/security.md items 1-11): one
// deployment with a confidential web application, a second confidential
// application, a public SPA, a machine-to-machine application, a resource
// and a user, plus helpers that drive the protocol the way clients do.

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

const (
	// secondRedirect is also registered for the web application, to show
	// that a code is bound to the redirect URI it was issued for, not to
	// any registered one.
	secondRedirect = "http://localhost:3000/other-callback"
	// postLogout is what testenv registers as post-logout redirect URI.
	postLogout   = "http://localhost:3000/"
	apiIndicator = "https://api.example.com"
	userName     = "alice"
	userPassword = "correct horse battery"
	testState    = "st.ate-123~_"
)

type fixture struct {
	env *testenv.Env

	web       *store.Application // Traditional (confidential), redirect + secondRedirect
	webSecret string
	other     *store.Application // a second Traditional application
	otherSec  string
	spa       *store.Application // public
	m2m       *store.Application
	m2mSecret string
	user      *store.User
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureOn(t, testenv.Options{})
}

// newFixtureOn is newFixture on the deployment o describes (PostgreSQL).
func newFixtureOn(t testing.TB, o testenv.Options) *fixture {
	t.Helper()
	env := testenv.New(t, o)
	f := &fixture{env: env}
	f.web, f.webSecret = env.App(store.AppTraditional, redirect, secondRedirect)
	f.other, f.otherSec = env.App(store.AppTraditional, redirect)
	f.spa, _ = env.App(store.AppSPA, redirect)
	f.m2m, f.m2mSecret = env.App(store.AppMachineToMachine)
	f.user = env.User(userName, userPassword)
	env.Resource(apiIndicator)
	return f
}

// verifier returns a fresh 43-character PKCE verifier (what the Python SDK
// sends) and its S256 challenge.
func newVerifier() (verifier, challenge string) {
	verifier = rand.Text() + rand.Text()[:17]
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authParams is a valid authorization request as the SDKs send it; a
// non-empty challenge adds PKCE.
func authParams(clientID, challenge string) url.Values {
	q := url.Values{
		"client_id":     {clientID},
		"redirect_uri":  {redirect},
		"response_type": {"code"},
		"scope":         {"openid offline_access profile email"},
		"state":         {testState},
		"prompt":        {"consent"},
	}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	return q
}

func (f *fixture) authURL(q url.Values) string { return f.env.Issuer + "/auth?" + q.Encode() }

// response is a fully read HTTP response.
type response struct {
	*http.Response
	body []byte
}

func (r *response) json(t testing.TB) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("%s %s: status %d, body is not a JSON object: %v\n%s", r.Request.Method, r.Request.URL, r.StatusCode, err, r.body)
	}
	return out
}

func do(t testing.TB, c *http.Client, req *http.Request) *response {
	t.Helper()
	r, err := tryDo(c, req)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tryDo is do for goroutines other than the test's, which must not call
// t.Fatal.
func tryDo(c *http.Client, req *http.Request) (*response, error) {
	if c == nil {
		c = testenv.Browser()
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the body: %w", req.Method, req.URL, err)
	}
	return &response{Response: resp, body: body}, nil
}

// tokenRequest builds a client_secret_basic token request.
func (f *fixture) tokenRequest(form url.Values, id, secret string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, f.env.Issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	return req
}

// get fetches u without following redirects.
func get(t testing.TB, c *http.Client, u string) *response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, c, req)
}

// post sends a form; basic, when given, is client id and secret for HTTP
// Basic authentication.
func post(t testing.TB, u string, form url.Values, basic ...string) *response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(basic) == 2 {
		req.SetBasicAuth(basic[0], basic[1])
	}
	return do(t, nil, req)
}

// signIn runs the authorization request q in browser b (signing in when the
// form appears) and returns the callback's query; it fails the test unless
// the callback carries a code.
func (f *fixture) signIn(t testing.TB, b *http.Client, q url.Values) url.Values {
	t.Helper()
	if b == nil {
		b = testenv.Browser()
	}
	cb, err := f.env.Authorize(b, f.authURL(q), userName, userPassword)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	cq := cb.Query()
	if cq.Get("code") == "" {
		t.Fatalf("callback %s has no code", cb)
	}
	return cq
}

// code signs in with a new browser and returns a code for app issued with
// the S256 challenge of verifier ("" for none).
func (f *fixture) code(t testing.TB, app *store.Application, verifier string, mod ...func(url.Values)) string {
	t.Helper()
	ch := ""
	if verifier != "" {
		ch = s256(verifier)
	}
	q := authParams(app.ID, ch)
	for _, m := range mod {
		m(q)
	}
	return f.signIn(t, nil, q).Get("code")
}

// token posts to the token endpoint, client_secret_basic when secret is
// set, else client_id in the body (public clients).
func (f *fixture) token(t testing.TB, app *store.Application, secret string, form url.Values) *response {
	t.Helper()
	if secret != "" {
		return post(t, f.env.Issuer+"/token", form, app.ID, secret)
	}
	form.Set("client_id", app.ID)
	return post(t, f.env.Issuer+"/token", form)
}

func (f *fixture) exchange(t testing.TB, app *store.Application, secret, code, verifier string) *response {
	t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	return f.token(t, app, secret, form)
}

func (f *fixture) refresh(t testing.TB, app *store.Application, secret, rt string) *response {
	t.Helper()
	return f.token(t, app, secret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
}

// tokens exchanges a fresh code of the web application and returns the
// token response.
func (f *fixture) tokens(t testing.TB) map[string]any {
	t.Helper()
	v, _ := newVerifier()
	r := f.exchange(t, f.web, f.webSecret, f.code(t, f.web, v), v)
	if r.StatusCode != 200 {
		t.Fatalf("code exchange: %d %s", r.StatusCode, r.body)
	}
	return r.json(t)
}

// introspect asks the introspection endpoint as the web application.
func (f *fixture) introspect(t testing.TB, tok string) map[string]any {
	t.Helper()
	r := post(t, f.env.Issuer+"/token/introspection", url.Values{"token": {tok}}, f.web.ID, f.webSecret)
	if r.StatusCode != 200 {
		t.Fatalf("introspection: %d %s", r.StatusCode, r.body)
	}
	return r.json(t)
}

// userinfo returns the status of GET /oidc/me with the bearer token.
func (f *fixture) userinfo(t testing.TB, at string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.env.Issuer+"/me", nil)
	req.Header.Set("Authorization", "Bearer "+at)
	return do(t, nil, req).StatusCode
}

func wantOAuthError(t testing.TB, what string, r *response, status int, code string) {
	t.Helper()
	if r.StatusCode >= 500 {
		t.Fatalf("%s: server error %d %s", what, r.StatusCode, r.body)
	}
	var e map[string]any
	json.Unmarshal(r.body, &e)
	if r.StatusCode != status || e["error"] != code {
		t.Fatalf("%s: got %d %s, want %d error=%s", what, r.StatusCode, r.body, status, code)
	}
}

// wantErrorPage asserts an HTML error page with status 400 and no way out
// to the client: no Location, no Refresh header.
func wantErrorPage(t testing.TB, what string, r *response) {
	t.Helper()
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("%s: status %d, want 400 (Location %q)", what, r.StatusCode, r.Header.Get("Location"))
	}
	if loc := r.Header.Get("Location"); loc != "" {
		t.Errorf("%s: Location header %q, want none", what, loc)
	}
	if ref := r.Header.Get("Refresh"); ref != "" {
		t.Errorf("%s: Refresh header %q, want none", what, ref)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s: Content-Type %q, want an HTML page", what, ct)
	}
	if bytes.Contains(r.body, []byte("code=")) {
		t.Errorf("%s: the error page mentions a code", what)
	}
}

// --- JWTs -------------------------------------------------------------

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwtParts decodes a compact JWS without verifying it.
func jwtParts(t testing.TB, tok string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %q", tok)
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("JWS part %d: %v", i, err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil {
			t.Fatalf("JWS part %d: %v", i, err)
		}
	}
	return header, claims
}

// signJWS builds a compact JWS with exactly the given header, signed with
// priv according to header["alg"] (ES256/384/512, RS256, PS256, HS256 with
// a []byte key, or none).
func signJWS(t testing.TB, key any, header, claims map[string]any) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	p, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	input := b64(h) + "." + b64(p)
	alg, _ := header["alg"].(string)
	digest := func(hf crypto.Hash) []byte {
		hh := hf.New()
		hh.Write([]byte(input))
		return hh.Sum(nil)
	}
	var sig []byte
	switch {
	case strings.EqualFold(alg, "none"):
	case alg == "HS256":
		m := hmac.New(sha256.New, key.([]byte))
		m.Write([]byte(input))
		sig = m.Sum(nil)
	case strings.HasPrefix(alg, "ES"):
		k := key.(*ecdsa.PrivateKey)
		hf, size := crypto.SHA256, 32
		switch alg {
		case "ES384":
			hf, size = crypto.SHA384, 48
		case "ES512":
			hf, size = crypto.SHA512, 66
		}
		r, s, err := ecdsa.Sign(rand.Reader, k, digest(hf))
		if err != nil {
			t.Fatal(err)
		}
		sig = make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
	case alg == "RS256":
		sig, err = rsa.SignPKCS1v15(rand.Reader, key.(*rsa.PrivateKey), crypto.SHA256, digest(crypto.SHA256))
	case alg == "PS256":
		sig, err = rsa.SignPSS(rand.Reader, key.(*rsa.PrivateKey), crypto.SHA256, digest(crypto.SHA256), nil)
	default:
		t.Fatalf("signJWS: unsupported alg %q", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}
