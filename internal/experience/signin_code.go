package experience

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/verification"
	"github.com/monban-dev/monban/web"
)

// signInSendCode is POST /sign-in with method=code: the typed email or
// phone number gets a sign-in code, then a 303 to /sign-in/verify. The code
// is sent whether or not an account uses the address, so the answer tells
// nothing about which accounts exist (spec/security.md item 19); only the
// owner of the address, holding the code, learns it.
func (p *Pages) signInSendCode(w http.ResponseWriter, r *http.Request, v *view) {
	identifier := strings.TrimSpace(r.PostForm.Get("identifier"))
	again := func(status int, msg string) {
		d := p.signInData(w, r, v, viewCode)
		d.Identifier, d.Error = identifier, msg
		d.Terms.Invalid = msg == v.tr.T(msgAgree)
		web.Render(w, r, status, "sign-in", d)
	}
	kinds := signInMethods(v.x, v.it).withCode()
	if len(kinds) == 0 {
		again(http.StatusBadRequest, v.tr.T("signin.code_disabled"))
		return
	}
	if signInTerms(v.x).Checkbox && !agreed(r) {
		again(http.StatusBadRequest, v.tr.T(msgAgree))
		return
	}
	if status, msg := p.startCode(w, r, v, identifier, kinds, identifierField(v.tr, kinds).Label, verification.SignIn); status != 0 {
		again(status, msg)
		return
	}
	p.to(w, r, "/sign-in/verify")
}

// startCode is the shared first step of sign-in by code and password reset:
// the identifier must be of an enabled kind and a valid address; then a
// code is sent and the address remembered for the code page. It returns a
// status and message to show when any of that fails, or 0.
func (p *Pages) startCode(w http.ResponseWriter, r *http.Request, v *view, identifier string, kinds []string,
	label string, purpose verification.Purpose) (int, string) {
	kind := kindOf(identifier, kinds)
	if !slices.Contains(kinds, kind) {
		return http.StatusBadRequest, v.tr.T("signin.use_identifier", "label", label)
	}
	ch := channelOf(kind)
	to, err := verification.Normalize(ch, identifier)
	if err != nil {
		return http.StatusBadRequest, v.tr.T(invalidIdentifierKey(ch))
	}
	if err := p.sendCode(r, v, ch, to, purpose); err != nil {
		return p.sendProblem(w, r, v, ch, err)
	}
	p.setPending(w, r, pending{Purpose: purpose, Channel: ch, To: to})
	return 0, ""
}

// signInCodeData is the code page of a sign-in by code.
func (p *Pages) signInCodeData(w http.ResponseWriter, r *http.Request, v *view, pd *pending) codeData {
	return codeData{Page: p.page(r, v, "signin.code_title"), CSRF: p.csrfToken(w, r), Action: "/sign-in/verify",
		To: pd.To, NeedCode: true, Submit: v.tr.T("action.sign_in"),
		Back: "/sign-in?method=code", BackText: v.tr.T(changeKey(pd.Channel))}
}

// changeKey is the phrase of the link back to the address step.
func changeKey(ch verification.Channel) string {
	if ch == verification.Phone {
		return "verification_code.change_phone"
	}
	return "verification_code.change_email"
}

// signInCodeForm is GET /sign-in/verify.
func (p *Pages) signInCodeForm(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r)
	if v == nil {
		return
	}
	pd := p.pendingFor(r, verification.SignIn)
	if pd == nil {
		p.to(w, r, "/sign-in?method=code")
		return
	}
	d := p.signInCodeData(w, r, v, pd)
	d.Notice = resentNotice(r, v)
	web.Render(w, r, http.StatusOK, "verify-code", d)
}

// resentNotice is the notice after "Resend code".
func resentNotice(r *http.Request, v *view) string {
	if r.URL.Query().Get("notice") == "code_resent" {
		return v.tr.T("verification_code.resent")
	}
	return ""
}

// resend sends pd's code again and 303s back to the code page (page) with
// a notice; when the code cannot be sent (too soon, no connector), again
// redraws the code page with the message.
func (p *Pages) resend(w http.ResponseWriter, r *http.Request, v *view, pd *pending, page string, again func(int, string)) {
	if err := p.sendCode(r, v, pd.Channel, pd.To, pd.Purpose); err != nil {
		again(p.sendProblem(w, r, v, pd.Channel, err))
		return
	}
	p.setPending(w, r, *pd)
	p.to(w, r, page+"?notice=code_resent")
}

// signInCode is POST /sign-in/verify: the right code signs in the account
// that uses the address (new session, interaction completed, 303), exactly
// as a right password does.
func (p *Pages) signInCode(w http.ResponseWriter, r *http.Request) {
	if !p.guard(w, r) {
		return
	}
	v := p.view(w, r)
	if v == nil {
		return
	}
	pd := p.pendingFor(r, verification.SignIn)
	if pd == nil || v.x.SignInMode == signinexp.ModeRegister {
		p.to(w, r, "/sign-in?method=code")
		return
	}
	again := func(status int, msg string) {
		d := p.signInCodeData(w, r, v, pd)
		d.Error, d.CodeInvalid = msg, true
		web.Render(w, r, status, "verify-code", d)
	}
	if r.PostForm.Get("resend") != "" {
		p.resend(w, r, v, pd, "/sign-in/verify", again)
		return
	}
	ctx := r.Context()
	if err := p.verifyCode(r, pd, r.PostForm.Get("code")); err != nil {
		p.recordCodeFailure(r, v.it, audit.SignIn, pd, err)
		status, msg, ok := codeMessage(w, v, pd.Channel, err)
		if !ok {
			p.fail(w, r, "verify sign-in code", err)
			return
		}
		again(status, msg)
		return
	}
	p.clearPending(w)
	user, err := p.Accounts.FindUser(ctx, pd.To)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// The code proved the address is theirs: saying that no account
		// uses it reveals nothing to anyone else.
		p.record(r, v.it, audit.KeySignIn, codeVerification(pd.Channel), "", audit.CodeUserNotExist)
		d := p.signInData(w, r, v, viewCode)
		d.Identifier, d.Error = pd.To, v.tr.T("signin.unknown_address", "to", pd.To)
		web.Render(w, r, http.StatusBadRequest, "sign-in", d)
		return
	case err != nil:
		p.fail(w, r, "find user", err)
		return
	case user.IsSuspended:
		p.record(r, v.it, audit.KeySignIn, codeVerification(pd.Channel), user.ID, audit.CodeSuspended)
		d := p.signInData(w, r, v, viewCode)
		d.Identifier, d.Error = pd.To, v.tr.T(msgSuspended)
		web.Render(w, r, http.StatusForbidden, "sign-in", d)
		return
	}
	if !p.login(w, r, v.it, user.ID) {
		return
	}
	p.log(ctx).Info("signed in", "user_id", user.ID, "method", "code", "interaction", v.it != nil)
	p.record(r, v.it, audit.KeySignIn, codeVerification(pd.Channel), user.ID, "")
	p.done(w, r, v.it)
}
