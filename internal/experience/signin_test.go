package experience_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/store"
)

func TestSignInForm(t *testing.T) {
	for _, tc := range []struct {
		name        string
		interaction bool
		wantValue   string
		wantApp     bool
	}{
		{"during an authorization request", true, `value="alice"`, true},
		{"opened directly", false, `value=""`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			b := e.browser()
			if tc.interaction {
				b.startInteraction(interaction.Request{Scopes: []string{"openid"}, LoginHint: "alice"})
			}
			r := b.get("/sign-in")
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d", r.StatusCode)
			}
			if n := strings.Count(r.body, "<form"); n != 1 {
				t.Errorf("%d forms, want identifier and password in ONE form", n)
			}
			form := r.body[strings.Index(r.body, "<form"):strings.Index(r.body, "</form>")]
			for _, want := range []string{`name="identifier"`, `name="password"`, `type="password"`, `name="csrf_token"`, `>Sign in</button>`} {
				if !strings.Contains(form, want) {
					t.Errorf("form lacks %s", want)
				}
			}
			if !strings.Contains(r.body, `<label for="identifier">Username or email</label>`) ||
				!strings.Contains(r.body, `<label for="password">`) {
				t.Error("inputs are not labelled")
			}
			if !strings.Contains(r.body, `id="identifier" name="identifier" type="text" `+tc.wantValue) {
				t.Errorf("identifier not prefilled with %s", tc.wantValue)
			}
			if got := strings.Contains(r.body, "Photo Album"); got != tc.wantApp {
				t.Errorf("application name shown = %v, want %v", got, tc.wantApp)
			}
			if !strings.Contains(r.body, `href="/register">Create account</a>`) {
				t.Error("no Create account link")
			}
			if alert(r.body) != "" {
				t.Errorf("alert on a fresh form: %q", alert(r.body))
			}
			csp := r.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %s", csp, want)
				}
			}
			// The POST ends in a redirect to the client, which form-action
			// also governs.
			if got := strings.Contains(csp, "https://album.example"); got != tc.interaction {
				t.Errorf("CSP %q: client origin allowed = %v, want %v", csp, got, tc.interaction)
			}
			for h, want := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
				"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
				if got := r.Header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
		})
	}
}

func TestSignIn(t *testing.T) {
	for _, tc := range []struct {
		name        string
		base        string
		interaction bool
		identifier  string
		wantTo      string
	}{
		{"username, resumes the authorization", "", true, "alice", "/oidc/auth/resume"},
		{"email, under a base path", "/auth", true, "Alice@Example.com", "/auth/oidc/auth/resume"},
		{"no interaction", "", false, "alice", "/signed-in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, tc.base)
			b := e.browser()
			var it *interaction.Interaction
			if tc.interaction {
				it = b.startInteraction(interaction.Request{Scopes: []string{"openid"}})
			}
			// A session id planted before sign-in (session fixation).
			planted := httptest.NewRecorder()
			if _, err := e.pages.Sessions.Start(ctx, planted, httptest.NewRequest("GET", "/", nil), e.alice.ID, e.alice.CreatedAt, nil); err != nil {
				t.Fatal(err)
			}
			b.keep(planted.Result().Cookies())
			old := b.cookies["monban_session"]

			r := b.post("/sign-in", url.Values{"identifier": {tc.identifier}, "password": {alicePassword}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != tc.wantTo {
				t.Fatalf("got %d to %q, want 303 to %q\n%s", r.StatusCode, r.Header.Get("Location"), tc.wantTo, r.body)
			}
			var fresh *http.Cookie
			for _, c := range r.Cookies() {
				if c.Name == "monban_session" {
					fresh = c
				}
			}
			if fresh == nil || fresh.Value == "" || fresh.Value == old {
				t.Fatalf("no NEW session cookie: %+v", fresh)
			}
			if !fresh.HttpOnly || fresh.SameSite != http.SameSiteLaxMode || fresh.Path != tc.base+"/" {
				t.Errorf("session cookie attributes: %+v", fresh)
			}
			if _, err := e.st.GetSession(ctx, id.Hash(old)); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("planted session still stored: %v", err)
			}
			se, err := e.pages.Sessions.Current(ctx, cookieRequest("monban_session", fresh.Value))
			if err != nil || se.UserID != e.alice.ID {
				t.Errorf("new session: %+v, %v", se, err)
			}
			if it != nil {
				if rec := e.interaction(it); rec.UserID != e.alice.ID || rec.LoginAt == nil {
					t.Errorf("interaction not completed: %+v", rec)
				}
			}
			if strings.Contains(e.logs.String(), alicePassword) {
				t.Error("the password was logged")
			}
			if !tc.interaction {
				if r := b.get("/signed-in"); !strings.Contains(r.body, "You are signed in as <strong>alice</strong>") {
					t.Errorf("signed-in page:\n%s", r.body)
				}
			}
		})
	}
}

func cookieRequest(name, value string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: name, Value: value})
	return r
}

// Unknown user and wrong password read the same (spec/security.md item 19).
func TestSignInRefused(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	suspended, err := e.pages.Accounts.CreateUser(ctx, accountUser("mallory"))
	if err != nil {
		t.Fatal(err)
	}
	suspended.IsSuspended = true
	if err := e.st.UpdateUser(ctx, suspended); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, identifier, password string
		status                     int
		alert                      string
	}{
		{"wrong password", "alice", "not the password", http.StatusBadRequest, "Incorrect username/email or password."},
		{"unknown user", "nobody", alicePassword, http.StatusBadRequest, "Incorrect username/email or password."},
		{"unknown email", "nobody@example.com", alicePassword, http.StatusBadRequest, "Incorrect username/email or password."},
		{"empty", "", "", http.StatusBadRequest, "Incorrect username/email or password."},
		{"suspended", "mallory", alicePassword, http.StatusForbidden, "This account is suspended."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := e.browser()
			it := b.startInteraction(interaction.Request{Scopes: []string{"openid"}})
			r := b.post("/sign-in", url.Values{"identifier": {tc.identifier}, "password": {tc.password}})
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", r.StatusCode, tc.status)
			}
			if got := alert(r.body); got != tc.alert {
				t.Errorf("alert %q, want %q", got, tc.alert)
			}
			if !strings.Contains(r.body, `name="identifier" type="text" value="`+tc.identifier+`"`) {
				t.Error("typed identifier not kept")
			}
			if tc.password != "" && strings.Contains(r.body, tc.password) {
				t.Error("password echoed into the page")
			}
			if _, ok := b.cookies["monban_session"]; ok {
				t.Error("a session was started")
			}
			if rec := e.interaction(it); rec.UserID != "" {
				t.Errorf("interaction completed: %+v", rec)
			}
			if r.Header.Get("Content-Security-Policy") == "" {
				t.Error("no CSP on the error form")
			}
		})
	}
}
