package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/i18n"
)

func TestImageSource(t *testing.T) {
	for in, want := range map[string]string{
		"https://cdn.example/logo.png":          "https://cdn.example",
		"https://CDN.example:8443/a/b.svg?x=1":  "https://cdn.example:8443",
		"http://cdn.example/logo.png":           "",
		"data:image/png;base64,AAAA":            "",
		"javascript:alert(1)":                   "",
		"https://user:pw@cdn.example/logo.png":  "",
		"https://cdn.example;script-src *":      "",
		"//cdn.example/logo.png":                "",
		"https://cdn.example/'unsafe-inline'/x": "https://cdn.example",
	} {
		if got := ImageSource(in); got != want {
			t.Errorf("ImageSource(%q) = %q, want %q", in, got, want)
		}
	}
}

// A brand from the request's context (the OIDC front door's pages) or from
// the page's data: logo, favicon and stylesheet in the page, the images'
// origins in img-src, an unusable image dropped, dark variants dropped
// when dark mode is off.
func TestRenderBrand(t *testing.T) {
	brand := &Brand{LogoURL: "https://img.example/logo.png", DarkLogoURL: "https://dark.example/logo.png",
		Favicon: "http://insecure.example/favicon.ico", StyleURL: "/auth/custom.css?v=1"}
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(WithBrand(r.Context(), func(context.Context) *Brand { return brand }))
	rec := httptest.NewRecorder()
	ErrorPage(rec, r, http.StatusBadRequest, "/auth", "Invalid request", "no")
	body, csp := rec.Body.String(), rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{`<img class="logo-img" src="https://img.example/logo.png" alt="Monban">`,
		`<source srcset="https://dark.example/logo.png" media="(prefers-color-scheme: dark)">`,
		`<link rel="icon" href="data:,">`, `<link rel="stylesheet" href="/auth/custom.css?v=1">`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s\n%s", want, body)
		}
	}
	if !strings.Contains(csp, "img-src 'self' data: https://img.example https://dark.example; form-action 'self';") {
		t.Errorf("CSP %q", csp)
	}

	rec = httptest.NewRecorder()
	light := *brand
	light.LightOnly = true
	Render(rec, httptest.NewRequest("GET", "/", nil), http.StatusOK, "signed-out", Page{Title: "x", Brand: &light})
	if body := rec.Body.String(); strings.Contains(body, "dark.example") || !strings.Contains(body, `<html lang="en" class="light-only">`) {
		t.Errorf("light-only page:\n%s", body)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); strings.Contains(csp, "dark.example") {
		t.Errorf("light-only CSP allows the dark logo: %q", csp)
	}
}

func TestTermsHTML(t *testing.T) {
	en := i18n.For("en")
	got := string(termsHTML(en, "terms.agree", "https://x.example/terms?a=1&b=<2>", ""))
	want := `I have read and agree to the <a href="https://x.example/terms?a=1&amp;b=&lt;2&gt;" target="_blank" rel="noopener noreferrer">Terms of use</a>.`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := string(termsHTML(en, "terms.notice", "", "javascript:alert(1)")); strings.Contains(got, "<a") {
		t.Errorf("a javascript: link: %s", got)
	}
	if got := termsHTML(en, "terms.notice", "", ""); got != "" {
		t.Errorf("no documents: %q", got)
	}
}
