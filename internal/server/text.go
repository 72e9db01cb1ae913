package server

import (
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
// is not ValidText, before any handler sees it. Bodies are each front
// door's to check, after it has read them within its own size limit
// (InvalidValue on its parsed form; the Management API on its JSON).
func (s *Server) checkText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		where := ""
		if !ValidText(r.URL.Path) {
			where = "the path"
		} else if r.URL.RawQuery != "" {
			// A query that does not parse is left to the handlers, as before.
			if q, err := url.ParseQuery(r.URL.RawQuery); err == nil {
				if name, bad := InvalidValue(q); bad {
					where = "the query parameter " + name
				}
			}
		}
		if where != "" {
			if !ValidText(where) {
				where = "a query parameter"
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusBadRequest)
			// OAuth 2.0's error shape (RFC 6749 §5.2), which the other doors'
			// clients read as well as any.
			_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"` +
				jsonEscape(where) + ` is not valid UTF-8 text (or holds a NUL byte)"}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func jsonEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == '<' || r == '>' || r == '&':
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
