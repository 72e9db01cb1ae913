package server

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Text that no part of Monban stores or looks up: a NUL byte, or bytes that
// are not UTF-8. PostgreSQL refuses both in text columns ("invalid byte
// sequence", "unsupported Unicode escape"), so a lookup by such an id would
// fail as a server error there while SQLite answers "not found". They are
// refused at the door instead: malformed input is a 400, never a 5xx, on
// every backend.

// ValidText reports whether s is UTF-8 without a NUL byte.
func ValidText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// InvalidValue returns the name of the first parameter of v whose name or
// a value is not ValidText, and false when every one is.
func InvalidValue(v url.Values) (string, bool) {
	for name, vs := range v {
		if !ValidText(name) {
			return "(parameter name)", true
		}
		for _, s := range vs {
			if !ValidText(s) {
				return name, true
			}
		}
	}
	return "", false
}

// checkText answers 400 to a request whose path or query holds text that
// is not ValidText, before any handler sees it: JSON in OAuth 2.0's error
// shape (RFC 6749 §5.2) under /oidc, a plain HTML page elsewhere (hosted
// pages, console). Two kinds of route check for themselves, to answer in
// their own shape: the Management API (/api, Logto's error body, and the
// audit log records the refusal), and the browser-facing OIDC endpoints
// /oidc/auth and /oidc/session/end (their branded error page, never a
// redirect). Bodies are each door's to check, after reading them within its
// own size limit (InvalidValue on its parsed form; /api on its JSON).
func (s *Server) checkText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/api/") || p == "/oidc/auth" || p == "/oidc/session/end" {
			next.ServeHTTP(w, r)
			return
		}
		where := ""
		if !ValidText(p) {
			where = "the path"
		} else if r.URL.RawQuery != "" {
			// A query that does not parse is left to the handlers, as before.
			if q, err := url.ParseQuery(r.URL.RawQuery); err == nil {
				if name, bad := InvalidValue(q); bad {
					where = "the query parameter " + name
					if !ValidText(name) {
						where = "a query parameter"
					}
				}
			}
		}
		if where == "" {
			next.ServeHTTP(w, r)
			return
		}
		msg := where + " is not valid UTF-8 text (or holds a NUL byte)"
		w.Header().Set("Cache-Control", "no-store")
		if strings.HasPrefix(p, "/oidc/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request", "error_description": msg})
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("<!doctype html><meta charset=\"utf-8\"><title>Bad request</title><h1>Bad request</h1><p role=\"alert\">" +
			html.EscapeString(msg) + ".</p>\n"))
	})
}
