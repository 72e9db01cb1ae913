package web

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
)

// setHeaders sets the headers of every HTML page (spec/security.md item 12):
//   - a Content-Security-Policy that allows only our own stylesheet, our
//     own images plus imgSrc (the branding's logo and favicon origins), no
//     script unless nonce is set (then only the nonce'd inline script),
//     form posts only to ourselves plus formAction, no framing
//     (clickjacking a sign-in or consent page) and no <base> injection;
//   - X-Frame-Options for browsers that predate frame-ancestors;
//   - Referrer-Policy: no-referrer, so a URL carrying a login hint, state or
//     code never leaks to another site through Referer;
//   - nosniff and Cache-Control: no-store, since these pages carry CSRF
//     tokens, typed identifiers and, on the form-post page, authorization
//     codes that no shared cache or back button may replay.
func setHeaders(h http.Header, nonce string, formAction, imgSrc []string) {
	var csp strings.Builder
	csp.WriteString("default-src 'none'; style-src 'self'; img-src 'self' data:")
	writeSources(&csp, imgSrc)
	csp.WriteString("; form-action 'self'")
	writeSources(&csp, formAction)
	csp.WriteString("; frame-ancestors 'none'; base-uri 'none'")
	if nonce != "" {
		csp.WriteString("; script-src 'nonce-" + nonce + "'")
	}
	h.Set("Content-Security-Policy", csp.String())
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/html; charset=utf-8")
}

// writeSources appends each safe source of srcs once.
func writeSources(csp *strings.Builder, srcs []string) {
	seen := map[string]bool{}
	for _, src := range srcs {
		if src == "" || seen[src] || !safeSource(src) {
			continue
		}
		seen[src] = true
		csp.WriteString(" " + src)
	}
}

// newNonce returns a fresh CSP nonce for one response: 26 base32 characters
// (130 bits) from crypto/rand, so an injected script cannot guess it.
func newNonce() string { return rand.Text() }

// FormActionSource turns a redirect URI into the CSP source expression that
// lets a form POST (or the redirects after it) reach it: "https://host:port"
// for http(s), "scheme:" for a native app's private-use scheme. It returns ""
// for anything that must never be a form target (javascript:, data: ...) or
// that cannot be written safely into the header.
func FormActionSource(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "javascript", "data", "vbscript", "file", "blob", "about", "filesystem":
		return ""
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		src := scheme + "://" + strings.ToLower(u.Host)
		if !safeSource(src) {
			return ""
		}
		return src
	}
	if !safeSource(scheme + ":") {
		return ""
	}
	return scheme + ":"
}

// safeSource reports whether src is made only of characters a CSP source
// expression needs, so a stored URI can never inject another directive
// (";") or a keyword ("'unsafe-inline'").
func safeSource(src string) bool {
	if src == "" {
		return false
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("+-.:/[]", c) >= 0:
		default:
			return false
		}
	}
	return true
}
