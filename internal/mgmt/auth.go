package mgmt

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/store"
)

// tokenClaims are the access token's claims the API checks.
type tokenClaims struct {
	JTI      string          `json:"jti"`
	Sub      string          `json:"sub"`
	EXP      int64           `json:"exp"`
	Scope    string          `json:"scope"`
	ClientID string          `json:"client_id"`
	Iss      string          `json:"iss"`
	Aud      json.RawMessage `json:"aud"`
}

// audiences reads aud as a string or an array of strings (RFC 7519 §4.1.3).
func (c tokenClaims) audiences() []string {
	var one string
	if json.Unmarshal(c.Aud, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(c.Aud, &many)
	return many
}

// authenticated lets a request through only with a live at+jwt for the
// Management API resource carrying the scope "all", not revoked (RFC 7009),
// whose application still holds the permission "all" of that resource
// through its roles: taking the role "Logto Management API access" away
// refuses tokens issued before. Two indexed reads per request.
func (a *API) authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		tok = strings.TrimSpace(tok)
		if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
			a.unauthorized(w, "Authorization header is missing or is not a Bearer token.")
			return
		}
		c, ok := a.verify(tok)
		if !ok {
			a.unauthorized(w, "The access token is invalid or has expired.")
			return
		}
		if !slices.Contains(c.audiences(), Indicator) {
			a.unauthorized(w, "The access token is not for the Management API.")
			return
		}
		if !slices.Contains(strings.Fields(c.Scope), ScopeAll) {
			writeJSONError(w, http.StatusForbidden, "auth.forbidden", "The access token lacks the scope all.", nil)
			return
		}
		if c.Sub != c.ClientID {
			// A user's token (authorization code or refresh grant): the
			// Management API is for machine-to-machine applications; admins
			// use the console, which has its own session.
			writeJSONError(w, http.StatusForbidden, "auth.forbidden", "The Management API accepts machine-to-machine application tokens only.", nil)
			return
		}
		ctx := r.Context()
		revoked, err := a.o.Store.IsTokenRevoked(ctx, c.JTI)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		if revoked || c.JTI == "" {
			a.unauthorized(w, "The access token has been revoked.")
			return
		}
		_, held, err := a.o.Store.ApplicationResourcePermissions(ctx, c.ClientID, Indicator)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			a.writeError(w, r, err)
			return
		}
		if !slices.Contains(held, ScopeAll) {
			// Tell a deleted application (401) from one whose role was
			// taken away (403); only refused requests pay for the lookup.
			if _, err := a.o.Store.GetApplication(ctx, c.ClientID); errors.Is(err, store.ErrNotFound) {
				a.unauthorized(w, "The access token's application no longer exists.")
				return
			}
			writeJSONError(w, http.StatusForbidden, "auth.forbidden", "The application no longer holds the permission all of the Management API.", nil)
			return
		}
		// The audit log names the application that made the call (audit.go).
		next.ServeHTTP(w, r.WithContext(withActor(ctx, c.ClientID)))
	})
}

func (a *API) unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="Monban Management API", error="invalid_token"`)
	writeJSONError(w, http.StatusUnauthorized, "auth.unauthorized", msg, nil)
}

// verify checks the token's signature, header typ, issuer and expiry.
func (a *API) verify(tok string) (tokenClaims, bool) {
	if a.o.Keys == nil || strings.Count(tok, ".") != 2 || !isAccessTokenJWT(tok) {
		return tokenClaims{}, false
	}
	body, err := a.o.Keys.Verify(tok)
	if err != nil {
		return tokenClaims{}, false
	}
	var c tokenClaims
	if json.Unmarshal(body, &c) != nil || c.Iss != a.o.Issuer || c.EXP == 0 || a.o.Now().Unix() >= c.EXP {
		return tokenClaims{}, false
	}
	return c, true
}

// isAccessTokenJWT reports whether the JWS header's typ says at+jwt
// (RFC 9068): ID tokens are signed by the same keys and must not pass.
func isAccessTokenJWT(tok string) bool {
	seg, _, _ := strings.Cut(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return false
	}
	var h struct {
		Typ string `json:"typ"`
	}
	if json.Unmarshal(raw, &h) != nil {
		return false
	}
	return strings.EqualFold(h.Typ, "at+jwt") || strings.EqualFold(h.Typ, "application/at+jwt")
}
