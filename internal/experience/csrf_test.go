package experience_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"github.com/monban-dev/monban/internal/experience"
	"github.com/monban-dev/monban/internal/interaction"
)

// Every POST checks origin and token before it does anything
// (spec/security.md item 13): a forged request gets 403 and writes nothing.
func TestCSRF(t *testing.T) {
	forms := map[string]url.Values{
		"/sign-in":  {"identifier": {"alice"}, "password": {alicePassword}},
		"/register": {"username": {"newcomer"}, "password": {"long enough pw"}},
		"/consent":  {"decision": {"allow"}},
	}
	for _, tc := range []struct {
		name   string
		token  func(b, other *browser, path string) string
		header http.Header
	}{
		{"missing token", func(b, _ *browser, _ string) string { return "" }, nil},
		{"wrong token", func(b, _ *browser, _ string) string { return "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, nil},
		{"another browser's token", func(_, other *browser, _ string) string { return other.token("/sign-in") }, nil},
		{"cross-site Sec-Fetch-Site", func(b, _ *browser, path string) string { return b.token(path) },
			http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"same-site but cross-origin", func(b, _ *browser, path string) string { return b.token(path) },
			http.Header{"Sec-Fetch-Site": {"same-site"}}},
		{"foreign Origin, no Sec-Fetch-Site", func(b, _ *browser, path string) string { return b.token(path) },
			http.Header{"Sec-Fetch-Site": {""}, "Origin": {"https://evil.example"}}},
	} {
		for path, fields := range forms {
			t.Run(tc.name+" "+path, func(t *testing.T) {
				e := newEnv(t, "")
				b, other := e.browser(), e.browser()
				it := b.startInteraction(interaction.Request{Scopes: []string{"openid", "profile"}})
				other.startInteraction(interaction.Request{Scopes: []string{"openid"}})
				if path == "/consent" {
					b.signIn()
				}
				before := e.interaction(it)
				session := b.cookies["monban_session"]

				form := url.Values{}
				for k, v := range fields {
					form[k] = v
				}
				if tok := tc.token(b, other, path); tok != "" {
					form.Set("csrf_token", tok)
				}
				r := b.do(http.MethodPost, path, form, tc.header)
				if r.StatusCode != http.StatusForbidden {
					t.Fatalf("status %d, want 403\n%s", r.StatusCode, r.body)
				}
				if r.Header.Get("Location") != "" {
					t.Errorf("redirected to %q", r.Header.Get("Location"))
				}
				if e.userCount() != 1 {
					t.Error("a user was created")
				}
				if b.cookies["monban_session"] != session {
					t.Error("the session changed")
				}
				after := e.interaction(it)
				if after.UserID != before.UserID || after.Consented != before.Consented || after.Version != before.Version {
					t.Errorf("interaction changed: %+v -> %+v", before, after)
				}
			})
		}
	}
}

// The same browser's token works without an interaction too, bound to the
// monban_csrf cookie, which is HttpOnly and SameSite=Lax.
func TestCSRFCookie(t *testing.T) {
	e := newEnv(t, "/auth")
	b := e.browser()
	r := b.get("/sign-in")
	var c *http.Cookie
	for _, k := range r.Cookies() {
		if k.Name == experience.CSRFCookie {
			c = k
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/auth/" {
		t.Fatalf("csrf cookie: %+v", c)
	}
	// A second page load keeps the cookie, so two open tabs both work.
	tok := b.token("/register")
	if b.cookies[experience.CSRFCookie] != c.Value {
		t.Error("csrf cookie replaced on the next page")
	}
	if r := b.do(http.MethodPost, "/sign-in", url.Values{"identifier": {"alice"}, "password": {alicePassword}, "csrf_token": {tok}}, nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("status %d, want 303", r.StatusCode)
	}
}

func TestRoutesRefusesShortKey(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Routes accepted a 16-byte CSRF key")
		}
	}()
	p := &experience.Pages{CSRFKey: bytes.Repeat([]byte("k"), 16)}
	p.Routes(http.NewServeMux())
}
