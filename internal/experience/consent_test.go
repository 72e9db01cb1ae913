package experience_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/store"
)

var consentRequest = interaction.Request{
	Scopes:    []string{"openid", "profile", "email", "offline_access", "profile", "read:photos"},
	Resources: []string{"https://api.album.example"},
}

func TestConsentForm(t *testing.T) {
	e := newEnv(t, "")
	b := e.browser()
	b.startInteraction(consentRequest)
	b.signIn()
	r := b.get("/consent")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", r.StatusCode, r.body)
	}
	for _, want := range []string{
		"<strong>Photo Album</strong> is asking to:",
		"<li>See your email address</li>",
		"<li>Keep access when you are not using the app</li>",
		"<li>read:photos</li>", // unknown scopes shown raw
		"<code>https://api.album.example</code>",
		"Signed in as <strong>alice</strong>",
		`<button type="submit" name="decision" value="allow">Authorize</button>`,
		`name="decision" value="deny" class="secondary">Cancel</button>`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("consent page lacks %s", want)
		}
	}
	if n := strings.Count(r.body, "See your basic profile"); n != 1 {
		t.Errorf("profile listed %d times, want once", n)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
}

func TestConsent(t *testing.T) {
	for _, tc := range []struct {
		decision  string
		wantTo    string
		consented bool
	}{
		{"allow", "/auth/oidc/auth/resume", true},
		{"deny", "/auth/oidc/auth/resume?error=access_denied", false},
	} {
		t.Run(tc.decision, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, "/auth")
			b := e.browser()
			it := b.startInteraction(consentRequest)
			b.signIn()
			r := b.post("/consent", url.Values{"decision": {tc.decision}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != tc.wantTo {
				t.Fatalf("got %d to %q, want 303 to %q\n%s", r.StatusCode, r.Header.Get("Location"), tc.wantTo, r.body)
			}
			if got := e.interaction(it).Consented; got != tc.consented {
				t.Errorf("interaction consented = %v, want %v", got, tc.consented)
			}
			c, err := e.st.GetConsent(ctx, e.alice.ID, e.app.ID)
			switch {
			case tc.consented && (err != nil || len(c.Scopes) == 0):
				t.Errorf("consent not stored: %+v, %v", c, err)
			case !tc.consented && !errors.Is(err, store.ErrNotFound):
				t.Errorf("consent stored on deny: %+v, %v", c, err)
			}
		})
	}
}

// Consent needs an interaction in which this browser's signed-in user
// signed in; anything else is 400 "No sign-in in progress".
func TestConsentWithoutSignIn(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(e *env, b *browser)
	}{
		{"no interaction", func(e *env, b *browser) { b.signIn() }},
		{"nobody signed in yet", func(e *env, b *browser) { b.startInteraction(consentRequest) }},
		{"session of another user", func(e *env, b *browser) {
			b.startInteraction(consentRequest)
			b.signIn()
			other := e.browser()
			if _, err := e.pages.Accounts.CreateUser(context.Background(), accountUser("bob")); err != nil {
				e.t.Fatal(err)
			}
			r := other.post("/sign-in", url.Values{"identifier": {"bob"}, "password": {alicePassword}})
			if r.StatusCode != http.StatusSeeOther {
				e.t.Fatal(r.StatusCode)
			}
			b.cookies["monban_session"] = other.cookies["monban_session"]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			b := e.browser()
			tc.setup(e, b)
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				form := url.Values(nil)
				if method == http.MethodPost {
					form = url.Values{"decision": {"allow"}, "csrf_token": {b.token("/sign-in")}}
				}
				r := b.do(method, "/consent", form, nil)
				if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "No sign-in in progress") {
					t.Errorf("%s: status %d\n%s", method, r.StatusCode, r.body)
				}
				if r.Header.Get("Location") != "" {
					t.Errorf("%s: redirected", method)
				}
			}
			if _, err := e.st.GetConsent(context.Background(), e.alice.ID, e.app.ID); !errors.Is(err, store.ErrNotFound) {
				t.Error("consent stored")
			}
		})
	}
}
