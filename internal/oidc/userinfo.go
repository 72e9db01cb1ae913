package oidc

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/store"
)

// handleUserinfo is the UserInfo endpoint (OIDC Core §5.3) at /oidc/me, GET
// and POST, with the opaque access token as a bearer token (RFC 6750 §2.1;
// the form-encoded body parameter of §2.2 is accepted on POST too).
func (p *Provider) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	allowCORS(w)
	tok := bearerToken(r)
	if tok == "" && r.Method == http.MethodPost {
		if form, err := parseForm(w, r); err == nil {
			tok = form.Get("access_token")
		}
	}
	if tok == "" {
		p.bearerError(w, "invalid_request", "an access token is required", http.StatusUnauthorized)
		return
	}
	c, err := p.openOpaque(tok)
	if err != nil || p.now().Unix() >= c.EXP {
		p.bearerError(w, "invalid_token", "the access token is invalid or has expired", http.StatusUnauthorized)
		return
	}
	live, err := p.liveJTI(r.Context(), c.JTI)
	if err != nil {
		p.writeJSONError(w, r, err)
		return
	}
	if !live {
		p.bearerError(w, "invalid_token", "the access token has been revoked", http.StatusUnauthorized)
		return
	}
	u, err := p.o.Store.GetUser(r.Context(), c.Sub)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.IsSuspended) {
		p.bearerError(w, "invalid_token", "the user of this token no longer exists or is suspended", http.StatusUnauthorized)
		return
	}
	if err != nil {
		p.writeJSONError(w, r, err)
		return
	}
	scopes := strings.Fields(c.Scope)
	claims := userClaims(u, scopes, false)
	if roles, err := p.roleNames(r.Context(), u.ID, scopes); err != nil {
		p.writeJSONError(w, r, err)
		return
	} else if roles != nil {
		claims["roles"] = roles
	}
	if slices.Contains(scopes, "identities") {
		// Logto's shape: {target: {userId, details}}.
		ids, err := p.o.Store.ListUserIdentities(r.Context(), u.ID)
		if err != nil {
			p.writeJSONError(w, r, err)
			return
		}
		m := map[string]any{}
		for _, id := range ids {
			m[id.Target] = map[string]any{"userId": id.UpstreamID, "details": id.Details}
		}
		claims["identities"] = m
	}
	writeJSON(w, http.StatusOK, claims)
}

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// bearerError answers per RFC 6750 §3 with a WWW-Authenticate challenge.
func (p *Provider) bearerError(w http.ResponseWriter, code, description string, status int) {
	w.Header().Set("WWW-Authenticate", `Bearer error="`+code+`", error_description="`+description+`"`)
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}
