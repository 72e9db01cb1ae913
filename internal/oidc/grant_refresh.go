package oidc

import (
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
)

// errRefreshReused carries the grant to revoke out of the transaction.
type errRefreshReused struct{ grantID string }

func (e *errRefreshReused) Error() string { return "refresh token reused" }

// grantRefreshToken (RFC 6749 §6) with rotation: every refresh returns a new
// refresh token (the Go SDK overwrites what it stored; a missing one logs the
// user out) and a fresh ID token. A consumed token still works for
// RefreshGraceWindow, for clients that raced two refreshes; reuse after the
// window revokes the whole family (RFC 9700 §4.14.2, spec/security.md item 5).
func (p *Provider) grantRefreshToken(r *http.Request, app *store.Application, form url.Values) (*tokenResponse, error) {
	ctx := r.Context()
	raw := form.Get("refresh_token")
	if raw == "" {
		return nil, errInvalidRequest("refresh_token is required")
	}
	if form.Get("organization_id") != "" {
		return nil, errInvalidRequest("organization tokens are not supported yet")
	}
	resource, err := p.requestedResource(r, app, form)
	if err != nil {
		return nil, err
	}
	// RFC 6749 §6: a scope narrows the new tokens to part of the grant;
	// one the grant lacks is invalid_scope (as Logto's provider answers).
	narrowed := splitScope(form.Get("scope"))
	now := p.now()
	var (
		grant *store.Grant
		user  *store.User
		next  string
	)
	err = p.o.Store.InTx(ctx, func(tx store.Store) error {
		rt, err := tx.ConsumeRefreshToken(ctx, id.Hash(raw), now)
		reused := errors.Is(err, store.ErrConsumed)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return errInvalidGrant("the refresh token is invalid")
		case err != nil && !reused:
			return err
		}
		grant, err = tx.GetGrant(ctx, rt.GrantID)
		if err != nil {
			return errInvalidGrant("the refresh token is invalid")
		}
		// A token presented by another client is invalid_grant, and says
		// nothing more (RFC 6749 §6: bound to the client it was issued to).
		if grant.ApplicationID != app.ID {
			return errInvalidGrant("the refresh token was issued to another client")
		}
		if reused && now.Sub(*rt.ConsumedAt) > RefreshGraceWindow {
			return &errRefreshReused{grantID: grant.ID}
		}
		if grant.RevokedAt != nil {
			return errInvalidGrant("the refresh token has been revoked")
		}
		if !now.Before(rt.ExpiresAt) || !now.Before(grant.ExpiresAt) {
			return errInvalidGrant("the refresh token has expired")
		}
		for _, sc := range narrowed {
			if !slices.Contains(grant.Scopes, sc) {
				return errInvalidScope("refresh token missing requested scope " + sc)
			}
		}
		if resource != nil && !slices.Contains(grant.Resources, resource.Indicator) {
			return errInvalidTarget("the resource was not granted to this refresh token")
		}
		if user, err = tx.GetUser(ctx, grant.UserID); err != nil || user.IsSuspended {
			return errInvalidGrant("the user is no longer allowed to sign in")
		}
		next = id.Secret()
		expires := now.Add(DefaultRefreshTokenTTL)
		if err := tx.CreateRefreshToken(ctx, &store.RefreshToken{TokenHash: id.Hash(next), GrantID: grant.ID,
			CreatedAt: now, ExpiresAt: expires}); err != nil {
			return err
		}
		return tx.ExtendGrant(ctx, grant.ID, expires)
	})
	var reuse *errRefreshReused
	if errors.As(err, &reuse) {
		if rerr := p.o.Store.RevokeGrant(ctx, reuse.grantID, now); rerr != nil && !errors.Is(rerr, store.ErrNotFound) {
			return nil, rerr
		}
		p.o.Logger.WarnContext(ctx, "refresh token reused after the grace window; grant revoked", "client_id", app.ID)
		return nil, errInvalidGrant("the refresh token was already used")
	}
	if err != nil {
		return nil, err
	}
	// OIDC Core §12.2: the refreshed ID token carries no nonce.
	scopes := grant.Scopes
	if len(narrowed) > 0 {
		scopes = narrowed
	}
	return p.userTokens(ctx, app, user, grant, scopes, resource, "", next)
}
