package experience

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/session"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/verification"
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
	msgLocked    = "error.locked_wait" // {wait}: brute force, item 18
)

// Notices a page shows after a redirect (?notice=...), as phrase keys.
// Only these keys are shown: a notice is never text from the URL.
var notices = map[string]string{
	"password_reset": "reset.done",
}

type signInData struct {
	web.Page
	CSRF       string
	Identifier string
	// Error is the form's error, translated; "" for none. Notice is a
	// success message (role="status").
	Error, Notice string
	// SocialError says why a social sign-in came back (social_flow.go).
	SocialError string
	Summary     []string
	// View is the form: "password" (identifier and password in ONE form,
	// as Logto shows them when password sign-in is enabled) or "code"
	// (identifier, then a code sent to it).
	View string
	ID   idField
	// HasForm: some method signs in with a password or a code (else only
	// the social buttons are offered).
	HasForm bool
	// SwitchTo is the other view ("" when this one is the only one).
	SwitchTo       string
	ForgotPassword bool
	RegisterLink   bool
	Terms          termsData
	Social         []socialButton
	// Locale is the page's ui_locales parameter, carried on its links.
	Locale string
}

// signInForm is GET /sign-in. The identifier is prefilled from the
// authorization request's login_hint. Without an interaction (the page
// opened directly) the form still works and ends at /signed-in. In the
// sign-in experience's "Register" mode the page sends the browser to
// /register; direct_sign_in=social:<target> goes straight to the provider.
func (p *Pages) signInForm(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r)
	if v == nil {
		return
	}
	if v.x.SignInMode == signinexp.ModeRegister {
		p.to(w, r, "/register")
		return
	}
	if p.directSignIn(w, r, v) {
		return
	}
	d := p.signInData(w, r, v, r.URL.Query().Get("method"))
	if v.it != nil {
		d.Identifier = v.it.Request.LoginHint
	}
	if key, ok := notices[r.URL.Query().Get("notice")]; ok {
		d.Notice = v.tr.T(key)
	}
	d.SocialError = p.socialMessage(r, v)
	web.Render(w, r, http.StatusOK, "sign-in", d)
}

// signInData is the sign-in page of view ("password", "code" or "" for the
// sign-in experience's first) without a typed identifier or a message.
func (p *Pages) signInData(w http.ResponseWriter, r *http.Request, v *view, want string) signInData {
	ms := signInMethods(v.x, v.it)
	pw, code := ms.withPassword(), ms.withCode()
	d := signInData{Page: p.page(r, v, "signin.title"), CSRF: p.csrfToken(w, r),
		HasForm: len(pw)+len(code) > 0, Social: p.socialButtons(r, v), Terms: signInTerms(v.x),
		RegisterLink: v.x.SignInMode == signinexp.ModeSignInAndRegister, Locale: localeParam(r)}
	d.View = ms.firstView()
	if (want == viewPassword && len(pw) > 0) || (want == viewCode && len(code) > 0) {
		d.View = want
	}
	if d.View == viewPassword {
		d.ID = identifierField(v.tr, pw)
		if len(code) > 0 {
			d.SwitchTo = viewCode
		}
		d.ForgotPassword = len(forgotChannels(v.x)) > 0
	} else {
		d.ID = identifierField(v.tr, code)
		if len(pw) > 0 {
			d.SwitchTo = viewPassword
		}
	}
	d.Page.Images = socialImages(d.Social)
	return d
}

// signIn is POST /sign-in: with method=code it sends a code (signInSendCode),
// else it checks the password. On success the browser gets a NEW session id
// (Sessions.Start deletes any session it carried: session fixation,
// spec/security.md item 14), the interaction records the user, and a 303
// sends the browser back to /oidc/auth/resume (item 16).
func (p *Pages) signIn(w http.ResponseWriter, r *http.Request) {
	if !p.guard(w, r) {
		return
	}
	v := p.view(w, r)
	if v == nil {
		return
	}
	if v.x.SignInMode == signinexp.ModeRegister {
		p.to(w, r, "/register")
		return
	}
	if r.PostForm.Get("method") == viewCode {
		p.signInSendCode(w, r, v)
		return
	}
	ctx := r.Context()
	identifier := strings.TrimSpace(r.PostForm.Get("identifier"))
	// again shows the form with msg, a phrase key, and its placeholders'
	// values args (name, value pairs). The typed identifier is kept; the
	// password never is.
	again := func(status int, msg string, args ...any) {
		d := p.signInData(w, r, v, viewPassword)
		d.Identifier, d.Error = identifier, v.tr.T(msg, args...)
		d.Terms.Invalid = msg == msgAgree
		web.Render(w, r, status, "sign-in", d)
	}
	kinds := signInMethods(v.x, v.it).withPassword()
	if len(kinds) == 0 {
		again(http.StatusBadRequest, "signin.password_disabled")
		return
	}
	if d := signInTerms(v.x); d.Checkbox && !agreed(r) {
		again(http.StatusBadRequest, msgAgree)
		return
	}
	kind := kindOf(identifier, kinds)
	if !slices.Contains(kinds, kind) {
		again(http.StatusBadRequest, "signin.use_identifier", "label", identifierField(v.tr, kinds).Label)
		return
	}
	if kind == signinexp.Phone {
		if n, err := verification.Normalize(verification.Phone, identifier); err == nil {
			identifier = n
		}
	}
	user, err := p.Accounts.Authenticate(ctx, identifier, r.PostForm.Get("password"), server.ClientIP(r))
	if err != nil {
		p.recordPasswordFailure(r, v.it, identifier, err)
		var locked account.ErrLocked
		switch {
		case errors.As(err, &locked):
			w.Header().Set("Retry-After", strconv.Itoa(int((locked.Wait+time.Second-1)/time.Second)))
			again(http.StatusTooManyRequests, msgLocked, "wait", waitText(v.tr, locked.Wait))
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
	if !p.login(w, r, v.it, user.ID) {
		return
	}
	p.log(ctx).Info("signed in", "user_id", user.ID, "method", "password", "interaction", v.it != nil)
	p.record(r, v.it, audit.KeySignIn, audit.Password, user.ID, "")
	p.done(w, r, v.it)
}

// waitText says how long to wait, rounded up: seconds under a minute (the
// first lockouts last seconds), else minutes.
func waitText(tr *i18n.Translator, d time.Duration) string {
	if d <= time.Minute {
		return tr.T("time.seconds", "n", max(1, int((d+time.Second-1)/time.Second)))
	}
	return tr.T("time.minutes", "n", int((d+time.Minute-1)/time.Minute))
}

// localeParam is the request's own ui_locales parameter, when it is a
// plausible list of language tags: the pages carry it on their links.
func localeParam(r *http.Request) string {
	l := formOrQuery(r, web.LocalesParam)
	if len(l) > 64 || strings.ContainsAny(l, "&?#<>\"'") {
		return ""
	}
	return l
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
	v := p.view(w, r)
	if v == nil {
		return
	}
	v.it = nil // this page is about the browser session, not a sign-in
	d := signedInData{Page: p.page(r, v, "signedin.title")}
	se, err := p.Sessions.Current(ctx, r)
	switch {
	case errors.Is(err, session.ErrNoSession):
		d.Title = v.tr.T("signedin.not_title")
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
