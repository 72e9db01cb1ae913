package oidc_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

const redirect = "http://localhost:3000/callback"

// TestStandardRelyingParty signs in with coreos/go-oidc and x/oauth2, the
// way a standard Go relying party does: discovery, code + PKCE, ID token
// verification, userinfo, refresh.
func TestStandardRelyingParty(t *testing.T) {
	for _, base := range []string{"", "/auth"} {
		t.Run("base="+base, func(t *testing.T) { testRelyingParty(t, base) })
	}
}

func testRelyingParty(t *testing.T, base string) {
	ctx := context.Background()
	env := testenv.New(t, testenv.Options{BasePath: base})
	app, secret := env.App(store.AppTraditional, redirect)
	user := env.User("alice", "correct horse battery")

	provider, err := gooidc.NewProvider(ctx, env.Issuer)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	conf := oauth2.Config{ClientID: app.ID, ClientSecret: secret, Endpoint: provider.Endpoint(), RedirectURL: redirect,
		Scopes: []string{gooidc.ScopeOpenID, gooidc.ScopeOfflineAccess, "profile", "email"}}
	verifier := oauth2.GenerateVerifier()
	state, nonce := rand.Text(), rand.Text()
	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), gooidc.Nonce(nonce), oauth2.SetAuthURLParam("prompt", "consent"))

	cb, err := env.Authorize(testenv.Browser(), authURL, "alice", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	q := cb.Query()
	if q.Get("state") != state || q.Get("iss") != env.Issuer || q.Get("code") == "" {
		t.Fatalf("callback %s: want code, state %q and iss %q", cb, state, env.Issuer)
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&gooidc.Config{ClientID: app.ID}).Verify(ctx, rawID)
	if err != nil {
		t.Fatalf("verify ID token: %v", err)
	}
	var claims map[string]any
	idt.Claims(&claims)
	if idt.Subject != user.ID || idt.Nonce != nonce || claims["aud"] != app.ID || claims["username"] != "alice" || claims["email"] != "alice@example.com" {
		t.Errorf("ID token claims: %v", claims)
	}
	if tok.RefreshToken == "" || strings.Contains(tok.AccessToken, ".") {
		t.Errorf("want a refresh token and an opaque access token, got %+v", tok)
	}
	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	if ui.Subject != user.ID || ui.Email != "alice@example.com" {
		t.Errorf("userinfo: %+v", ui)
	}
	// Refresh with rotation: a new refresh token every time.
	expired := &oauth2.Token{RefreshToken: tok.RefreshToken}
	fresh, err := conf.TokenSource(ctx, expired).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.RefreshToken == "" || fresh.RefreshToken == tok.RefreshToken || fresh.Extra("id_token") == nil {
		t.Errorf("refresh response: %+v", fresh)
	}
}

func postForm(t *testing.T, u string, form url.Values, basic ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(basic) == 2 {
		req.SetBasicAuth(basic[0], basic[1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(body, &out)
	return resp.StatusCode, out
}

func TestClientCredentialsAndIntrospection(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	m2m, secret := env.App(store.AppMachineToMachine)
	env.Resource("https://api.bookstore.example")
	code, tok := postForm(t, env.Issuer+"/token", url.Values{"grant_type": {"client_credentials"},
		"resource": {"https://api.bookstore.example"}, "scope": {"read:books"}}, m2m.ID, secret)
	if code != 200 || tok["token_type"] != "Bearer" || tok["scope"] != "" {
		t.Fatalf("client_credentials: %d %v", code, tok)
	}
	if _, ok := tok["expires_in"].(float64); !ok {
		t.Fatalf("expires_in is not a number: %v", tok["expires_in"])
	}
	code, in := postForm(t, env.Issuer+"/token/introspection", url.Values{"token": {tok["access_token"].(string)}}, m2m.ID, secret)
	if code != 200 || in["active"] != true || in["aud"] != "https://api.bookstore.example" || in["client_id"] != m2m.ID {
		t.Fatalf("introspection: %d %v", code, in)
	}
	code, e := postForm(t, env.Issuer+"/token", url.Values{"grant_type": {"client_credentials"},
		"resource": {"https://unknown.example"}}, m2m.ID, secret)
	if code != 400 || e["error"] != "invalid_target" {
		t.Fatalf("unknown resource: %d %v", code, e)
	}
	code, e = postForm(t, env.Issuer+"/token", url.Values{"grant_type": {"client_credentials"}}, m2m.ID, "wrong")
	if code != 401 || e["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", code, e)
	}
}

// TestUserinfoIdentities: the identities scope gives Logto's
// {target: {userId, details}} from the user's linked accounts.
func TestUserinfoIdentities(t *testing.T) {
	ctx := context.Background()
	env := testenv.New(t, testenv.Options{})
	app, secret := env.App(store.AppTraditional, redirect)
	u := env.User("alice", "correct horse battery")
	if err := env.D.Store.PutIdentity(ctx, &store.Identity{UserID: u.ID, Target: "patreon", UpstreamID: "p-42",
		Details: map[string]any{"email": "alice@patreon.example"}, CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	q := url.Values{"client_id": {app.ID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid identities"}, "state": {"s"}}
	cb, err := env.Authorize(testenv.Browser(), env.Issuer+"/auth?"+q.Encode(), "alice", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	_, tok := postForm(t, env.Issuer+"/token", url.Values{"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")},
		"redirect_uri": {redirect}}, app.ID, secret)
	req, _ := http.NewRequest("GET", env.Issuer+"/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok["access_token"].(string))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ui struct {
		Identities map[string]struct {
			UserID  string         `json:"userId"`
			Details map[string]any `json:"details"`
		} `json:"identities"`
	}
	json.NewDecoder(resp.Body).Decode(&ui)
	if got := ui.Identities["patreon"]; got.UserID != "p-42" || got.Details["email"] != "alice@patreon.example" {
		t.Fatalf("identities claim = %+v", ui.Identities)
	}
}
