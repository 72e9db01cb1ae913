package oidc

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
)

// handleIntrospection is RFC 7662. Resource servers authenticate as
// confidential clients. Any problem with the token itself is
// {"active": false}, never an error (RFC 7662 §2.2).
func (p *Provider) handleIntrospection(w http.ResponseWriter, r *http.Request) {
	app, form, err := p.tokenRequest(w, r)
	if err != nil {
		p.writeJSONError(w, r, err)
		return
	}
	if !app.Type.Confidential() {
		p.writeJSONError(w, r, errInvalidClient("introspection requires a confidential client"))
		return
	}
	resp, err := p.introspect(r, form.Get("token"), form.Get("token_type_hint"))
	if err != nil {
		p.writeJSONError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

var inactive = map[string]any{"active": false}

func (p *Provider) introspect(r *http.Request, tok, hint string) (map[string]any, error) {
	ctx := r.Context()
	now := p.now().Unix()
	switch {
	case strings.Count(tok, ".") == 2: // a JWT access token
		c, ok := p.verifyAccessJWT(tok)
		if !ok || now >= c.EXP {
			return inactive, nil
		}
		if live, err := p.liveJTI(ctx, c.JTI); err != nil || !live {
			return inactive, err
		}
		return map[string]any{"active": true, "token_type": "Bearer", "sub": c.Sub, "client_id": c.ClientID,
			"scope": c.Scope, "aud": c.Aud, "iss": c.Iss, "exp": c.EXP, "iat": c.IAT, "jti": c.JTI}, nil
	}
	if c, err := p.openOpaque(tok); err == nil {
		if now >= c.EXP {
			return inactive, nil
		}
		if live, err := p.liveJTI(ctx, c.JTI); err != nil || !live {
			return inactive, err
		}
		return map[string]any{"active": true, "token_type": "Bearer", "sub": c.Sub, "client_id": c.ClientID,
			"scope": c.Scope, "iss": p.o.Issuer, "exp": c.EXP, "iat": c.IAT, "jti": c.JTI}, nil
	}
	return p.introspectRefresh(r, tok)
}

// verifyAccessJWT checks an at+jwt's signature (once per token: see
// verifiedCache), type and issuer.
func (p *Provider) verifyAccessJWT(tok string) (accessClaims, bool) {
	if c, ok := p.verified.get(tok); ok {
		return c, true
	}
	body, err := p.o.Keys.Verify(tok)
	if err != nil || !isAccessTokenJWT(tok) {
		return accessClaims{}, false
	}
	var c accessClaims
	if json.Unmarshal(body, &c) != nil || c.Iss != p.o.Issuer {
		return accessClaims{}, false
	}
	p.verified.put(tok, c, p.now().Unix())
	return c, true
}

// isAccessTokenJWT reports whether a verified compact JWS is an access
// token by its header's typ (RFC 9068 §2.1, §4): ID tokens are signed with
// the same keys and must not pass for access tokens.
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

func (p *Provider) introspectRefresh(r *http.Request, tok string) (map[string]any, error) {
	ctx := r.Context()
	rt, err := p.o.Store.GetRefreshToken(ctx, id.Hash(tok))
	if errors.Is(err, store.ErrNotFound) {
		return inactive, nil
	}
	if err != nil {
		return nil, err
	}
	g, err := p.o.Store.GetGrant(ctx, rt.GrantID)
	if errors.Is(err, store.ErrNotFound) {
		return inactive, nil
	}
	if err != nil {
		return nil, err
	}
	now := p.now()
	if rt.ConsumedAt != nil || g.RevokedAt != nil || !now.Before(rt.ExpiresAt) {
		return inactive, nil
	}
	return map[string]any{"active": true, "token_type": "refresh_token", "sub": g.UserID, "client_id": g.ApplicationID,
		"scope": joinScope(g.Scopes), "iss": p.o.Issuer, "exp": rt.ExpiresAt.Unix(), "iat": rt.CreatedAt.Unix()}, nil
}
