package patreon_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/connector"
	_ "github.com/monban-dev/monban/internal/connector/patreon"
	"github.com/monban-dev/monban/internal/connector/patreon/patreontest"
)

const redirectURI = "http://localhost:3001/callback/conn1"

func setup(t *testing.T) (*patreontest.Fake, connector.Social) {
	t.Helper()
	fake := patreontest.New(t)
	base, _ := url.Parse(fake.URL)
	env := connector.NewEnv("patreon", map[string]*url.URL{"patreon": base})
	f, ok := connector.Lookup("patreon-universal")
	if !ok {
		t.Fatal("patreon-universal not registered")
	}
	s, err := f.NewSocial(map[string]any{"clientId": fake.ClientID, "clientSecret": fake.ClientSecret}, env)
	if err != nil {
		t.Fatal(err)
	}
	return fake, s
}

func TestMetadata(t *testing.T) {
	f, _ := connector.Lookup("patreon-universal")
	if f.Target != "patreon" || f.Platform != "Universal" || f.Name["en"] != "Patreon" || f.Name["ja"] != "Patreon" || f.Type != connector.KindSocial {
		t.Errorf("metadata %+v", f.Metadata)
	}
	if !strings.Contains(f.Readme, "Clients & API Keys") || !strings.Contains(f.Readme, "/callback/{connectorId}") {
		t.Error("README lacks the set-up steps")
	}
	keys := map[string]connector.FormItem{}
	for _, it := range f.FormItems {
		keys[it.Key] = it
	}
	if !keys["clientId"].Required || !keys["clientSecret"].IsConfidential || keys["scope"].Required || keys["scope"].DefaultValue != "identity identity[email]" {
		t.Errorf("form items %+v", f.FormItems)
	}
}

func TestAuthorizationURL(t *testing.T) {
	fake, s := setup(t)
	raw, err := s.AuthorizationURL(context.Background(), connector.AuthRequest{State: "st", RedirectURI: redirectURI})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(raw)
	if u.Scheme+"://"+u.Host != fake.URL || u.Path != "/oauth2/authorize" {
		t.Errorf("authorize URL %s", raw)
	}
	q := u.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != fake.ClientID || q.Get("redirect_uri") != redirectURI ||
		q.Get("scope") != "identity identity[email]" || q.Get("state") != "st" {
		t.Errorf("query %v", q)
	}
	// Without an override the real Patreon.
	f, _ := connector.Lookup("patreon-universal")
	s2, _ := f.NewSocial(map[string]any{"clientId": "a", "clientSecret": "b", "scope": "identity"}, connector.NewEnv("patreon", nil))
	raw, _ = s2.AuthorizationURL(context.Background(), connector.AuthRequest{State: "st", RedirectURI: redirectURI})
	if !strings.HasPrefix(raw, "https://www.patreon.com/oauth2/authorize?") || !strings.Contains(raw, "scope=identity&") {
		t.Errorf("real authorize URL %s", raw)
	}
}

func TestUserInfo(t *testing.T) {
	fake, s := setup(t)
	code := fake.Code(redirectURI)
	p, err := s.UserInfo(context.Background(), connector.Callback{Params: url.Values{"code": {code}, "state": {"st"}}, RedirectURI: redirectURI})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "32187" || p.Email != "patron@example.com" || !p.EmailVerified || p.Name != "Pat Patron" || p.Avatar != "https://c8.patreon.com/avatar.png" {
		t.Errorf("profile %+v", p)
	}
	if data, _ := p.Raw["data"].(map[string]any); data["id"] != "32187" {
		t.Errorf("raw %v", p.Raw)
	}
	form, q := fake.TokenForms[0], fake.TokenQueries[0]
	if form.Get("client_secret") != fake.ClientSecret || form.Get("client_id") != fake.ClientID || form.Get("redirect_uri") != redirectURI ||
		form.Get("grant_type") != "authorization_code" || len(q) != 0 {
		t.Errorf("token request form %v query %v", form, q)
	}
	// The code is single use: invalid_grant.
	_, err = s.UserInfo(context.Background(), connector.Callback{Params: url.Values{"code": {code}}, RedirectURI: redirectURI})
	if connector.CodeOf(err) != connector.AuthorizationFailed {
		t.Errorf("replayed code: %v", err)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	fake, s := setup(t)
	cb := func() connector.Callback {
		return connector.Callback{Params: url.Values{"code": {fake.Code(redirectURI)}}, RedirectURI: redirectURI}
	}
	check := func(name string, want connector.Code, c connector.Callback) *connector.Error {
		t.Helper()
		_, err := s.UserInfo(ctx, c)
		if got := connector.CodeOf(err); got != want {
			t.Errorf("%s: code %s, want %s (%v)", name, got, want, err)
		}
		ce, _ := err.(*connector.Error)
		return ce
	}
	check("access_denied", connector.AccessDenied, connector.Callback{Params: url.Values{"error": {"access_denied"}}})
	check("no code", connector.InvalidResponse, connector.Callback{Params: url.Values{}})
	check("invalid_grant", connector.AuthorizationFailed, connector.Callback{Params: url.Values{"code": {"nope"}}, RedirectURI: redirectURI})

	fake.Set(func(f *patreontest.Fake) { f.RegisteredRedirectURI = "http://elsewhere/callback/x" })
	ce := check("mismatching redirect", connector.InvalidRequest, cb())
	if ce == nil || !strings.Contains(ce.AdminHint, redirectURI) {
		t.Errorf("admin hint %+v", ce)
	}
	fake.Set(func(f *patreontest.Fake) { f.RegisteredRedirectURI = "" })

	for _, c := range []struct {
		name         string
		status       int
		body         string
		want         connector.Code
		identityOnly bool
	}{
		{"token 500", 500, `oops`, connector.Unavailable, false},
		{"token 429", 429, `{}`, connector.RateLimited, false},
		{"token malformed", 200, `{not json`, connector.InvalidResponse, false},
		{"identity 503", 503, ``, connector.Unavailable, true},
		{"identity 429", 429, ``, connector.RateLimited, true},
		{"identity malformed", 200, `<html>`, connector.InvalidResponse, true},
		{"identity 401", 401, `{}`, connector.AuthorizationFailed, true},
	} {
		fake.Set(func(f *patreontest.Fake) {
			f.TokenStatus, f.TokenBody, f.IdentityStatus, f.IdentityBody = 0, "", 0, ""
			if c.identityOnly {
				f.IdentityStatus, f.IdentityBody = c.status, c.body
			} else {
				f.TokenStatus, f.TokenBody = c.status, c.body
			}
		})
		check(c.name, c.want, cb())
	}
	fake.Set(func(f *patreontest.Fake) { f.TokenStatus, f.IdentityStatus = 0, 0 })

	// Timeout: a client with a short timeout against a server that hangs.
	f, _ := connector.Lookup("patreon-universal")
	base, _ := url.Parse(fake.URL)
	env := connector.NewEnv("patreon", map[string]*url.URL{"patreon": base})
	env.HTTP.Timeout = time.Nanosecond
	s2, _ := f.NewSocial(map[string]any{"clientId": fake.ClientID, "clientSecret": fake.ClientSecret}, env)
	if _, err := s2.UserInfo(ctx, cb()); connector.CodeOf(err) != connector.Unavailable {
		t.Errorf("timeout: %v", err)
	}
	// Nothing listening.
	env = connector.NewEnv("patreon", map[string]*url.URL{"patreon": {Scheme: "http", Host: "127.0.0.1:1"}})
	s3, _ := f.NewSocial(map[string]any{"clientId": "a", "clientSecret": "b"}, env)
	if _, err := s3.UserInfo(ctx, connector.Callback{Params: url.Values{"code": {"c"}}}); connector.CodeOf(err) != connector.Unavailable {
		t.Errorf("unreachable: %v", err)
	}
}

func TestInvalidConfig(t *testing.T) {
	f, _ := connector.Lookup("patreon-universal")
	if _, err := f.NewSocial(map[string]any{"clientId": "a"}, connector.Env{}); connector.CodeOf(err) != connector.InvalidConfig {
		t.Errorf("missing secret: %v", err)
	}
}
