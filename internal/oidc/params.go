package oidc

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/server"
)

// splitScope splits a space-delimited scope (RFC 6749 §3.3), dropping
// duplicates: the Python SDK sends "openid offline_access profile" twice
// over when the app also asks for them.
func splitScope(s string) []string {
	var out []string
	for _, v := range strings.Fields(s) {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// resourceValues collects RFC 8707 resource parameters: repeated, or
// comma-separated in one value (the SDKs do both).
func resourceValues(q url.Values) []string {
	var out []string
	for _, v := range q["resource"] {
		for _, r := range strings.Split(v, ",") {
			r = strings.TrimSpace(r)
			if r != "" && !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// validIndicator: an absolute URI without fragment (RFC 8707 §2).
func validIndicator(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Fragment == "" && !strings.Contains(s, "#")
}

// single returns the parameter's value and whether it was sent more than
// once (RFC 6749 §3.1: parameters MUST NOT be included more than once).
func single(q url.Values, name string) (string, bool) {
	vs := q[name]
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], len(vs) > 1
}

func joinScope(scopes []string) string { return strings.Join(scopes, " ") }

// frontChannelParams reads a browser request's parameters: the query of a
// GET, or the form body (at most 64 KiB) of a POST (OIDC Core §3.1.2.1 and
// RP-Initiated Logout §2 allow both).
func frontChannelParams(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if r.Method != http.MethodPost {
		q := r.URL.Query()
		if _, bad := server.InvalidValue(q); bad {
			return nil, false
		}
		return q, true
	}
	if server.ReadForm(w, r, 64<<10) != nil {
		return nil, false
	}
	return r.Form, true
}
