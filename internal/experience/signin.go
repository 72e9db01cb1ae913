package experience

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/session"
	"github.com/monban-dev/monban/web"
)

// Messages of the sign-in form, as phrase keys (web/locales/*.json).
// msgInvalid is the one answer to an unknown identifier and to a wrong
// password alike, so the form does not tell which accounts exist
// (spec/security.md item 19).
const (
	msgInvalid   = "error.invalid_credentials"
	msgSuspended = "error.suspended"
	msgBusy      = "error.busy"
	msgLocked    = "error.locked" // {minutes} to wait: brute force, item 18
)

type signInData struct {
	web.Page
	CSRF       string
	Identifier string
	// Error is the form's error, translated; "" for none.
	Error string
}

// signInForm is GET /sign-in: identifier and password in ONE form, as Logto
// shows them when password sign-in is enabled; the identifier is prefilled
// from the authorization request's login_hint. Without an interaction (the
// page opened directly) the form still works and ends at /signed-in.
func (p *Pages) signInForm(w http.ResponseWriter, r *http.Request) {
	it, err := p.interaction(r)
	if err != nil {
		p.fail(w, r, "load interaction", err)
		return
	}
	d := signInData{Page: p.page(r, it, "signin.title"), CSRF: p.csrfToken(w, r)}
	if it != nil {
		d.Identifier = it.Request.LoginHint
	}
	web.Render(w, r, http.StatusOK, "sign-in", d)
}

// signIn is POST /sign-in. On success the browser gets a NEW session id
// (Sessions.Start deletes any session it carried: session fixation,
// spec/security.md item 14), the interaction records the user, and a 303
// sends the browser back to /oidc/auth/resume (item 16).
func (p *Pages) signIn(w http.ResponseWriter, r *http.Request) {
	if !p.guard(w, r) {
		return
	}
	ctx := r.Context()
	it, err := p.interaction(r)
	if err != nil {
		p.fail(w, r, "load interaction", err)
		return
	}
	identifier := strings.TrimSpace(r.PostForm.Get("identifier"))
	user, err := p.Accounts.Authenticate(ctx, identifier, r.PostForm.Get("password"), server.ClientIP(r))
	if err != nil {
		// again shows the form with msg, a phrase key, and its
		// placeholders' values args (name, value pairs).
		again := func(status int, msg string, args ...any) {
			pg := p.page(r, it, "signin.title")
			// The typed identifier is kept; the password never is.
			web.Render(w, r, status, "sign-in", signInData{Page: pg,
				CSRF: p.csrfToken(w, r), Identifier: identifier, Error: i18n.For(pg.Lang).T(msg, args...)})
		}
		var locked account.ErrLocked
		switch {
		case errors.As(err, &locked):
			w.Header().Set("Retry-After", strconv.Itoa(int((locked.Wait+time.Second-1)/time.Second)))
			again(http.StatusTooManyRequests, msgLocked, "minutes", int((locked.Wait+time.Minute-1)/time.Minute))
		case errors.Is(err, account.ErrInvalidCredentials):
			again(http.StatusBadRequest, msgInvalid)
		case errors.Is(err, account.ErrSuspended):
			again(http.StatusForbidden, msgSuspended)
		case errors.Is(err, password.ErrBusy):
			again(http.StatusTooManyRequests, msgBusy)
		case ctx.Err() != nil:
			// The password limiter gave up waiting: overload, not a fault.
			again(http.StatusServiceUnavailable, msgBusy)
		default:
			p.fail(w, r, "authenticate", err)
		}
		return
	}
	if !p.login(w, r, it, user.ID) {
		return
	}
	p.log(ctx).Info("signed in", "user_id", user.ID, "interaction", it != nil)
	p.done(w, r, it)
}

// login starts the browser session for userID and, during a sign-in,
// records the user on the interaction. It answers 500 and returns false on
// a store error.
func (p *Pages) login(w http.ResponseWriter, r *http.Request, it *interaction.Interaction, userID string) bool {
	ctx := r.Context()
	now := time.Now().UTC()
	if _, err := p.Sessions.Start(ctx, w, r, userID, now, nil); err != nil {
		p.fail(w, r, "start session", err)
		return false
	}
	if it == nil {
		return true
	}
	if it.Record.UserID != userID {
		// Another account signed in during this interaction: a consent given
		// by the previous one must not carry over.
		it.Record.Consented = false
	}
	if err := p.Interactions.CompleteLogin(ctx, it, userID, now); err != nil {
		p.fail(w, r, "complete login", err)
		return false
	}
	return true
}

type signedInData struct {
	web.Page
	User string
}

// signedIn is GET /signed-in, where a sign-in without an application ends.
func (p *Pages) signedIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := signedInData{Page: p.page(r, nil, "signedin.title")}
	se, err := p.Sessions.Current(ctx, r)
	switch {
	case errors.Is(err, session.ErrNoSession):
		d.Title = i18n.For(d.Lang).T("signedin.not_title")
	case err != nil:
		p.fail(w, r, "load session", err)
		return
	default:
		d.User = p.displayName(r, se.UserID)
	}
	web.Render(w, r, http.StatusOK, "signed-in", d)
}

// displayName is how a page names the signed-in user: the username, else
// the email, else the phone, else the id.
func (p *Pages) displayName(r *http.Request, userID string) string {
	u, err := p.Accounts.Store.GetUser(r.Context(), userID)
	if err != nil {
		p.log(r.Context()).Warn("hosted page: load user", "user_id", userID, "err", err)
		return userID
	}
	for _, s := range []string{u.Username, u.PrimaryEmail, u.PrimaryPhone} {
		if s != "" {
			return s
		}
	}
	return u.ID
}
