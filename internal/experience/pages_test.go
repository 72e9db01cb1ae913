package experience_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/interaction"
)

var (
	linkRE  = regexp.MustCompile(`(?:href|action|src)="([^"]*)"`)
	inputRE = regexp.MustCompile(`<input\s(?:[^>]*\s)?id="([^"]+)"`)
)

// Under a base path every link, form action and stylesheet carries it, and
// every page meets the layout's accessibility basics.
func TestPagesUnderBasePath(t *testing.T) {
	for _, base := range []string{"", "/auth"} {
		e := newEnv(t, base)
		b := e.browser()
		b.startInteraction(consentRequest)
		pages := map[string]*response{
			"sign-in":         b.get("/sign-in"),
			"register":        b.get("/register"),
			"refused":         b.post("/sign-in", url.Values{"identifier": {"alice"}, "password": {"wrong password"}}),
			"register errors": b.post("/register", url.Values{"username": {"alice"}, "password": {"x"}}),
		}
		b.signIn()
		pages["consent"] = b.get("/consent")
		pages["signed-in"] = b.get("/signed-in")
		pages["forbidden"] = b.do(http.MethodPost, "/consent", url.Values{"decision": {"allow"}}, nil)
		for name, r := range pages {
			links := linkRE.FindAllStringSubmatch(r.body, -1)
			if len(links) == 0 {
				t.Errorf("%s %q: no links at all", name, base)
			}
			for _, m := range links {
				if m[1] != "data:," && !strings.HasPrefix(m[1], base+"/") {
					t.Errorf("%s under %q: link %q lacks the base path", name, base, m[1])
				}
			}
			if !strings.Contains(r.body, `href="`+base+`/static/monban.css"`) {
				t.Errorf("%s under %q: no stylesheet", name, base)
			}
			if !strings.Contains(r.body, `<html lang="en">`) || !strings.Contains(r.body, `name="viewport"`) {
				t.Errorf("%s: no lang or viewport", name)
			}
			inputs := inputRE.FindAllStringSubmatch(r.body, -1)
			if strings.Contains(r.body, `type="password"`) && len(inputs) < 2 {
				t.Errorf("%s: form inputs not found (%d)", name, len(inputs))
			}
			for _, m := range inputs {
				if !strings.Contains(r.body, `<label for="`+m[1]+`">`) {
					t.Errorf("%s: input %q has no label", name, m[1])
				}
			}
			if r.Header.Get("Content-Security-Policy") == "" || r.Header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s: security headers missing", name)
			}
		}
		if r := b.get("/static/monban.css"); r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
			t.Errorf("stylesheet under %q: %d %s", base, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
}

// A consent given by one account does not carry over when another account
// signs in during the same interaction.
func TestSignInAsAnotherUserResetsConsent(t *testing.T) {
	e := newEnv(t, "")
	if _, err := e.pages.Accounts.CreateUser(t.Context(), accountUser("bob")); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	it := b.startInteraction(interaction.Request{Scopes: []string{"openid"}})
	b.signIn()
	if r := b.post("/consent", url.Values{"decision": {"allow"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("consent: %d", r.StatusCode)
	}
	if r := b.post("/sign-in", url.Values{"identifier": {"bob"}, "password": {alicePassword}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as bob: %d", r.StatusCode)
	}
	if rec := e.interaction(it); rec.Consented || rec.UserID == e.alice.ID {
		t.Errorf("interaction after bob signed in: %+v", rec)
	}
}
