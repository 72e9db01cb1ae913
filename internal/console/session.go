package console

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
)

// The admin session is a row of the store's sessions, like the browser
// session of the hosted pages, but apart from it in every way that
// matters:
//   - its own cookie (Path=/console, SameSite=Strict, HttpOnly, Secure and
//     the __Secure- prefix on https), so the hosted pages never see it;
//   - its stored key is SHA-256("console:" + id), so a console cookie
//     presented as the hosted pages' session cookie (or the reverse) finds
//     nothing;
//   - Data {"kind": "console"}, checked on every read;
//   - an idle timeout (the expiry slides, written at most once a minute)
//     and an absolute one (from sign-in, never extended);
//   - a new id at every sign-in (session fixation), deleted at sign-out;
//   - the user is read on every request: an admin who lost IsAdmin or was
//     suspended is out at once.
const (
	cookieName       = "monban_console"
	secureCookieName = "__Secure-monban_console"
	sessionKind      = "console"
	// touchEvery bounds the writes of sliding expiry.
	touchEvery = time.Minute
)

// Admin is the signed-in administrator of a console request, with the
// request's language.
type Admin struct {
	User *store.User
	// Lang and Tr are the page's language and its translator.
	Lang string
	Tr   *i18n.Translator
	// CSRF is the token for this page's forms.
	CSRF string

	sessionRaw string
}

func (c *Console) cookieName() string {
	if c.o.Secure {
		return secureCookieName
	}
	return cookieName
}

func sessionKey(raw string) []byte { return id.Hash("console:" + raw) }

func (c *Console) sessionCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: c.cookieName(), Value: value, Path: c.root, MaxAge: maxAge, HttpOnly: true,
		Secure: c.o.Secure, SameSite: http.SameSiteStrictMode}
}

// admin returns the request's signed-in admin, or nil (no cookie, unknown,
// expired, not a console session, not an admin any more). A store error is
// logged and treated as signed out: the sign-in page then says more.
func (c *Console) admin(w http.ResponseWriter, r *http.Request) *Admin {
	ck, err := r.Cookie(c.cookieName())
	if err != nil || ck.Value == "" || len(ck.Value) > 128 {
		return nil
	}
	ctx := r.Context()
	key := sessionKey(ck.Value)
	se, err := c.o.Store.GetSession(ctx, key)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			c.log(ctx).Error("console: read session", "err", err)
		}
		return nil
	}
	now := c.now()
	if kind, _ := se.Data["kind"].(string); kind != sessionKind || !se.ExpiresAt.After(now) ||
		!se.CreatedAt.Add(c.o.AbsoluteTimeout).After(now) {
		return nil
	}
	u, err := c.o.Store.GetUser(ctx, se.UserID)
	if err != nil || !u.IsAdmin || u.IsSuspended {
		return nil
	}
	// Sliding idle expiry, capped by the absolute one.
	next := c.expiry(se.CreatedAt, now)
	if next.Sub(se.ExpiresAt) >= touchEvery {
		if err := c.o.Store.TouchSession(ctx, key, next); err != nil {
			c.log(ctx).Warn("console: slide session expiry", "err", err)
		}
	}
	lang := c.lang(r)
	return &Admin{User: u, Lang: lang, Tr: catalog.For(lang), CSRF: c.token(ck.Value), sessionRaw: ck.Value}
}

func (c *Console) expiry(created, now time.Time) time.Time {
	idle, abs := now.Add(c.o.IdleTimeout), created.Add(c.o.AbsoluteTimeout)
	if abs.Before(idle) {
		return abs
	}
	return idle
}

// startSession signs u in to the console: a new session id, the one the
// request carried (if any) deleted.
func (c *Console) startSession(ctx context.Context, w http.ResponseWriter, r *http.Request, u *store.User) error {
	c.endSession(ctx, w, r)
	raw := id.Secret()
	now := c.now()
	se := &store.Session{IDHash: sessionKey(raw), UserID: u.ID, AuthTime: now, CreatedAt: now,
		ExpiresAt: c.expiry(now, now), Data: map[string]any{"kind": sessionKind}}
	if err := c.o.Store.CreateSession(ctx, se); err != nil {
		return err
	}
	// A session cookie (no Max-Age): it ends with the browser too.
	http.SetCookie(w, c.sessionCookie(raw, 0))
	return nil
}

// endSession deletes the request's console session and clears its cookie.
func (c *Console) endSession(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	ck, err := r.Cookie(c.cookieName())
	if err != nil || ck.Value == "" || len(ck.Value) > 128 {
		return
	}
	http.SetCookie(w, c.sessionCookie("", -1))
	if err := c.o.Store.DeleteSession(ctx, sessionKey(ck.Value)); err != nil && !errors.Is(err, store.ErrNotFound) {
		c.log(ctx).Warn("console: delete session", "err", err)
	}
}

// toSignIn redirects an anonymous request to the sign-in page, or to the
// set-up page while no admin exists.
func (c *Console) toSignIn(w http.ResponseWriter, r *http.Request) {
	target := c.root + "/sign-in"
	if n, err := c.o.Store.CountAdmins(r.Context()); err == nil && n == 0 {
		target = c.root + "/setup"
	}
	seeOther(w, r, target)
}

func seeOther(w http.ResponseWriter, r *http.Request, target string) {
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}
