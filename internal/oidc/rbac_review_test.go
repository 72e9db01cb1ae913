package oidc_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

// TestRBACRefreshNarrowsScope: a refresh request's scope (RFC 6749 §6,
// Logto's provider) narrows the new tokens to a subset of the grant; a
// scope the grant lacks is invalid_scope and consumes nothing.
func TestRBACRefreshNarrowsScope(t *testing.T) { onBothDatabases(t, testRBACRefreshNarrowsScope) }

func testRBACRefreshNarrowsScope(t *testing.T, f *fixture) {
	ctx := context.Background()
	b := newBookstore(t, f)
	if _, err := f.env.D.RBAC.AddUserRoles(ctx, f.user.ID, []string{b.reader.ID, b.writer.ID}); err != nil {
		t.Fatal(err)
	}
	v, _ := newVerifier()
	code := f.code(t, f.web, v, func(q url.Values) {
		q.Set("scope", "openid offline_access profile roles read:books write:books")
		q.Set("resource", booksAPI)
	})
	r := f.token(t, f.web, f.webSecret, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {v}, "resource": {booksAPI}})
	if got := accessScope(t, r, booksAPI); got != "read:books write:books" {
		t.Fatalf("code exchange: scope %q", got)
	}
	rt := r.json(t)["refresh_token"].(string)
	refresh := func(scope, resource string) *response {
		t.Helper()
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "scope": {scope}}
		if resource != "" {
			form.Set("resource", resource)
		}
		r := f.token(t, f.web, f.webSecret, form)
		if r.StatusCode == 200 {
			rt = r.json(t)["refresh_token"].(string)
		}
		return r
	}
	if got := accessScope(t, refresh("openid read:books", booksAPI), booksAPI); got != "read:books" {
		t.Errorf("narrowed to read:books: scope %q", got)
	}
	r = refresh("openid", "")
	if r.StatusCode != 200 {
		t.Fatalf("narrowed to openid: %d %s", r.StatusCode, r.body)
	}
	m := r.json(t)
	if m["scope"] != "openid" {
		t.Errorf("narrowed to openid: scope %v", m["scope"])
	}
	if _, idClaims := jwtParts(t, m["id_token"].(string)); idClaims["roles"] != nil || idClaims["name"] != nil {
		t.Errorf("narrowed to openid: ID token still has roles or profile claims: %v", idClaims)
	}
	// A scope never granted: invalid_scope, and the refresh token stays
	// usable (nothing was consumed).
	wantOAuthError(t, "scope beyond the grant", refresh("openid delete:books", booksAPI), 400, "invalid_scope")
	if got := accessScope(t, refresh("", booksAPI), booksAPI); got != "read:books write:books" {
		t.Errorf("without scope: scope %q, want the grant's", got)
	}
}

// TestThirdPartyConsentCoversResources: a third-party application's
// remembered consent is for the scopes AND the APIs the user agreed to;
// asking for the same permission names of another API shows the consent
// page again instead of issuing a code.
func TestThirdPartyConsentCoversResources(t *testing.T) {
	f := fixtureOn(t, testenv.Options{})
	ctx := context.Background()
	b := newBookstore(t, f)
	if _, err := f.env.D.RBAC.AddUserRoles(ctx, f.user.ID, []string{b.reader.ID}); err != nil {
		t.Fatal(err)
	}
	// A second API with a permission of the same name, held too.
	const otherAPI = "https://api.other.example"
	other := f.env.Resource(otherAPI)
	sc, err := f.env.D.RBAC.CreateScope(ctx, other.ID, rbac.NewScope{Name: "read:books"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.env.D.RBAC.AddRoleScopes(ctx, b.reader.ID, []string{sc.ID}); err != nil {
		t.Fatal(err)
	}
	partner, _, err := f.env.D.Applications.Create(ctx, application.NewApplication{Name: "Partner",
		Type: store.AppTraditional, RedirectURIs: []string{redirect}, IsThirdParty: true})
	if err != nil {
		t.Fatal(err)
	}
	browser := testenv.Browser()
	authorize := func(resource string) (*url.URL, error) {
		_, ch := newVerifier()
		q := authParams(partner.ID, ch)
		q.Set("scope", "openid read:books")
		q.Del("prompt") // prompt=consent would always ask
		q.Set("resource", resource)
		return f.env.Authorize(browser, f.authURL(q), userName, userPassword)
	}
	// First time: the consent page; allow.
	_, err = authorize(booksAPI)
	if err == nil || !strings.Contains(err.Error(), `name="decision"`) {
		t.Fatalf("first authorization: want the consent page, got %v", err)
	}
	page := get(t, browser, f.env.Endpoint+"/consent")
	action, fields := testenv.ParseForm(string(page.body))
	fields.Set("decision", "allow")
	to := mustURL(t, f.env.Endpoint+"/consent").ResolveReference(mustURL(t, action))
	req, _ := http.NewRequest(http.MethodPost, to.String(), strings.NewReader(fields.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := do(t, browser, req)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("consent: %d %s", r.StatusCode, r.body)
	}
	resume := to.ResolveReference(mustURL(t, r.Header.Get("Location")))
	if cb, err := f.env.Authorize(browser, resume.String(), "", ""); err != nil || cb.Query().Get("code") == "" {
		t.Fatalf("after consent: %v %v", cb, err)
	}
	// The same again: remembered, a code at once.
	if cb, err := authorize(booksAPI); err != nil || cb.Query().Get("code") == "" {
		t.Fatalf("second authorization for the consented API: %v %v", cb, err)
	}
	// Another API: never consented to, so the consent page again.
	if cb, err := authorize(otherAPI); err == nil {
		t.Errorf("authorization for an API never consented to issued %s without asking", cb)
	} else if !strings.Contains(err.Error(), `name="decision"`) {
		t.Errorf("authorization for another API: want the consent page, got %v", err)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestOneResourcePerTokenRequest: a token request naming two resources is
// invalid_target (spec: one resource per token request), for every grant;
// it is never answered with a token for one of them.
func TestOneResourcePerTokenRequest(t *testing.T) { onBothDatabases(t, testOneResourcePerTokenRequest) }

func testOneResourcePerTokenRequest(t *testing.T, f *fixture) {
	ctx := context.Background()
	b := newBookstore(t, f)
	f.env.Resource(apiIndicator)
	if _, err := f.env.D.RBAC.AddUserRoles(ctx, f.user.ID, []string{b.reader.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.D.RBAC.AddApplicationRoles(ctx, f.m2m.ID, []string{b.robo.ID}); err != nil {
		t.Fatal(err)
	}
	both := []string{booksAPI, apiIndicator}
	cc := f.token(t, f.m2m, f.m2mSecret, url.Values{"grant_type": {"client_credentials"}, "scope": {"read:books"}, "resource": both})
	wantOAuthError(t, "client_credentials with two resources", cc, 400, "invalid_target")

	v, _ := newVerifier()
	code := f.code(t, f.web, v, func(q url.Values) {
		q.Set("scope", "openid offline_access read:books")
		q["resource"] = both
	})
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
		"code_verifier": {v}, "resource": both}
	wantOAuthError(t, "code exchange with two resources", f.token(t, f.web, f.webSecret, form), 400, "invalid_target")
	form.Set("resource", booksAPI)
	r := f.token(t, f.web, f.webSecret, form)
	if got := accessScope(t, r, booksAPI); got != "read:books" {
		t.Fatalf("code exchange: scope %q", got)
	}
	rt := r.json(t)["refresh_token"].(string)
	wantOAuthError(t, "refresh with two resources", f.token(t, f.web, f.webSecret,
		url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "resource": both}), 400, "invalid_target")
}
