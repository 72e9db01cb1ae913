package experience_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/experience"
	"github.com/monban-dev/monban/internal/interaction"
)

// fakeSocial offers Patreon and GitHub.
type fakeSocial struct{}

func (fakeSocial) SocialConnectors(context.Context, string) ([]experience.SocialConnector, error) {
	return []experience.SocialConnector{
		{Target: "github", Name: "GitHub"},
		{Target: "patreon", Name: "Patreon", Logo: "https://cdn.example/patreon.svg", LogoDark: "https://cdn-dark.example/p.svg"},
	}, nil
}

const branding = `{"branding":{"logoUrl":"https://img.example/logo.png","darkLogoUrl":"https://dark.example/logo.png","favicon":"https://img.example/favicon.ico"},
 "color":{"primaryColor":"#ff5500","darkPrimaryColor":"#ffaa77","isDarkModeEnabled":true},
 "customCss":"h1 { letter-spacing: 0.1em; }"}`

// The logo (light and dark), the favicon and the stylesheet with the
// primary color and the custom CSS reach the page, and the CSP allows the
// images' origins and still no inline style.
func TestBranding(t *testing.T) {
	e := newEnv(t, "/auth")
	e.experience(branding)
	b := e.browser()
	r := b.get("/sign-in")
	wantAll(t, "sign-in page", r.body,
		`<source srcset="https://dark.example/logo.png" media="(prefers-color-scheme: dark)">`,
		`<img class="logo-img" src="https://img.example/logo.png" alt="Monban">`,
		`<link rel="icon" href="https://img.example/favicon.ico">`,
		`<link rel="stylesheet" href="/auth/custom.css?v=`)
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "img-src 'self' data: https://img.example https://dark.example;") || !strings.Contains(csp, "style-src 'self';") {
		t.Errorf("CSP %q", csp)
	}
	css := b.get("/custom.css")
	if css.StatusCode != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") ||
		css.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("custom.css: %d %v", css.StatusCode, css.Header)
	}
	wantAll(t, "custom.css", css.body, "--accent: #ff5500;", "--accent-text: #0b1020;", "--accent: #ffaa77;",
		"h1 { letter-spacing: 0.1em; }")

	// Dark mode off: the pages stay light, the dark logo is not used.
	e.experience(`{"color":{"primaryColor":"#123456","darkPrimaryColor":"#ffaa77","isDarkModeEnabled":false}}`)
	r = b.get("/sign-in")
	wantAll(t, "light-only page", r.body, `<html lang="en" class="light-only">`, `<meta name="color-scheme" content="light">`)
	if strings.Contains(r.body, "dark.example") {
		t.Error("dark logo used with dark mode off")
	}
	css = b.get("/custom.css")
	if strings.Contains(css.body, "#ffaa77") || !strings.Contains(css.body, "--accent-text: #ffffff;") {
		t.Errorf("custom.css with dark mode off:\n%s", css.body)
	}
}

// The consent and error pages are branded too.
func TestBrandingOnEveryPage(t *testing.T) {
	e := newEnv(t, "")
	e.experience(branding)
	b := e.browser()
	b.startInteraction(consentRequest)
	b.signIn()
	for _, path := range []string{"/consent", "/register", "/signed-in"} {
		if r := b.get(path); !strings.Contains(r.body, `src="https://img.example/logo.png"`) {
			t.Errorf("%s not branded", path)
		}
	}
	if r := e.browser().get("/consent"); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "img.example/logo.png") {
		t.Errorf("error page not branded: %d", r.StatusCode)
	}
}

func TestTerms(t *testing.T) {
	const urls = `"termsOfUseUrl":"https://example.com/terms","privacyPolicyUrl":"https://example.com/privacy"`
	link := `<a href="https://example.com/terms" target="_blank" rel="noopener noreferrer">Terms of use</a>`
	t.Run("Manual", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(`{` + urls + `,"agreeToTermsPolicy":"Manual"}`)
		b := e.browser()
		for _, path := range []string{"/sign-in", "/register"} {
			r := b.get(path)
			wantAll(t, path, r.body, `<input type="checkbox" id="agree" name="agree" value="yes" required>`,
				`<label for="agree">I have read and agree to the `+link+` and the `)
		}
		r := b.post("/sign-in", url.Values{"identifier": {"alice"}, "password": {alicePassword}})
		if r.StatusCode != http.StatusBadRequest || alert(r.body) != "Agree to the terms to continue." ||
			!strings.Contains(r.body, `name="agree" value="yes" required aria-invalid="true"`) {
			t.Fatalf("without the box: %d %q", r.StatusCode, alert(r.body))
		}
		if r := b.post("/sign-in", url.Values{"identifier": {"alice"}, "password": {alicePassword}, "agree": {"yes"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("with the box: %d %q", r.StatusCode, alert(r.body))
		}
		r = b.post("/register", url.Values{"username": {"bob"}, "password": {"a long passphrase"}})
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(alert(r.body), "Agree to the terms to continue.") {
			t.Errorf("register without the box: %d %q", r.StatusCode, alert(r.body))
		}
	})
	t.Run("ManualRegistrationOnly", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(`{` + urls + `,"agreeToTermsPolicy":"ManualRegistrationOnly"}`)
		b := e.browser()
		if r := b.get("/sign-in"); strings.Contains(r.body, `name="agree"`) || !strings.Contains(r.body, "By continuing, you agree to the "+link) {
			t.Error("sign-in: a checkbox, or no notice")
		}
		if r := b.get("/register"); !strings.Contains(r.body, `name="agree"`) {
			t.Error("register: no checkbox")
		}
	})
	t.Run("Automatic, Japanese", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(`{"termsOfUseUrl":"https://example.com/terms","agreeToTermsPolicy":"Automatic"}`)
		r := e.browser().do(http.MethodGet, "/register", nil, acceptJA)
		wantAll(t, "register page", r.body,
			`<p class="notice">続行すると、<a href="https://example.com/terms" target="_blank" rel="noopener noreferrer">利用規約</a>に同意したことになります。</p>`)
		if strings.Contains(r.body, `name="agree"`) {
			t.Error("checkbox with the Automatic policy")
		}
	})
}

// Social buttons follow socialSignInConnectorTargets (order, and only
// configured connectors); direct_sign_in=social:<target> goes straight on.
func TestSocialButtons(t *testing.T) {
	e := newEnv(t, "")
	e.pages.Social = fakeSocial{}
	e.experience(`{"socialSignInConnectorTargets":["patreon","google","github"]}`)
	b := e.browser()
	r := b.get("/sign-in")
	p, g := strings.Index(r.body, "Continue with Patreon"), strings.Index(r.body, "Continue with GitHub")
	if p < 0 || g < 0 || g < p || strings.Contains(r.body, "google") {
		t.Errorf("buttons wrong:\n%s", r.body)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "https://cdn.example https://cdn-dark.example") {
		t.Errorf("CSP lacks the logos' origins: %q", csp)
	}
	if n := strings.Count(r.body, "<form"); n != 1 {
		t.Errorf("%d forms", n)
	}
	b.startInteraction(interaction.Request{Scopes: []string{"openid"}, DirectSignIn: "social:patreon"})
	r = b.get("/sign-in")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in/social/patreon" {
		t.Errorf("direct_sign_in: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := b.get("/sign-in?social_error=access_denied"); r.StatusCode != http.StatusOK {
		t.Errorf("coming back from the provider: %d", r.StatusCode)
	}
}
