package oidc

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
)

// handleRevocation is RFC 7009. The Go SDK revokes the refresh token at
// sign-out with only client_id (no secret) and expects 200, so public
// clients revoke with their id alone. An unknown or foreign token is still
// 200 (RFC 7009 §2.2): the answer tells nothing about other clients' tokens.
func (p *Provider) handleRevocation(w http.ResponseWriter, r *http.Request) {
	app, form, err := p.tokenRequest(w, r)
	if err != nil {
		p.writeJSONError(w, r, err)
		return
	}
	if err := p.revoke(r, app, form.Get("token")); err != nil {
		p.writeJSONError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

func (p *Provider) revoke(r *http.Request, app *store.Application, tok string) error {
	ctx := r.Context()
	now := p.now()
	if strings.Count(tok, ".") == 2 {
		body, err := p.o.Keys.Verify(tok)
		if err != nil {
			return nil
		}
		var c accessClaims
		if json.Unmarshal(body, &c) != nil || c.ClientID != app.ID {
			return nil
		}
		return p.o.Store.RevokeToken(ctx, c.JTI, time.Unix(c.EXP, 0))
	}
	if c, err := p.openOpaque(tok); err == nil {
		if c.ClientID != app.ID {
			return nil
		}
		return p.o.Store.RevokeToken(ctx, c.JTI, time.Unix(c.EXP, 0))
	}
	rt, err := p.o.Store.GetRefreshToken(ctx, id.Hash(tok))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	g, err := p.o.Store.GetGrant(ctx, rt.GrantID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && g.ApplicationID != app.ID) {
		return nil
	}
	if err != nil {
		return err
	}
	// Revoking a refresh token revokes its grant: every token of the family
	// and the access tokens issued under it (RFC 7009 §2.1).
	return p.o.Store.RevokeGrant(ctx, g.ID, now)
}
