package oidc_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/testenv"
)

// The RBAC proofs of issue 8, end to end over HTTP, on SQLite and
// PostgreSQL: tokens for a resource carry the requested permissions the
// subject holds through its roles, recomputed at every issuance.

const booksAPI = "https://api.bookstore.example"

func onBothDatabases(t *testing.T, test func(t *testing.T, f *fixture)) {
	t.Run("sqlite", func(t *testing.T) { test(t, fixtureOn(t, testenv.Options{})) })
	t.Run("postgres", func(t *testing.T) {
		test(t, fixtureOn(t, testenv.Options{Postgres: storetesting.PostgresDSN(t)}))
	})
}

// fixtureOn is newFixture on a deployment with the given options.
func fixtureOn(t *testing.T, o testenv.Options) *fixture {
	env := testenv.New(t, o)
	f := &fixture{env: env}
	f.web, f.webSecret = env.App(store.AppTraditional, redirect, secondRedirect)
	f.m2m, f.m2mSecret = env.App(store.AppMachineToMachine)
	f.user = env.User(userName, userPassword)
	return f
}

// bookstore is a resource with three permissions and two User roles and one
// MachineToMachine role over them.
type bookstore struct {
	res                  *store.Resource
	reader, writer, robo *store.Role
}

func newBookstore(t *testing.T, f *fixture) bookstore {
	t.Helper()
	ctx := context.Background()
	svc := f.env.D.RBAC
	res, err := svc.CreateResource(ctx, rbac.NewResource{Name: "Bookstore", Indicator: booksAPI})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, name := range []string{"read:books", "write:books", "delete:books"} {
		sc, err := svc.CreateScope(ctx, res.ID, rbac.NewScope{Name: name, Description: "may " + name})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = sc.ID
	}
	role := func(name string, typ store.RoleType, scopes ...string) *store.Role {
		var sids []string
		for _, s := range scopes {
			sids = append(sids, ids[s])
		}
		r, err := svc.CreateRole(ctx, rbac.NewRole{Name: name, Description: name, Type: typ, ScopeIDs: sids})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	return bookstore{res: res,
		reader: role("Reader", store.RoleUser, "read:books"),
		writer: role("Writer", store.RoleUser, "write:books"),
		robo:   role("Robot", store.RoleMachineToMachine, "read:books", "delete:books")}
}

// accessScope checks a token response for a resource and returns its scope
// (the response's, which must equal the JWT's).
func accessScope(t *testing.T, r *response, aud string) string {
	t.Helper()
	if r.StatusCode != 200 {
		t.Fatalf("token: %d %s", r.StatusCode, r.body)
	}
	m := r.json(t)
	tok, _ := m["access_token"].(string)
	header, claims := jwtParts(t, tok)
	if header["typ"] != "at+jwt" || claims["aud"] != aud {
		t.Fatalf("access token header %v claims %v, want an at+jwt for %s", header, claims, aud)
	}
	scope, ok := m["scope"].(string)
	if !ok || claims["scope"] != scope {
		t.Fatalf("response scope %v, token scope %v", m["scope"], claims["scope"])
	}
	return scope
}

// TestRBACUserTokens: a user with role A gets only A's permissions, what
// the user lacks is dropped (not an error), and a role given or taken away
// shows in the next refreshed token; the roles claim follows too.
func TestRBACUserTokens(t *testing.T) { onBothDatabases(t, testRBACUserTokens) }

func testRBACUserTokens(t *testing.T, f *fixture) {
	ctx := context.Background()
	b := newBookstore(t, f)
	svc := f.env.D.RBAC
	if _, err := svc.AddUserRoles(ctx, f.user.ID, []string{b.reader.ID}); err != nil {
		t.Fatal(err)
	}
	v, _ := newVerifier()
	code := f.code(t, f.web, v, func(q url.Values) {
		q.Set("scope", "openid offline_access roles read:books write:books delete:books")
		q.Set("resource", booksAPI)
	})
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
		"code_verifier": {v}, "resource": {booksAPI}}
	r := f.token(t, f.web, f.webSecret, form)
	if got := accessScope(t, r, booksAPI); got != "read:books" {
		t.Errorf("role Reader: scope %q, want read:books only", got)
	}
	m := r.json(t)
	_, idClaims := jwtParts(t, m["id_token"].(string))
	if fmt.Sprint(idClaims["roles"]) != "[Reader]" {
		t.Errorf("ID token roles = %v, want [Reader]", idClaims["roles"])
	}
	rt := m["refresh_token"].(string)

	refresh := func(resource string) *response {
		t.Helper()
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
		if resource != "" {
			form.Set("resource", resource)
		}
		r := f.token(t, f.web, f.webSecret, form)
		if r.StatusCode == 200 {
			rt = r.json(t)["refresh_token"].(string)
		}
		return r
	}
	// A second role: its permission comes with the next refresh.
	if _, err := svc.AddUserRoles(ctx, f.user.ID, []string{b.writer.ID}); err != nil {
		t.Fatal(err)
	}
	if got := accessScope(t, refresh(booksAPI), booksAPI); got != "read:books write:books" {
		t.Errorf("Reader and Writer: scope %q", got)
	}
	// The userinfo token (no resource) and the roles claim.
	r = refresh("")
	at := r.json(t)["access_token"].(string)
	req, _ := http.NewRequest(http.MethodGet, f.env.Issuer+"/me", nil)
	req.Header.Set("Authorization", "Bearer "+at)
	ui := do(t, nil, req)
	if got := fmt.Sprint(ui.json(t)["roles"]); ui.StatusCode != 200 || got != "[Reader Writer]" {
		t.Errorf("userinfo roles: %d %s", ui.StatusCode, ui.body)
	}
	// Taking Reader away: gone from the very next refresh.
	if err := svc.RemoveUserRole(ctx, f.user.ID, b.reader.ID); err != nil {
		t.Fatal(err)
	}
	r = refresh(booksAPI)
	if got := accessScope(t, r, booksAPI); got != "write:books" {
		t.Errorf("after removing Reader: scope %q, want write:books", got)
	}
	_, idClaims = jwtParts(t, r.json(t)["id_token"].(string))
	if fmt.Sprint(idClaims["roles"]) != "[Writer]" {
		t.Errorf("refreshed ID token roles = %v, want [Writer]", idClaims["roles"])
	}
	// No role left: still a token, with an empty scope.
	if err := svc.DeleteRole(ctx, b.writer.ID); err != nil {
		t.Fatal(err)
	}
	if got := accessScope(t, refresh(booksAPI), booksAPI); got != "" {
		t.Errorf("without roles: scope %q, want empty", got)
	}
	// An unknown resource is invalid_target, at the token endpoint and at
	// the authorization endpoint.
	wantOAuthError(t, "refresh for an unknown resource", refresh("https://unknown.example"), 400, "invalid_target")
	b2 := testenv.Browser()
	q := authParams(f.web.ID, "")
	q.Set("resource", "https://unknown.example")
	cb := get(t, b2, f.authURL(q))
	loc, _ := url.Parse(cb.Header.Get("Location"))
	if loc == nil || loc.Query().Get("error") != "invalid_target" {
		t.Errorf("authorization request for an unknown resource: %d, Location %q", cb.StatusCode, cb.Header.Get("Location"))
	}
}

// TestRBACClientCredentials: a machine-to-machine application gets its
// roles' permissions among those it asks for; the default resource serves
// a request naming none; an unknown resource is invalid_target.
func TestRBACClientCredentials(t *testing.T) { onBothDatabases(t, testRBACClientCredentials) }

func testRBACClientCredentials(t *testing.T, f *fixture) {
	ctx := context.Background()
	b := newBookstore(t, f)
	cc := func(resource, scope string) *response {
		t.Helper()
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}
		if resource != "" {
			form.Set("resource", resource)
		}
		return f.token(t, f.m2m, f.m2mSecret, form)
	}
	all := "read:books write:books delete:books"
	if got := accessScope(t, cc(booksAPI, all), booksAPI); got != "" {
		t.Errorf("without roles: scope %q", got)
	}
	if _, err := f.env.D.RBAC.AddApplicationRoles(ctx, f.m2m.ID, []string{b.robo.ID}); err != nil {
		t.Fatal(err)
	}
	if got := accessScope(t, cc(booksAPI, all), booksAPI); got != "read:books delete:books" {
		t.Errorf("role Robot: scope %q, want read:books delete:books", got)
	}
	if got := accessScope(t, cc(booksAPI, "delete:books"), booksAPI); got != "delete:books" {
		t.Errorf("asking for one: scope %q", got)
	}
	wantOAuthError(t, "unknown resource", cc("https://unknown.example", all), 400, "invalid_target")
	// A User role cannot be given to an application.
	if _, err := f.env.D.RBAC.AddApplicationRoles(ctx, f.m2m.ID, []string{b.reader.ID}); err == nil {
		t.Error("a User role was given to an application")
	}
	// The default resource, when the request names none.
	if _, err := f.env.D.RBAC.SetDefaultResource(ctx, b.res.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := accessScope(t, cc("", "read:books"), booksAPI); got != "read:books" {
		t.Errorf("default resource: scope %q", got)
	}
	if err := f.env.D.RBAC.RemoveApplicationRole(ctx, f.m2m.ID, b.robo.ID); err != nil {
		t.Fatal(err)
	}
	if got := accessScope(t, cc(booksAPI, all), booksAPI); got != "" {
		t.Errorf("role taken away: scope %q", got)
	}
}

// TestRBACDefaultResourceAtAuthorization: an authorization request naming
// no resource is for the default one, so its permissions can be asked
// for without RFC 8707 (Logto's default API).
func TestRBACDefaultResourceAtAuthorization(t *testing.T) {
	f := fixtureOn(t, testenv.Options{})
	ctx := context.Background()
	b := newBookstore(t, f)
	if _, err := f.env.D.RBAC.SetDefaultResource(ctx, b.res.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.D.RBAC.AddUserRoles(ctx, f.user.ID, []string{b.writer.ID}); err != nil {
		t.Fatal(err)
	}
	v, _ := newVerifier()
	code := f.code(t, f.web, v, func(q url.Values) { q.Set("scope", "openid write:books read:books") })
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
		"code_verifier": {v}, "resource": {booksAPI}}
	if got := accessScope(t, f.token(t, f.web, f.webSecret, form), booksAPI); got != "write:books" {
		t.Errorf("scope %q, want write:books", got)
	}
}
