package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestFormPost(t *testing.T) {
	rec := httptest.NewRecorder()
	FormPost(rec, httptest.NewRequest("GET", "/oidc/auth", nil), "https://album.example:8443/callback?x=1",
		map[string]string{"code": "abc", "state": `"><script>alert(1)</script>`, "iss": "https://id.example/oidc"})
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	body, csp := rec.Body.String(), rec.Header().Get("Content-Security-Policy")

	nonce := regexp.MustCompile(`<script nonce="([^"]+)">document.forms\[0\].submit\(\);</script>`).FindStringSubmatch(body)
	if nonce == nil || len(nonce[1]) < 22 {
		t.Fatalf("no nonce'd auto-submit script:\n%s", body)
	}
	for _, want := range []string{"script-src 'nonce-" + nonce[1] + "'", "form-action 'self' https://album.example:8443;",
		"frame-ancestors 'none'", "default-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, want := range []string{
		`<form method="post" action="https://album.example:8443/callback?x=1">`,
		`<input type="hidden" name="code" value="abc">`,
		`<input type="hidden" name="iss" value="https://id.example/oidc">`,
		`<input type="hidden" name="state" value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">`,
		`<button type="submit">Continue</button>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("form-post page lacks %s\n%s", want, body)
		}
	}
	if strings.Count(body, "<script") != 1 {
		t.Error("injected script in the page")
	}
	for h, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
		if got := rec.Header().Get(h); got != want {
			t.Errorf("%s = %q", h, got)
		}
	}

	// A fresh nonce per response.
	again := httptest.NewRecorder()
	FormPost(again, httptest.NewRequest("GET", "/", nil), "https://album.example/cb", nil)
	if strings.Contains(again.Header().Get("Content-Security-Policy"), nonce[1]) {
		t.Error("nonce reused")
	}
}

func TestFormPostRefusesScriptTargets(t *testing.T) {
	for _, action := range []string{"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "/relative", "", "https:///nohost"} {
		rec := httptest.NewRecorder()
		FormPost(rec, httptest.NewRequest("GET", "/", nil), action, map[string]string{"code": "secret-code"})
		if rec.Code != http.StatusBadRequest || strings.Contains(rec.Body.String(), "secret-code") ||
			strings.Contains(rec.Body.String(), "<form") {
			t.Errorf("FormPost(%q): %d\n%s", action, rec.Code, rec.Body.String())
		}
	}
}

func TestFormPostNativeScheme(t *testing.T) {
	rec := httptest.NewRecorder()
	FormPost(rec, httptest.NewRequest("GET", "/", nil), "io.logto://callback", map[string]string{"code": "c"})
	if !strings.Contains(rec.Body.String(), `action="io.logto://callback"`) ||
		!strings.Contains(rec.Header().Get("Content-Security-Policy"), "form-action 'self' io.logto:;") {
		t.Errorf("private-use scheme: %s\n%s", rec.Header().Get("Content-Security-Policy"), rec.Body.String())
	}
}

func TestFormActionSource(t *testing.T) {
	for in, want := range map[string]string{
		"https://album.example/callback":    "https://album.example",
		"HTTPS://Album.Example:8443/cb?x#y": "https://album.example:8443",
		"http://localhost:3000/callback":    "http://localhost:3000",
		"http://[::1]:8080/cb":              "http://[::1]:8080",
		"com.example.app:/oauth2redirect":   "com.example.app:",
		"io.logto://callback":               "io.logto:",
		"javascript:alert(1)":               "",
		"DATA:text/html,x":                  "",
		"vbscript:x":                        "",
		"/relative":                         "",
		"https:///path":                     "",
		"https://a.example;script-src/":     "",
		"https://a.example'unsafe-inline'":  "",
		"":                                  "",
	} {
		if got := FormActionSource(in); got != want {
			t.Errorf("FormActionSource(%q) = %q, want %q", in, got, want)
		}
	}
}
