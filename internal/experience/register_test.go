package experience_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/interaction"
)

func TestRegister(t *testing.T) {
	for _, tc := range []struct {
		name        string
		interaction bool
		email       string
		wantTo      string
	}{
		{"during an authorization request", true, "new@example.com", "/oidc/auth/resume"},
		{"opened directly, no email", false, "", "/signed-in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, "")
			b := e.browser()
			var it *interaction.Interaction
			if tc.interaction {
				it = b.startInteraction(interaction.Request{Scopes: []string{"openid"}, FirstScreen: "register"})
			}
			r := b.post("/register", url.Values{"username": {"newcomer"}, "email": {tc.email}, "password": {"a long passphrase"}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != tc.wantTo {
				t.Fatalf("got %d to %q, want 303 to %q\n%s", r.StatusCode, r.Header.Get("Location"), tc.wantTo, r.body)
			}
			u, err := e.st.GetUserByUsername(ctx, "newcomer")
			if err != nil || u.PrimaryEmail != tc.email {
				t.Fatalf("user not created as typed: %+v, %v", u, err)
			}
			se, err := e.pages.Sessions.Current(ctx, cookieRequest("monban_session", b.cookies["monban_session"]))
			if err != nil || se.UserID != u.ID {
				t.Errorf("not signed in as the new user: %+v, %v", se, err)
			}
			if it != nil && e.interaction(it).UserID != u.ID {
				t.Error("interaction not completed")
			}
			if strings.Contains(e.logs.String(), "a long passphrase") {
				t.Error("the password was logged")
			}
		})
	}
}

func TestRegisterFieldErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		form   url.Values
		field  string // the input the error is shown next to
		inline string
	}{
		{"username taken", url.Values{"username": {"ALICE"}, "email": {"other@example.com"}, "password": {"a long passphrase"}},
			"username", "This username is already in use."},
		{"email taken", url.Values{"username": {"bob"}, "email": {"alice@example.com"}, "password": {"a long passphrase"}},
			"email", "This email is already in use."},
		{"bad username", url.Values{"username": {"9lives"}, "email": {""}, "password": {"a long passphrase"}},
			"username", "Must start with a letter"},
		{"short password", url.Values{"username": {"bob"}, "email": {""}, "password": {"short"}},
			"password", "Must be at least 8 characters."},
		{"no username", url.Values{"username": {""}, "email": {"bob@example.com"}, "password": {"a long passphrase"}},
			"username", "Enter a username."},
		{"no password", url.Values{"username": {"bob"}, "email": {""}, "password": {""}},
			"password", "Enter a password."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			b := e.browser()
			b.startInteraction(interaction.Request{Scopes: []string{"openid"}})
			r := b.post("/register", tc.form)
			if r.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", r.StatusCode)
			}
			// Next to the input, and the input points at it.
			if !strings.Contains(r.body, `<p class="field-error" id="`+tc.field+`-error">`+tc.inline) {
				t.Errorf("no inline error %q for %s in\n%s", tc.inline, tc.field, r.body)
			}
			if !strings.Contains(r.body, `aria-invalid="true"`) {
				t.Error("input not marked invalid")
			}
			// And in the summary that screen readers announce.
			want := strings.ToLower(strings.TrimSuffix(tc.inline, "."))
			if a := alert(r.body); !strings.Contains(strings.ToLower(a), want) {
				t.Errorf("role=alert summary %q lacks %q", a, want)
			}
			if !strings.Contains(r.body, `name="username" type="text" value="`+tc.form.Get("username")+`"`) ||
				!strings.Contains(r.body, `name="email" type="email" value="`+tc.form.Get("email")+`"`) {
				t.Error("typed values not kept")
			}
			if pw := tc.form.Get("password"); pw != "" && strings.Contains(r.body, pw) {
				t.Error("password echoed into the page")
			}
			if e.userCount() != 1 {
				t.Error("a user was created")
			}
			if _, ok := b.cookies["monban_session"]; ok {
				t.Error("a session was started")
			}
		})
	}
}

func TestRegisterForm(t *testing.T) {
	e := newEnv(t, "")
	b := e.browser()
	b.startInteraction(interaction.Request{Scopes: []string{"openid"}, LoginHint: "new@example.com"})
	r := b.get("/register")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	for _, want := range []string{`<label for="username">`, `<label for="email">`, `<label for="password">`,
		`name="email" type="email" value="new@example.com"`, `autocomplete="new-password"`, `href="/sign-in">Sign in</a>`,
		`>Create account</button>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("register page lacks %s", want)
		}
	}
}
