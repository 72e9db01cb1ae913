// Package connectortest is the shared test suite of social connectors: each
// provider package gives a fake upstream speaking the provider's wire format
// and the suite checks the metadata, the authorization URL, the token
// exchange, the profile mapping and the mapping of upstream failures to
// connector.Code.
package connectortest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/connector"
)

// Values the suite uses; fakes accept Code and issue AccessToken.
const (
	Code          = "fake-authorization-code"
	AccessToken   = "fake-access-token"
	State         = "state-0123456789"
	Nonce         = "nonce-0123456789"
	CodeVerifier  = "verifier-0123456789-0123456789-0123456789-abc"
	CodeChallenge = "challenge-0123456789"
	RedirectURI   = "https://auth.example.com/callback/conn_123?x=1"
	// ClientTimeout is the env's client timeout; Timeout answers sleep longer.
	ClientTimeout = 500 * time.Millisecond
)

// TokenEndpoint is the endpoint name fakes use for the token endpoint.
const TokenEndpoint = "token"

// Mode is how the fake answers an endpoint.
type Mode string

const (
	OK           Mode = "ok"
	BadRequest   Mode = "400"
	Unauthorized Mode = "401"
	TooMany      Mode = "429"
	ServerError  Mode = "500"
	Timeout      Mode = "timeout"
	Malformed    Mode = "malformed-json"
)

// Modes are the failure modes the suite tries at each endpoint.
var Modes = []Mode{BadRequest, Unauthorized, TooMany, ServerError, Timeout, Malformed}

// Expected is the documented code of a failure mode at an endpoint.
func Expected(endpoint string, m Mode) connector.Code {
	switch m {
	case BadRequest:
		if endpoint == TokenEndpoint {
			return connector.AuthorizationFailed // invalid_grant
		}
		return connector.InvalidRequest
	case Unauthorized:
		if endpoint == TokenEndpoint {
			return connector.InvalidConfig // invalid_client
		}
		return connector.AuthorizationFailed // bad access token
	case TooMany:
		return connector.RateLimited
	case ServerError, Timeout:
		return connector.Unavailable
	case Malformed:
		return connector.InvalidResponse
	}
	return ""
}

// Request is a recorded upstream request.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Form   url.Values // parsed body of form posts
}

// Upstream is the fake's state: the failure knob and the recorded requests.
type Upstream struct {
	// URL is the fake server's base URL.
	URL string

	mu     sync.Mutex
	failAt string
	mode   Mode
	reqs   map[string][]Request
}

// NewUpstream makes an empty Upstream (Run makes its own).
func NewUpstream() *Upstream { return &Upstream{reqs: map[string][]Request{}} }

// Set makes endpoint answer with m (OK resets).
func (u *Upstream) Set(endpoint string, m Mode) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.failAt, u.mode = endpoint, m
	if m == OK {
		u.failAt = ""
	}
}

// Reset clears the knob and the recorded requests.
func (u *Upstream) Reset() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.failAt, u.mode, u.reqs = "", OK, map[string][]Request{}
}

// Requests returns the recorded requests of endpoint.
func (u *Upstream) Requests(endpoint string) []Request {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]Request(nil), u.reqs[endpoint]...)
}

// Total is the number of recorded requests.
func (u *Upstream) Total() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, r := range u.reqs {
		n += len(r)
	}
	return n
}

// Serve is called first by each endpoint of a fake: it records the request
// and, when the knob targets this endpoint, writes the failure and returns
// true (the fake then returns).
func (u *Upstream) Serve(endpoint string, w http.ResponseWriter, r *http.Request) bool {
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()}
	if r.Method == http.MethodPost {
		_ = r.ParseForm()
		rec.Form = r.PostForm
	}
	u.mu.Lock()
	u.reqs[endpoint] = append(u.reqs[endpoint], rec)
	fail := u.failAt == endpoint
	mode := u.mode
	u.mu.Unlock()
	if !fail {
		return false
	}
	switch mode {
	case BadRequest:
		if endpoint == TokenEndpoint {
			WriteJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "The provided authorization grant is invalid, expired or revoked."})
		} else {
			WriteJSON(w, 400, map[string]any{"error": "invalid_request", "message": "Bad request"})
		}
	case Unauthorized:
		if endpoint == TokenEndpoint {
			WriteJSON(w, 401, map[string]any{"error": "invalid_client", "error_description": "Client authentication failed."})
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			WriteJSON(w, 401, map[string]any{"message": "401: Unauthorized"})
		}
	case TooMany:
		w.Header().Set("Retry-After", "30")
		WriteJSON(w, 429, map[string]any{"message": "You are being rate limited."})
	case ServerError:
		http.Error(w, "internal server error", 500)
	case Timeout:
		select {
		case <-r.Context().Done():
		case <-time.After(4 * ClientTimeout):
		}
		WriteJSON(w, 200, map[string]any{})
	case Malformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"id": "123", "access_token": `))
	default:
		return false
	}
	return true
}

// WriteJSON answers v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// BearerOK checks the fake's Authorization header; on failure it answers 401.
func BearerOK(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") != "Bearer "+AccessToken {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		WriteJSON(w, 401, map[string]any{"message": "Bad credentials"})
		return false
	}
	return true
}

// ClientAuth is how the provider wants the client to authenticate.
type ClientAuth string

const (
	AuthBody  ClientAuth = "client_secret_post"
	AuthBasic ClientAuth = "client_secret_basic"
)

// Case describes one provider for the suite.
type Case struct {
	FactoryID string
	Target    string // expected metadata target ("" skips)
	Standard  bool   // expected IsStandard

	// Config is the connector config; upstream is the fake's base URL.
	Config func(upstream string) map[string]any
	// Fake is the provider's fake upstream.
	Fake func(u *Upstream) http.Handler

	// Authorization URL expectations.
	AuthorizePath  string
	Scope          string // also the scope item's default, unless Standard
	PKCE, Nonce    bool
	AuthorizeExtra map[string]string // further exact query parameters

	// Token exchange expectations.
	TokenPath    string
	ClientAuth   ClientAuth
	TokenHeaders map[string]string // exact request headers, e.g. Accept

	// SecretItem is the required, confidential form item holding the
	// client's secret ("clientSecret" when empty) and SecretItemType its
	// type (Text when empty). CheckSecret, when set, checks the
	// client_secret sent instead of comparing it with the config (for
	// providers whose secret is derived, like Apple's signed JWT).
	SecretItem     string
	SecretItemType string
	CheckSecret    func(t *testing.T, got string)

	// Endpoints UserInfo calls, the token endpoint (TokenEndpoint) first;
	// the suite tries each failure mode at each.
	Endpoints []string
	// Skip lists endpoint/mode pairs not to try ("emails/401").
	Skip []string

	// Want is the expected profile (Raw is only checked to be non-empty).
	Want connector.Profile
}

// Env returns the env the suite gives connectors: every URL is rewritten to
// the fake's scheme and host, keeping the provider's path.
func Env(upstream string) connector.Env {
	base, _ := url.Parse(upstream)
	return connector.Env{
		HTTP: &http.Client{Timeout: ClientTimeout},
		Rewrite: func(raw string) string {
			u, err := url.Parse(raw)
			if err != nil {
				return raw
			}
			u.Scheme, u.Host = base.Scheme, base.Host
			return u.String()
		},
	}
}

// Start starts the fake of c and returns the upstream state and a configured
// connector.
func Start(t *testing.T, c Case) (*Upstream, connector.Social) {
	t.Helper()
	u := NewUpstream()
	srv := httptest.NewServer(c.Fake(u))
	t.Cleanup(srv.Close)
	u.URL = srv.URL
	f, ok := connector.Lookup(c.FactoryID)
	if !ok {
		t.Fatalf("factory %q is not registered", c.FactoryID)
	}
	s, err := f.NewSocial(c.Config(srv.URL), Env(srv.URL))
	if err != nil {
		t.Fatalf("NewSocial: %v", err)
	}
	return u, s
}

// Callback is the successful callback of the suite.
func Callback() connector.Callback {
	return connector.Callback{
		Params:       url.Values{"code": {Code}, "state": {State}},
		RedirectURI:  RedirectURI,
		CodeVerifier: CodeVerifier,
		Nonce:        Nonce,
	}
}

// AuthRequest is the suite's authorization request.
func AuthRequest() connector.AuthRequest {
	return connector.AuthRequest{State: State, RedirectURI: RedirectURI, Nonce: Nonce, CodeChallenge: CodeChallenge, Locale: "ja"}
}

// WantCode checks that err is a *connector.Error of code want.
func WantCode(t *testing.T, err error, want connector.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", want)
	}
	var ce *connector.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *connector.Error; want %s", err, err, want)
	}
	if ce.Code != want {
		t.Fatalf("error code %s (%v), want %s", ce.Code, err, want)
	}
}

// Run runs the whole suite for c.
func Run(t *testing.T, c Case) {
	t.Run("metadata", func(t *testing.T) { checkMetadata(t, c) })
	t.Run("config", func(t *testing.T) { checkConfig(t, c) })
	t.Run("authorization_url", func(t *testing.T) { checkAuthURL(t, c) })
	t.Run("success", func(t *testing.T) { checkSuccess(t, c) })
	t.Run("access_denied", func(t *testing.T) {
		u, s := Start(t, c)
		cb := Callback()
		cb.Params = url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request."}, "state": {State}}
		_, err := s.UserInfo(context.Background(), cb)
		WantCode(t, err, connector.AccessDenied)
		if n := u.Total(); n != 0 {
			t.Errorf("declined callback made %d upstream requests", n)
		}
	})
	t.Run("missing_code", func(t *testing.T) {
		_, s := Start(t, c)
		cb := Callback()
		cb.Params = url.Values{"state": {State}}
		_, err := s.UserInfo(context.Background(), cb)
		WantCode(t, err, connector.InvalidRequest)
	})
	t.Run("wrong_code", func(t *testing.T) {
		_, s := Start(t, c)
		cb := Callback()
		cb.Params.Set("code", "some-other-code")
		_, err := s.UserInfo(context.Background(), cb)
		WantCode(t, err, connector.AuthorizationFailed)
	})
	skip := map[string]bool{}
	for _, s := range c.Skip {
		skip[s] = true
	}
	u, s := Start(t, c)
	for _, ep := range c.Endpoints {
		for _, m := range Modes {
			name := ep + "/" + string(m)
			if skip[name] {
				continue
			}
			t.Run("upstream_"+strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
				u.Reset()
				u.Set(ep, m)
				start := time.Now()
				p, err := s.UserInfo(context.Background(), Callback())
				if p != nil && err == nil {
					t.Fatalf("got profile %+v, want an error", p)
				}
				WantCode(t, err, Expected(ep, m))
				if d := time.Since(start); d > 6*ClientTimeout {
					t.Errorf("failure took %v; upstream calls must be bounded", d)
				}
				if len(u.Requests(ep)) == 0 {
					t.Errorf("endpoint %s was never called", ep)
				}
			})
		}
	}
}

func checkMetadata(t *testing.T, c Case) {
	f, ok := connector.Lookup(c.FactoryID)
	if !ok {
		t.Fatalf("factory %q is not registered", c.FactoryID)
	}
	m := f.Metadata
	if m.ID != c.FactoryID {
		t.Errorf("ID %q", m.ID)
	}
	if c.Target != "" && m.Target != c.Target {
		t.Errorf("Target %q, want %q", m.Target, c.Target)
	}
	if m.Type != connector.KindSocial {
		t.Errorf("Type %q", m.Type)
	}
	switch m.Platform {
	case "Universal", "Web", "Native":
	default:
		t.Errorf("Platform %q", m.Platform)
	}
	for _, l := range []string{"en", "ja"} {
		if strings.TrimSpace(m.Name[l]) == "" {
			t.Errorf("no %s name", l)
		}
		if strings.TrimSpace(m.Description[l]) == "" {
			t.Errorf("no %s description", l)
		}
	}
	if !strings.HasPrefix(m.Logo, "data:image/") && !strings.HasPrefix(m.Logo, "https://") {
		t.Errorf("logo %.40q is neither a data: URI nor https", m.Logo)
	}
	if !strings.Contains(m.Readme, "/callback/{connectorId}") {
		t.Errorf("README does not give the redirect URI pattern {endpoint}/callback/{connectorId}")
	}
	if m.IsStandard != c.Standard {
		t.Errorf("IsStandard %v, want %v", m.IsStandard, c.Standard)
	}
	if f.NewSocial == nil {
		t.Fatal("no NewSocial")
	}
	items := map[string]connector.FormItem{}
	valid := map[string]bool{connector.Text: true, connector.MultilineText: true, connector.Number: true, connector.Switch: true,
		connector.Select: true, connector.MultiSelect: true, connector.JSON: true}
	for _, it := range m.FormItems {
		if _, dup := items[it.Key]; dup {
			t.Errorf("form item %q twice", it.Key)
		}
		items[it.Key] = it
		if it.Label == "" || !valid[it.Type] {
			t.Errorf("form item %q: label %q type %q", it.Key, it.Label, it.Type)
		}
		if (it.Type == connector.Select || it.Type == connector.MultiSelect) && len(it.SelectItems) == 0 {
			t.Errorf("form item %q has no select items", it.Key)
		}
	}
	if it, ok := items["clientId"]; !ok || !it.Required || it.Type != connector.Text || it.IsConfidential {
		t.Errorf("clientId item: %+v", it)
	}
	key, typ := secretItem(c)
	if it, ok := items[key]; !ok || !it.Required || it.Type != typ || !it.IsConfidential {
		t.Errorf("%s item: %+v (must be a required, confidential %s)", key, it, typ)
	}
	if it, ok := items["scope"]; !ok || it.Required || it.Type != connector.Text {
		t.Errorf("scope item: %+v (must be an optional Text)", it)
	} else if !c.Standard && c.Scope != "" && it.DefaultValue != c.Scope {
		// Provider connectors request their documented default scope.
		t.Errorf("scope default %v, want %q", it.DefaultValue, c.Scope)
	}
	if _, err := json.Marshal(m); err != nil {
		t.Errorf("metadata does not marshal: %v", err)
	}
}

func checkConfig(t *testing.T, c Case) {
	f, _ := connector.Lookup(c.FactoryID)
	if f == nil {
		t.Skip("not registered")
	}
	env := Env("http://127.0.0.1:1")
	_, err := f.NewSocial(map[string]any{}, env)
	WantCode(t, err, connector.InvalidConfig)
	secret, _ := secretItem(c)
	for _, key := range []string{"clientId", secret} {
		cfg := c.Config("http://127.0.0.1:1")
		delete(cfg, key)
		_, err := f.NewSocial(cfg, env)
		WantCode(t, err, connector.InvalidConfig)
		cfg = c.Config("http://127.0.0.1:1")
		cfg[key] = 42
		_, err = f.NewSocial(cfg, env)
		WantCode(t, err, connector.InvalidConfig)
	}
}

func checkAuthURL(t *testing.T, c Case) {
	u, s := Start(t, c)
	raw, err := s.AuthorizationURL(context.Background(), AuthRequest())
	if err != nil {
		t.Fatalf("AuthorizationURL: %v", err)
	}
	au, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("authorization URL %q: %v", raw, err)
	}
	base, _ := url.Parse(u.URL)
	if au.Scheme != base.Scheme || au.Host != base.Host {
		t.Errorf("authorization URL %s was not passed through env.Rewrite (want host %s)", raw, base.Host)
	}
	if au.Path != c.AuthorizePath {
		t.Errorf("authorization path %q, want %q", au.Path, c.AuthorizePath)
	}
	q := au.Query()
	cfg := c.Config(u.URL)
	want := map[string]string{
		"response_type": "code",
		"client_id":     fmt.Sprint(cfg["clientId"]),
		"redirect_uri":  RedirectURI,
		"state":         State,
		"scope":         c.Scope,
	}
	for k, v := range c.AuthorizeExtra {
		want[k] = v
	}
	if c.PKCE {
		want["code_challenge"] = CodeChallenge
		want["code_challenge_method"] = "S256"
	}
	if c.Nonce {
		want["nonce"] = Nonce
	}
	for k, v := range want {
		if v == "" {
			if q.Has(k) {
				t.Errorf("authorization URL has %s=%q, want none", k, q.Get(k))
			}
			continue
		}
		if got := q[k]; len(got) != 1 || got[0] != v {
			t.Errorf("authorization URL %s=%q, want %q", k, got, v)
		}
	}
	if !c.PKCE && q.Has("code_challenge") {
		t.Errorf("unexpected code_challenge")
	}
	if !c.Nonce && q.Has("nonce") {
		t.Errorf("unexpected nonce")
	}
	if q.Has("client_secret") {
		t.Errorf("client_secret in the authorization URL")
	}
	// Only metadata (OIDC discovery, keys) may be fetched to build the URL.
	if n := u.Total() - len(u.Requests("discovery")) - len(u.Requests("jwks")); n != 0 {
		t.Errorf("AuthorizationURL called the upstream %d times", n)
	}
}

func checkSuccess(t *testing.T, c Case) {
	u, s := Start(t, c)
	p, err := s.UserInfo(context.Background(), Callback())
	if err != nil {
		t.Fatalf("UserInfo: %v", err)
	}
	got := *p
	got.Raw = nil
	if !reflect.DeepEqual(got, c.Want) {
		t.Errorf("profile\n got %+v\nwant %+v", got, c.Want)
	}
	if len(p.Raw) == 0 {
		t.Errorf("no raw profile")
	}
	cfg := c.Config(u.URL)
	key, _ := secretItem(c)
	clientID, secret := fmt.Sprint(cfg["clientId"]), fmt.Sprint(cfg[key])
	reqs := u.Requests(TokenEndpoint)
	if len(reqs) != 1 {
		t.Fatalf("%d token requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != c.TokenPath {
		t.Errorf("token request %s %s, want POST %s", r.Method, r.Path, c.TokenPath)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		t.Errorf("token request Content-Type %q", ct)
	}
	for k, v := range c.TokenHeaders {
		if got := r.Header.Get(k); got != v {
			t.Errorf("token request header %s=%q, want %q", k, got, v)
		}
	}
	if len(r.Query) != 0 {
		t.Errorf("token request has a query %v; credentials belong in the body", r.Query)
	}
	form := map[string]string{"grant_type": "authorization_code", "code": Code, "redirect_uri": RedirectURI}
	if c.PKCE {
		form["code_verifier"] = CodeVerifier
	}
	for k, v := range form {
		if got := r.Form[k]; len(got) != 1 || got[0] != v {
			t.Errorf("token form %s=%q, want %q", k, got, v)
		}
	}
	if !c.PKCE && r.Form.Has("code_verifier") {
		t.Errorf("unexpected code_verifier")
	}
	switch c.ClientAuth {
	case AuthBasic:
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(clientID)+":"+url.QueryEscape(secret)))
		if got := r.Header.Get("Authorization"); got != want {
			t.Errorf("token Authorization %q, want %q", got, want)
		}
		if r.Form.Has("client_secret") {
			t.Errorf("client_secret in the body as well as in Basic")
		}
	default:
		if c.CheckSecret != nil {
			if r.Form.Get("client_id") != clientID {
				t.Errorf("token form client_id=%q", r.Form.Get("client_id"))
			}
			c.CheckSecret(t, r.Form.Get("client_secret"))
		} else if r.Form.Get("client_id") != clientID || r.Form.Get("client_secret") != secret {
			t.Errorf("token form client_id=%q client_secret=%q", r.Form.Get("client_id"), r.Form.Get("client_secret"))
		}
		if r.Header.Get("Authorization") != "" {
			t.Errorf("unexpected Authorization header on the token request")
		}
	}
	for _, ep := range c.Endpoints {
		if len(u.Requests(ep)) == 0 {
			t.Errorf("endpoint %s was not called", ep)
		}
	}
}

func secretItem(c Case) (key, typ string) {
	key, typ = c.SecretItem, c.SecretItemType
	if key == "" {
		key = "clientSecret"
	}
	if typ == "" {
		typ = connector.Text
	}
	return key, typ
}
