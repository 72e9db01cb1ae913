package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

const wantCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Every page carries the headers of spec/security.md item 12.
func TestPageHeaders(t *testing.T) {
	for _, tc := range []struct {
		name   string
		write  func(w http.ResponseWriter, r *http.Request)
		status int
	}{
		{"error page", func(w http.ResponseWriter, r *http.Request) {
			ErrorPage(w, r, http.StatusBadRequest, "", "Invalid request", "redirect_uri does not match")
		}, http.StatusBadRequest},
		{"signed out", func(w http.ResponseWriter, r *http.Request) { SignedOut(w, r, "") }, http.StatusOK},
		{"Render", func(w http.ResponseWriter, r *http.Request) {
			Render(w, r, http.StatusTeapot, "signed-out", Page{Title: "x"})
		}, http.StatusTeapot},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tc.write(rec, httptest.NewRequest("GET", "/", nil))
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			for h, want := range map[string]string{
				"Content-Security-Policy": wantCSP,
				"X-Frame-Options":         "DENY",
				"Referrer-Policy":         "no-referrer",
				"X-Content-Type-Options":  "nosniff",
				"Cache-Control":           "no-store",
				"Content-Type":            "text/html; charset=utf-8",
			} {
				if got := rec.Header().Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			if !strings.Contains(rec.Body.String(), `<html lang="en">`) {
				t.Error("no lang attribute")
			}
		})
	}
}

// The error page is what /oidc/auth shows when the client cannot be
// trusted: no link, no redirect anywhere (spec/security.md items 1-2), and
// the detail escaped.
func TestErrorPage(t *testing.T) {
	rec := httptest.NewRecorder()
	ErrorPage(rec, httptest.NewRequest("GET", "/oidc/auth", nil), http.StatusBadRequest, "/auth",
		"Invalid request", `redirect_uri "https://evil.example/<script>" does not match`)
	body := rec.Body.String()
	if rec.Header().Get("Location") != "" {
		t.Error("Location header on the error page")
	}
	if strings.Contains(body, "<a ") || strings.Contains(body, "http-equiv") || strings.Contains(body, "<script") {
		t.Errorf("error page has a link, refresh or script:\n%s", body)
	}
	if !strings.Contains(body, `role="alert">redirect_uri &#34;https://evil.example/&lt;script&gt;&#34; does not match</p>`) {
		t.Errorf("detail not in an escaped role=alert:\n%s", body)
	}
	if !strings.Contains(body, `href="/auth/static/monban.css"`) || !strings.Contains(body, "<title>Invalid request · Monban</title>") {
		t.Errorf("layout: base path or title missing:\n%s", body)
	}
}

func TestRenderFormAction(t *testing.T) {
	type data struct {
		Page
		Detail string
	}
	rec := httptest.NewRecorder()
	d := data{Page: Page{Title: "x", AppName: "Album <3",
		FormAction: []string{"https://album.example", "https://album.example", "x; script-src *", ""}}}
	Render(rec, httptest.NewRequest("GET", "/", nil), http.StatusOK, "error", d)
	want := "form-action 'self' https://album.example; frame-ancestors"
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, want) || strings.Contains(csp, "script-src") {
		t.Errorf("CSP %q, want %q once and nothing injected", csp, want)
	}
	if !strings.Contains(rec.Body.String(), "to continue to <strong>Album &lt;3</strong>") {
		t.Error("application name not shown (escaped)")
	}
}

func TestRenderUnknownPage(t *testing.T) {
	rec := httptest.NewRecorder()
	Render(rec, httptest.NewRequest("GET", "/", nil), http.StatusOK, "no-such-page", Page{})
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Security-Policy") == "" {
		t.Errorf("status %d, CSP %q", rec.Code, rec.Header().Get("Content-Security-Policy"))
	}
}

func TestStaticHandler(t *testing.T) {
	h := StaticHandler()
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/static/monban.css", http.StatusOK},
		{"/static/", http.StatusNotFound},
		{"/static/nothing.css", http.StatusNotFound},
		{"/static/../web.go", http.StatusNotFound},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.Path = tc.path
		h.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("GET %s: %d, want %d", tc.path, rec.Code, tc.status)
		}
		if tc.status == http.StatusOK {
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
				t.Errorf("Content-Type %q", ct)
			}
			css := rec.Body.String()
			if !strings.Contains(css, "prefers-color-scheme: dark") || !strings.Contains(css, ":focus-visible") {
				t.Error("stylesheet lacks dark mode or focus styles")
			}
			if regexp.MustCompile(`url\(|@import|https?://`).MatchString(css) {
				t.Error("stylesheet loads external resources")
			}
		}
	}
}
