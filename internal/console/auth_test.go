package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/store"
)

// consolePages are the console's GET pages; none may be shown without a
// session.
var consolePages = []string{"/console", "/console/get-started", "/console/dashboard", "/console/applications",
	"/console/applications/new", "/console/applications/new?framework=flask", "/console/connectors",
	"/console/sign-in-experience", "/console/sign-in-experience/preview", "/console/users",
	"/console/api-resources", "/console/roles", "/console/audit-logs", "/console/users/new",
	"/console/api-resources/new", "/console/roles/new"}

func TestAnonymousIsSentToSignIn(t *testing.T) {
	env := deployment(t, false)
	b := newBrowser(t, env)
	for _, p := range consolePages {
		got := b.get(p)
		if got.status != http.StatusSeeOther || got.header.Get("Location") != "/console/setup" {
			t.Errorf("no admin yet: GET %s = %d %q, want 303 to /console/setup", p, got.status, got.header.Get("Location"))
		}
	}
	admin(t, env, "root")
	for _, p := range consolePages {
		got := b.get(p)
		if got.status != http.StatusSeeOther || got.header.Get("Location") != "/console/sign-in" {
			t.Errorf("GET %s = %d %q, want 303 to /console/sign-in", p, got.status, got.header.Get("Location"))
		}
		if strings.Contains(got.body, "Applications") {
			t.Errorf("GET %s leaks content", p)
		}
	}
	// A forged cookie is no session.
	u, _ := url.Parse(env.Endpoint + "/console/")
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "monban_console", Value: "forged"}})
	if got := b.get("/console/applications"); got.status != http.StatusSeeOther {
		t.Errorf("forged cookie: %d", got.status)
	}
}

func TestSignInAndNavigation(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		env := deployment(t, pg)
		admin(t, env, "root")
		b := newBrowser(t, env)

		// Wrong password and unknown user: one message, typed identifier kept.
		for _, who := range []string{"root", "nobody"} {
			p := b.submit("/console/sign-in", "/console/sign-in", url.Values{"identifier": {who}, "password": {"wrong password"}})
			if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "The username, email or password is wrong.") ||
				!strings.Contains(p.body, `value="`+who+`"`) {
				t.Errorf("%s with a wrong password: %d\n%s", who, p.status, p.body)
			}
		}
		// A user who is not an admin is refused even with the right password.
		env.User("alice", adminPassword)
		p := b.submit("/console/sign-in", "/console/sign-in", url.Values{"identifier": {"alice"}, "password": {adminPassword}})
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "no access to the console") {
			t.Errorf("non-admin: %d", p.status)
		}

		b.signIn("root")
		var session *http.Cookie
		u, _ := url.Parse(env.Endpoint + "/console/")
		for _, c := range b.c.Jar.Cookies(u) {
			if c.Name == "monban_console" {
				session = c
			}
		}
		if session == nil {
			t.Fatal("no monban_console cookie")
		}
		home := b.get("/console/get-started")
		if home.status != 200 {
			t.Fatalf("get-started: %d", home.status)
		}
		for _, want := range []string{">Applications</a>", ">Connectors</a>", ">Sign-in experience</a>", ">Users</a>",
			">API resources</a>", ">Roles</a>", ">Audit logs</a>", "Flask"} {
			if !strings.Contains(home.body, want) {
				t.Errorf("get-started lacks %q", want)
			}
		}
		csp := home.header.Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "script-src 'self'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		for h, want := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
			"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
			if got := home.header.Get(h); got != want {
				t.Errorf("%s = %q", h, got)
			}
		}
		for _, p := range consolePages[1:] {
			if got := b.get(p); got.status != 200 {
				t.Errorf("signed in: GET %s = %d", p, got.status)
			}
		}

		// Japanese: the switcher keeps the choice.
		p = b.post("/console/language", url.Values{"csrf_token": {b.csrf("/console/applications")}, "lang": {"ja"}, "back": {"/console/applications"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/console/applications" {
			t.Fatalf("language: %d %q", p.status, p.header.Get("Location"))
		}
		ja := b.get("/console/applications")
		for _, want := range []string{`<html lang="ja">`, ">アプリケーション</a>", ">コネクター</a>", ">サインイン体験</a>", ">ユーザー</a>",
			">API リソース</a>", ">ロール</a>", ">監査ログ</a>"} {
			if !strings.Contains(ja.body, want) {
				t.Errorf("Japanese page lacks %q", want)
			}
		}
		// An off-site "back" goes to the console instead.
		p = b.post("/console/language", url.Values{"csrf_token": {b.csrf("/console/applications")}, "lang": {"en"}, "back": {"//evil.example/x"}})
		if p.header.Get("Location") != "/console" {
			t.Errorf("back to %q", p.header.Get("Location"))
		}

		// Sign-out deletes the session: the old cookie is worthless.
		p = b.post("/console/sign-out", url.Values{"csrf_token": {b.csrf("/console/get-started")}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/console/sign-in") {
			t.Fatalf("sign-out: %d %q", p.status, p.header.Get("Location"))
		}
		replay := newBrowser(t, env)
		replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: "monban_console", Value: session.Value}})
		if got := replay.get("/console/get-started"); got.status != http.StatusSeeOther {
			t.Errorf("old session cookie after sign-out: %d", got.status)
		}
	})
}

func TestSessionCookieAndFixation(t *testing.T) {
	env := deployment(t, false)
	admin(t, env, "root")
	b := newBrowser(t, env)
	u, _ := url.Parse(env.Endpoint + "/console/")
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "monban_console", Value: "planted-by-attacker"}})
	form := url.Values{"identifier": {"root"}, "password": {adminPassword}, "csrf_token": {b.csrf("/console/sign-in")}}
	p := b.post("/console/sign-in", form)
	var set string
	for _, c := range p.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "monban_console=") && !strings.HasPrefix(c, "monban_console=;") {
			set = c
		}
	}
	for _, want := range []string{"Path=/console", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(set, want) {
			t.Errorf("session cookie %q lacks %s", set, want)
		}
	}
	if strings.Contains(set, "planted-by-attacker") || set == "" {
		t.Errorf("session id not renewed at sign-in: %q", set)
	}
	// The hosted pages' session cookie with the console's value finds no
	// session, and the console cookie is not a hosted-pages session.
	val := strings.TrimPrefix(strings.SplitN(set, ";", 2)[0], "monban_console=")
	req, _ := http.NewRequest("GET", "/", nil)
	req.AddCookie(&http.Cookie{Name: "monban_session", Value: val})
	if _, err := env.D.Sessions.Current(context.Background(), req); err == nil {
		t.Error("the console session is usable as a hosted-pages session")
	}
}

func TestSuspendedOrDemotedAdminIsOut(t *testing.T) {
	env, b := signedIn(t, false)
	u, err := env.D.Store.GetUserByUsername(context.Background(), "root")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.D.Accounts.SetSuspended(context.Background(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := b.get("/console/applications"); got.status != http.StatusSeeOther {
		t.Errorf("suspended admin: %d", got.status)
	}
}

// TestStateChangeNeedsCSRF: a POST without the session's token, with
// another session's token, or from another origin gets 403 and changes
// nothing.
func TestStateChangeNeedsCSRF(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		env, b := signedIn(t, pg)
		other := newBrowser(t, env)
		other.signIn("root")
		foreign := other.csrf("/console/get-started")
		good := b.csrf("/console/applications/new?framework=flask")
		create := func(token string) url.Values {
			return url.Values{"csrf_token": {token}, "framework": {"flask"}, "name": {"Forged"},
				"redirectUris": {"http://localhost:3000/callback"}}
		}
		for name, form := range map[string]url.Values{"none": create(""), "other session's": create(foreign)} {
			if p := b.post("/console/applications", form); p.status != http.StatusForbidden {
				t.Errorf("%s token: %d", name, p.status)
			}
		}
		req, _ := http.NewRequest("POST", env.Endpoint+"/console/applications", strings.NewReader(create(good).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if p := b.do(req); p.status != http.StatusForbidden {
			t.Errorf("cross-origin: %d", p.status)
		}
		// Sign-out without a token does not sign out.
		if p := b.post("/console/sign-out", url.Values{}); p.status != http.StatusForbidden {
			t.Errorf("sign-out without token: %d", p.status)
		}
		if got := b.get("/console/get-started"); got.status != 200 {
			t.Errorf("signed out by a forged POST: %d", got.status)
		}
		// Anonymous POSTs too.
		anon := newBrowser(t, env)
		if p := anon.post("/console/sign-in", url.Values{"identifier": {"root"}, "password": {adminPassword}}); p.status != http.StatusForbidden {
			t.Errorf("sign-in without token: %d", p.status)
		}
		apps, _, err := env.D.Store.ListApplications(context.Background(), store.Page{})
		if err != nil || len(apps) != 0 {
			t.Errorf("applications after refused POSTs: %d %v", len(apps), err)
		}
	})
}

func TestSetup(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		env := deployment(t, pg)
		b := newBrowser(t, env)
		if p := b.get("/console/sign-in"); p.header.Get("Location") != "/console/setup" {
			t.Errorf("sign-in without admins: %d %q", p.status, p.header.Get("Location"))
		}
		// Bad input: each field named, typed values kept, passwords not.
		p := b.submit("/console/setup", "/console/setup", url.Values{"username": {"9lives"}, "email": {"not-an-email"},
			"password": {"short"}, "confirm": {"short"}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("bad set-up: %d", p.status)
		}
		for _, want := range []string{`id="username-error"`, `id="email-error"`, `id="password-error"`, `value="9lives"`,
			`value="not-an-email"`, "Username:", "Email:", "Password:"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("bad set-up page lacks %q", want)
			}
		}
		if strings.Contains(p.body, `value="short"`) {
			t.Error("the password is echoed back")
		}
		p = b.submit("/console/setup", "/console/setup", url.Values{"username": {"root"}, "password": {adminPassword}, "confirm": {"other password"}})
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="confirm-error"`) {
			t.Errorf("mismatched confirmation: %d", p.status)
		}
		if n, _ := env.D.Store.CountAdmins(context.Background()); n != 0 {
			t.Fatalf("%d admins after refused set-ups", n)
		}

		p = b.submit("/console/setup", "/console/setup", url.Values{"username": {"root"}, "password": {adminPassword}, "confirm": {adminPassword}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/console/get-started") {
			t.Fatalf("set-up: %d %q\n%s", p.status, p.header.Get("Location"), p.body)
		}
		if got := b.get(p.header.Get("Location")); got.status != 200 || !strings.Contains(got.body, "Your administrator account is ready.") {
			t.Errorf("after set-up: %d", got.status)
		}
		// Closed once an admin exists.
		other := newBrowser(t, env)
		if got := other.get("/console/setup"); got.header.Get("Location") != "/console/sign-in" {
			t.Errorf("set-up page with an admin: %d %q", got.status, got.header.Get("Location"))
		}
		tok := other.csrf("/console/sign-in")
		p = other.post("/console/setup", url.Values{"csrf_token": {tok}, "username": {"mallory"}, "password": {adminPassword}, "confirm": {adminPassword}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/console/sign-in" {
			t.Errorf("second set-up: %d %q", p.status, p.header.Get("Location"))
		}
		if _, err := env.D.Store.GetUserByUsername(context.Background(), "mallory"); err == nil {
			t.Error("a second set-up created a user")
		}
	})
}

// TestSetupRace: concurrent first-admin set-ups create exactly one admin.
func TestSetupRace(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		env := deployment(t, pg)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = env.D.Accounts.CreateFirstAdmin(context.Background(), account.NewUser{
					Username: "admin" + string(rune('a'+i)), Password: adminPassword})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case err != account.ErrAdminExists:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if c, _ := env.D.Store.CountAdmins(context.Background()); won != 1 || c != 1 {
			t.Errorf("%d set-ups won, %d admins; want 1 and 1", won, c)
		}
	})
}
