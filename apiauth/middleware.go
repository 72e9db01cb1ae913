package apiauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

type ctxKey struct{}

// FromContext returns the claims Require put in the request's context.
func FromContext(ctx context.Context) (*Claims, bool) {
	c, ok := ctx.Value(ctxKey{}).(*Claims)
	return c, ok && c != nil
}

// WithClaims returns ctx carrying c, as Require does; for testing handlers
// without tokens.
func WithClaims(ctx context.Context, c *Claims) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// Require returns middleware that lets a request through only with a valid
// access token (Authorization: Bearer, RFC 6750 §2.1) that grants every
// one of scopes; the handler finds the claims with FromContext. Otherwise
// it answers as RFC 6750 §3 says:
//
//   - no Authorization header, or another scheme: 401 with
//     WWW-Authenticate: Bearer (no error code, §3.1);
//   - more than one Authorization header: 400, error="invalid_request";
//   - a token that is not valid (Validate fails): 401,
//     error="invalid_token";
//   - a valid token without a required scope: 403,
//     error="insufficient_scope", scope="<the required scopes>".
//
// The body is a small JSON object {"error", "error_description"} ("error"
// absent in the first case). Require panics if a scope is not a valid
// scope token (RFC 6749 §3.3: printable ASCII without space, '"' or '\').
func (v *Validator) Require(scopes ...string) func(http.Handler) http.Handler {
	scopes = append([]string(nil), scopes...)
	for _, s := range scopes {
		if !validScope(s) {
			panic(fmt.Sprintf("apiauth: Require: %q is not a valid scope", s))
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			values := r.Header.Values("Authorization")
			if len(values) > 1 {
				deny(w, http.StatusBadRequest, "invalid_request", "more than one Authorization header", "")
				return
			}
			token, ok := bearer(values)
			if !ok {
				w.Header().Set("WWW-Authenticate", "Bearer")
				writeError(w, http.StatusUnauthorized, "", "a bearer token is required")
				return
			}
			claims, err := v.Validate(r.Context(), token)
			if err != nil {
				desc := "the access token is invalid"
				if errors.Is(err, ErrExpired) {
					desc = "the access token expired"
				}
				deny(w, http.StatusUnauthorized, "invalid_token", desc, "")
				return
			}
			for _, s := range scopes {
				if !claims.HasScope(s) {
					deny(w, http.StatusForbidden, "insufficient_scope", "the access token lacks a required scope", strings.Join(scopes, " "))
					return
				}
			}
			next.ServeHTTP(w, r.WithContext(WithClaims(r.Context(), claims)))
		})
	}
}

// bearer extracts the token of "Bearer <token>" (the scheme is
// case-insensitive, RFC 9110 §11.1). ok is false for no header or another
// scheme; an empty token is returned as is, and fails validation.
func bearer(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	scheme, token, _ := strings.Cut(strings.TrimSpace(values[0]), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// deny writes a Bearer challenge with an error code. All values are fixed
// strings or scope names (which RFC 6749 §3.3 limits to printable ASCII
// without '"' and '\'), so nothing needs escaping.
func deny(w http.ResponseWriter, status int, code, desc, scope string) {
	ch := `Bearer error="` + code + `", error_description="` + desc + `"`
	if scope != "" {
		ch += `, scope="` + scope + `"`
	}
	w.Header().Set("WWW-Authenticate", ch)
	writeError(w, status, code, desc)
}

func writeError(w http.ResponseWriter, status int, code, desc string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	body := map[string]string{"error_description": desc}
	if code != "" {
		body["error"] = code
	}
	json.NewEncoder(w).Encode(body)
}

// validScope: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) (RFC 6749 §3.3).
func validScope(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
