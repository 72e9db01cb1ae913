package oidc

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/session"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/web"
)

// continueAuthorization decides, for a valid request, what happens next:
// send the browser to sign in, to consent, or issue the code. It runs for
// the first request and again when the hosted pages resume the interaction.
func (p *Provider) continueAuthorization(w http.ResponseWriter, r *http.Request, app *store.Application, req interaction.Request, it *interaction.Interaction) {
	ctx := r.Context()
	now := p.now()
	se, user, err := p.currentUser(r)
	if err != nil {
		p.redirectError(w, r, req, errServer(err.Error()))
		return
	}
	// The user signed in during this very interaction: prompt=login and
	// max_age are satisfied by that sign-in.
	freshLogin := it != nil && it.Record.LoginAt != nil && se != nil && it.Record.UserID == se.UserID
	needLogin := se == nil
	if se != nil && !freshLogin {
		if req.HasPrompt("login") {
			needLogin = true
		}
		// OIDC Core §3.1.2.1: max_age forces re-authentication when the
		// last one is older.
		if req.MaxAge != nil && now.Sub(se.AuthTime) > time.Duration(*req.MaxAge)*time.Second {
			needLogin = true
		}
	}
	if needLogin {
		if req.HasPrompt("none") {
			p.finishInteraction(w, r, it)
			p.redirectError(w, r, req, oauthErr("login_required", 400, "the user is not signed in"))
			return
		}
		p.toHostedPage(w, r, req, it, req.Screen())
		return
	}
	if app.IsThirdParty && !(it != nil && it.Record.Consented) {
		consented, err := p.hasConsent(r, user.ID, app.ID, interaction.ConsentItems(req))
		if err != nil {
			p.redirectError(w, r, req, errServer(err.Error()))
			return
		}
		if !consented || req.HasPrompt("consent") {
			if req.HasPrompt("none") {
				p.finishInteraction(w, r, it)
				p.redirectError(w, r, req, oauthErr("consent_required", 400, "the user has not consented to this application"))
				return
			}
			if it == nil {
				if it, err = p.o.Interactions.Start(ctx, w, req); err != nil {
					p.redirectError(w, r, req, errServer(err.Error()))
					return
				}
			}
			if it.Record.UserID == "" {
				if err := p.o.Interactions.CompleteLogin(ctx, it, se.UserID, se.AuthTime); err != nil {
					p.redirectError(w, r, req, errServer(err.Error()))
					return
				}
			}
			p.redirect(w, r, p.o.URL("/consent"))
			return
		}
	}
	code, err := p.issueCode(r, app, req, se, user)
	if err != nil {
		p.redirectError(w, r, req, asError(err))
		return
	}
	p.finishInteraction(w, r, it)
	p.respond(w, r, req, map[string]string{"code": code})
}

// currentUser is the browser session's user, or nils when there is none
// (or the user was deleted or suspended since).
func (p *Provider) currentUser(r *http.Request) (*store.Session, *store.User, error) {
	se, err := p.o.Sessions.Current(r.Context(), r)
	if errors.Is(err, session.ErrNoSession) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := p.o.Store.GetUser(r.Context(), se.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if u.IsSuspended {
		return nil, nil, nil
	}
	return se, u, nil
}

func (p *Provider) hasConsent(r *http.Request, userID, appID string, scopes []string) (bool, error) {
	c, err := p.o.Store.GetConsent(r.Context(), userID, appID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, s := range scopes {
		if !slices.Contains(c.Scopes, s) {
			return false, nil
		}
	}
	return true, nil
}

// toHostedPage parks the request in an interaction (bound to this browser
// by a cookie) and sends the browser to the sign-in or registration page.
func (p *Provider) toHostedPage(w http.ResponseWriter, r *http.Request, req interaction.Request, it *interaction.Interaction, screen string) {
	if it == nil {
		if _, err := p.o.Interactions.Start(r.Context(), w, req); err != nil {
			p.redirectError(w, r, req, errServer(err.Error()))
			return
		}
	}
	p.redirect(w, r, p.o.URL("/"+screen))
}

// handleResume continues an interaction after the hosted pages.
func (p *Provider) handleResume(w http.ResponseWriter, r *http.Request) {
	it, err := p.o.Interactions.Current(r.Context(), r)
	if err != nil {
		if !errors.Is(err, interaction.ErrNone) {
			p.o.Logger.ErrorContext(r.Context(), "load interaction", "err", err)
		}
		web.ErrorPage(w, r, http.StatusBadRequest, p.o.Base, "Sign-in expired",
			"This sign-in has expired or was started in another browser. Go back to the application and sign in again.")
		return
	}
	app, err := p.o.Applications.Get(r.Context(), it.Request.ClientID)
	if err != nil {
		p.finishInteraction(w, r, it)
		p.errorPage(w, r, "The application of this sign-in no longer exists.")
		return
	}
	if r.URL.Query().Get("error") == "access_denied" {
		p.finishInteraction(w, r, it)
		p.redirectError(w, r, it.Request, oauthErr("access_denied", 400, "the user denied the request"))
		return
	}
	p.continueAuthorization(w, r, app, it.Request, it)
}

func (p *Provider) finishInteraction(w http.ResponseWriter, r *http.Request, it *interaction.Interaction) {
	if it == nil {
		return
	}
	if err := p.o.Interactions.Finish(r.Context(), w, it); err != nil {
		p.o.Logger.WarnContext(r.Context(), "finish interaction", "err", err)
	}
}

// issueCode stores a single-use authorization code bound to the client, the
// redirect URI, the PKCE challenge and the session.
func (p *Provider) issueCode(r *http.Request, app *store.Application, req interaction.Request, se *store.Session, u *store.User) (string, error) {
	now := p.now()
	code := id.Secret()
	err := p.o.Store.CreateAuthorizationCode(r.Context(), &store.AuthorizationCode{
		CodeHash: id.Hash(code), ApplicationID: app.ID, UserID: u.ID, SessionIDHash: se.IDHash,
		RedirectURI: req.RedirectURI, Scopes: grantedScopes(app, req), Resources: req.Resources,
		Nonce: req.Nonce, CodeChallenge: req.CodeChallenge, CodeChallengeMethod: req.CodeChallengeMethod,
		AuthTime: se.AuthTime, CreatedAt: now, ExpiresAt: now.Add(AuthorizationCodeTTL),
	})
	return code, err
}

// grantedScopes: what the code carries. offline_access only with
// prompt=consent (OIDC Core §11); both SDKs send prompt=consent by default
// and first-party applications are consented automatically.
func grantedScopes(app *store.Application, req interaction.Request) []string {
	out := make([]string, 0, len(req.Scopes))
	for _, s := range req.Scopes {
		if s == "offline_access" && !req.HasPrompt("consent") {
			continue
		}
		out = append(out, s)
	}
	return out
}
