package experience_test

import (
	"html"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/i18n"
)

// TestSignInLockout (spec/security.md items 18 and 19): after six wrong
// passwords the seventh attempt is refused with 429 and the lockout message
// even with the right password; unknown identifiers are locked the same
// way. Once the wait is over the right password works and clears the
// counter.
func TestSignInLockout(t *testing.T) {
	en := i18n.For("en")
	for _, tc := range []struct {
		name       string
		identifier string
		known      bool
	}{
		{"known user", "alice", true},
		{"unknown identifier", "nobody", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			now := time.Now()
			e.pages.Accounts.Now = func() time.Time { return now }
			b := e.browser()
			signIn := func(pw string) *response {
				t.Helper()
				return b.post("/sign-in", url.Values{"identifier": {tc.identifier}, "password": {pw}})
			}
			for i := range 6 {
				r := signIn("wrong password")
				if r.StatusCode != http.StatusBadRequest || html.UnescapeString(alert(r.body)) != en.T("error.invalid_credentials") {
					t.Fatalf("wrong password %d: %d %q", i+1, r.StatusCode, alert(r.body))
				}
			}
			r := signIn(alicePassword)
			// The first lockouts last seconds, and the page says so.
			want := en.T("error.locked_wait", "wait", en.T("time.seconds", "n", 1))
			if r.StatusCode != http.StatusTooManyRequests || html.UnescapeString(alert(r.body)) != want ||
				r.Header.Get("Retry-After") != "1" {
				t.Fatalf("right password while locked: %d, Retry-After %q, alert %q; want 429, 1, %q",
					r.StatusCode, r.Header.Get("Retry-After"), alert(r.body), want)
			}
			if _, ok := b.cookies["monban_session"]; ok {
				t.Fatal("a session was started while locked")
			}

			now = now.Add(time.Second)
			r = signIn(alicePassword)
			if !tc.known {
				if r.StatusCode != http.StatusBadRequest {
					t.Fatalf("unknown identifier after the wait: %d %q", r.StatusCode, alert(r.body))
				}
				return
			}
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("right password after the wait: %d %q", r.StatusCode, alert(r.body))
			}
			// The success cleared the counter: five failures are free again.
			for i := range 5 {
				if r := signIn("wrong password"); r.StatusCode != http.StatusBadRequest {
					t.Fatalf("wrong password %d after the success: %d %q", i+1, r.StatusCode, alert(r.body))
				}
			}
			if r := signIn(alicePassword); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("right password after five failures: %d %q", r.StatusCode, alert(r.body))
			}
		})
	}
}
