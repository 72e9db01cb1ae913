package oidc

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
)

// errCodeReplayed carries the grant to revoke out of the rolled-back
// transaction.
type errCodeReplayed struct{ grantID string }

func (e *errCodeReplayed) Error() string { return "authorization code replayed" }

// grantAuthorizationCode exchanges a code (RFC 6749 §4.1.3, RFC 7636 §4.6).
// Consuming the code, creating the grant and its refresh token happen in one
// transaction: of concurrent redemptions exactly one wins, and a replay
// (spec/security.md item 4) revokes every token issued from the code before
// the replay's response is sent.
func (p *Provider) grantAuthorizationCode(r *http.Request, app *store.Application, form url.Values) (*tokenResponse, error) {
	ctx := r.Context()
	code, redirectURI, verifier := form.Get("code"), form.Get("redirect_uri"), form.Get("code_verifier")
	if code == "" {
		return nil, errInvalidRequest("code is required")
	}
	if redirectURI == "" {
		return nil, errInvalidRequest("redirect_uri is required")
	}
	if verifier != "" && !validPKCEValue(verifier) {
		return nil, errInvalidGrant("code_verifier is malformed")
	}
	resource, err := p.requestedResource(r, app, form)
	if err != nil {
		return nil, err
	}
	now := p.now()
	var (
		ac      *store.AuthorizationCode
		user    *store.User
		grant   *store.Grant
		refresh string
	)
	err = p.o.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		ac, err = tx.ConsumeAuthorizationCode(ctx, id.Hash(code), now)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return errInvalidGrant("the authorization code is invalid or has expired")
		case errors.Is(err, store.ErrConsumed):
			return &errCodeReplayed{grantID: ac.GrantID}
		case err != nil:
			return err
		}
		if ac.ApplicationID != app.ID {
			return errInvalidGrant("the authorization code was issued to another client")
		}
		if !now.Before(ac.ExpiresAt) {
			return errInvalidGrant("the authorization code has expired")
		}
		if ac.RedirectURI != redirectURI {
			return errInvalidGrant("redirect_uri does not match the authorization request")
		}
		if err := checkPKCE(ac, verifier); err != nil {
			return err
		}
		if resource != nil && !slices.Contains(ac.Resources, resource.Indicator) {
			return errInvalidTarget("the resource was not requested in the authorization request")
		}
		if user, err = tx.GetUser(ctx, ac.UserID); err != nil || user.IsSuspended {
			return errInvalidGrant("the user is no longer allowed to sign in")
		}
		offline := slices.Contains(ac.Scopes, "offline_access")
		grant = &store.Grant{ID: id.New(), ApplicationID: app.ID, UserID: user.ID, SessionIDHash: ac.SessionIDHash,
			Scopes: ac.Scopes, Resources: ac.Resources, AuthTime: ac.AuthTime, CreatedAt: now,
			ExpiresAt: now.Add(DefaultAccessTokenTTL)}
		if offline {
			grant.ExpiresAt = now.Add(DefaultRefreshTokenTTL)
		}
		if err := tx.CreateGrant(ctx, grant); err != nil {
			return err
		}
		if offline {
			refresh = id.Secret()
			if err := tx.CreateRefreshToken(ctx, &store.RefreshToken{TokenHash: id.Hash(refresh), GrantID: grant.ID,
				CreatedAt: now, ExpiresAt: grant.ExpiresAt}); err != nil {
				return err
			}
		}
		if err := tx.SetAuthorizationCodeGrant(ctx, ac.CodeHash, grant.ID); err != nil {
			return err
		}
		// One more INSERT in this transaction: the entry exists exactly
		// when the grant does (package audit explains why only here).
		ip, ua := audit.Origin(r)
		return p.o.Audit.RecordTx(ctx, tx, audit.Entry{Key: audit.KeyExchangeByAuthorizationCode,
			UserID: user.ID, ApplicationID: app.ID, IP: ip, UserAgent: ua})
	})
	var replay *errCodeReplayed
	if errors.As(err, &replay) {
		if replay.grantID != "" {
			if rerr := p.o.Store.RevokeGrant(ctx, replay.grantID, now); rerr != nil && !errors.Is(rerr, store.ErrNotFound) {
				return nil, rerr
			}
		}
		p.o.Logger.WarnContext(ctx, "authorization code replayed; tokens issued from it revoked", "client_id", app.ID)
		return nil, errInvalidGrant("the authorization code was already used")
	}
	if err != nil {
		return nil, err
	}
	return p.userTokens(ctx, app, user, grant, grant.Scopes, resource, ac.Nonce, refresh)
}

// checkPKCE (RFC 7636 §4.6, spec/security.md item 3): a verifier without an
// earlier challenge is a downgrade attempt, as is a challenge without one.
func checkPKCE(ac *store.AuthorizationCode, verifier string) error {
	switch {
	case ac.CodeChallenge == "" && verifier == "":
		return nil
	case ac.CodeChallenge == "":
		return errInvalidGrant("code_verifier sent but the authorization request had no code_challenge")
	case verifier == "":
		return errInvalidGrant("code_verifier is required")
	}
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(want), []byte(ac.CodeChallenge)) != 1 {
		return errInvalidGrant("code_verifier does not match the code_challenge")
	}
	return nil
}

// userTokens builds the response of the code and refresh grants: an at+jwt
// when a resource is asked for (scope: the granted scopes the user holds
// as permissions now, permissions.go), else the opaque userinfo token; a
// fresh ID token when openid was granted.
func (p *Provider) userTokens(ctx context.Context, app *store.Application, user *store.User, grant *store.Grant, scopes []string, resource *store.Resource, nonce, refresh string) (*tokenResponse, error) {
	resp := &tokenResponse{TokenType: "Bearer", RefreshToken: refresh}
	if resource != nil {
		scope, err := p.userResourceScope(ctx, user.ID, resource, scopes)
		if err != nil {
			return nil, err
		}
		tok, ttl, err := p.jwtAccessToken(user.ID, app.ID, resource.Indicator, scope, grant.ID, resource.AccessTokenTTL)
		if err != nil {
			return nil, err
		}
		resp.AccessToken, resp.ExpiresIn, resp.Scope = tok, ttl, scope
	} else {
		oidcScopes := knownScopes(scopes)
		resp.AccessToken, resp.ExpiresIn = p.opaqueAccessToken(user.ID, app.ID, joinScope(oidcScopes), grant.ID)
		resp.Scope = joinScope(oidcScopes)
	}
	if slices.Contains(scopes, "openid") {
		roles, err := p.roleNames(ctx, user.ID, scopes)
		if err != nil {
			return nil, err
		}
		idt, err := p.idToken(app, user, scopes, roles, grant.AuthTime, nonce, sidOf(grant.SessionIDHash))
		if err != nil {
			return nil, err
		}
		resp.IDToken = idt
	}
	return resp, nil
}

// knownScopes keeps the OpenID Connect / Logto user scopes; resource
// permissions belong in resource tokens.
func knownScopes(scopes []string) []string {
	out := []string{}
	for _, s := range scopes {
		if slices.Contains(supportedScopes, s) {
			out = append(out, s)
		}
	}
	return out
}

// requestedResource is the token request's resource (RFC 8707 §2.2), or nil.
func (p *Provider) requestedResource(r *http.Request, app *store.Application, form url.Values) (*store.Resource, error) {
	ind, err := singleResource(form)
	if ind == "" || err != nil {
		return nil, err
	}
	return p.resource(r.Context(), ind, app)
}

// singleResource is the token request's one resource parameter ("" for
// none): a token is for one audience, so naming more is invalid_target
// (spec: one resource per token request), never a token for the first.
func singleResource(form url.Values) (string, error) {
	if len(form["resource"]) > 1 {
		return "", errInvalidTarget("only one resource may be named in a token request")
	}
	return form.Get("resource"), nil
}
