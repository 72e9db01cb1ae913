package experience

import (
	"errors"
	"net/http"
	"strings"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/account/policy"
	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
	"github.com/monban-dev/monban/internal/verification"
	"github.com/monban-dev/monban/web"
)

// forgotChannels are the identifier kinds (email, phone) that can reset a
// password, from the sign-in experience's forgotPasswordMethods; none when
// no sign-in method uses a password.
func forgotChannels(x *signinexp.SignInExperience) []string {
	if len(methods(x.SignIn.Methods).withPassword()) == 0 {
		return nil
	}
	var out []string
	for _, m := range x.ForgotPasswordMethods {
		switch m {
		case "EmailVerificationCode":
			out = append(out, signinexp.Email)
		case "PhoneVerificationCode":
			out = append(out, signinexp.Phone)
		}
	}
	return out
}

type resetData struct {
	web.Page
	CSRF          string
	Error, Notice string
	Summary       []string
	Intro         string
	ID            idField
	Identifier    string
	// Unavailable: the sign-in experience has no forgot-password method.
	Unavailable bool
	Locale      string
}

func (p *Pages) resetData(w http.ResponseWriter, r *http.Request, v *view) resetData {
	kinds := forgotChannels(v.x)
	d := resetData{Page: p.page(r, v, "reset.title"), CSRF: p.csrfToken(w, r), Unavailable: len(kinds) == 0,
		ID: identifierField(v.tr, kinds), Locale: localeParam(r)}
	d.Intro = v.tr.T("reset.intro", "label", d.ID.Label)
	return d
}

// resetForm is GET /reset-password (Logto's first_screen=reset_password):
// the email or phone number of the account, to send a code to.
func (p *Pages) resetForm(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r)
	if v == nil {
		return
	}
	d := p.resetData(w, r, v)
	if v.it != nil {
		if hint := v.it.Request.LoginHint; hint != "" {
			if hintFits(hint, forgotChannels(v.x)) {
				d.Identifier = hint
			}
		}
	}
	web.Render(w, r, http.StatusOK, "reset-password", d)
}

// reset is POST /reset-password: a code goes to the typed address, then a
// 303 leads to /reset-password/verify. As for sign-in by code, the code is
// sent whether or not an account uses the address (spec/security.md item
// 19).
func (p *Pages) reset(w http.ResponseWriter, r *http.Request) {
	if !p.guard(w, r) {
		return
	}
	v := p.view(w, r)
	if v == nil {
		return
	}
	identifier := strings.TrimSpace(r.PostForm.Get("identifier"))
	d := p.resetData(w, r, v)
	d.Identifier = identifier
	again := func(status int, msg string) {
		d.Error = msg
		web.Render(w, r, status, "reset-password", d)
	}
	kinds := forgotChannels(v.x)
	if len(kinds) == 0 {
		web.Render(w, r, http.StatusForbidden, "reset-password", d)
		return
	}
	if status, msg := p.startCode(w, r, v, identifier, kinds, d.ID.Label, verification.ForgotPassword); status != 0 {
		again(status, msg)
		return
	}
	p.to(w, r, "/reset-password/verify")
}

// resetCodeData is the second step: the code (until it was verified) and
// the new password.
func (p *Pages) resetCodeData(w http.ResponseWriter, r *http.Request, v *view, pd *pending) codeData {
	d := codeData{Page: p.page(r, v, "reset.title"), CSRF: p.csrfToken(w, r), Action: "/reset-password/verify",
		To: pd.To, NeedCode: !pd.Verified, NeedPassword: true, NewPassword: true, Errors: map[string]string{},
		Submit: v.tr.T("reset.submit"), Back: "/reset-password", BackText: v.tr.T(changeKey(pd.Channel))}
	d.MinPassword, d.PasswordHint = passwordHint(v.tr, v.x.PasswordPolicy)
	return d
}

// resetCodeForm is GET /reset-password/verify.
func (p *Pages) resetCodeForm(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r)
	if v == nil {
		return
	}
	pd := p.pendingFor(r, verification.ForgotPassword)
	if pd == nil {
		p.to(w, r, "/reset-password")
		return
	}
	d := p.resetCodeData(w, r, v, pd)
	d.Notice = resentNotice(r, v)
	web.Render(w, r, http.StatusOK, "verify-code", d)
}

// resetCode is POST /reset-password/verify. The rules of the password
// policy that do not depend on the account are checked first, so a weak
// password does not cost the code; then the code (consumed); then the
// rules about the account's own identifiers, which must not be checked
// before the code proved ownership, or they would tell a stranger whether
// the address has an account (spec/security.md item 19). A verified code
// is remembered for this browser until the new password is accepted. The
// new password ends every session of the account; a 303 leads to the
// sign-in page with a success message.
func (p *Pages) resetCode(w http.ResponseWriter, r *http.Request) {
	if !p.guard(w, r) {
		return
	}
	v := p.view(w, r)
	if v == nil {
		return
	}
	pd := p.pendingFor(r, verification.ForgotPassword)
	if pd == nil || len(forgotChannels(v.x)) == 0 {
		p.to(w, r, "/reset-password")
		return
	}
	ctx := r.Context()
	f := signUpForm{}
	again := func(status int, msg string) {
		d := p.resetCodeData(w, r, v, pd)
		d.Error, d.CodeInvalid = msg, !pd.Verified
		web.Render(w, r, status, "verify-code", d)
	}
	policyErrors := func(violations []policy.Violation, errs validate.Errors) {
		d := p.resetCodeData(w, r, v, pd)
		p.showFieldErrors(&d.Errors, &d.Summary, v.tr, f, errs, violations)
		web.Render(w, r, http.StatusBadRequest, "verify-code", d)
	}
	if r.PostForm.Get("resend") != "" && !pd.Verified {
		p.resend(w, r, v, pd, "/reset-password/verify", again)
		return
	}
	pw := r.PostForm.Get("password")
	if pw == "" {
		policyErrors(nil, validate.Errors{{Field: "password", Code: "password.required", Message: "enter a password"}})
		return
	}
	generic := v.x.PasswordPolicy
	generic.Rejects.UserInfo = false
	if vs := generic.Check(pw, policy.UserInfo{}); len(vs) > 0 {
		policyErrors(vs, nil)
		return
	}
	if !pd.Verified {
		if err := p.verifyCode(r, pd, r.PostForm.Get("code")); err != nil {
			p.recordCodeFailure(r, v.it, audit.ForgotPassword, pd, err)
			status, msg, ok := codeMessage(w, v, pd.Channel, err)
			if !ok {
				p.fail(w, r, "verify reset code", err)
				return
			}
			again(status, msg)
			return
		}
		pd.Verified = true
		p.setPending(w, r, *pd)
	}
	user, err := p.Accounts.FindUser(ctx, pd.To)
	if errors.Is(err, store.ErrNotFound) {
		p.record(r, v.it, audit.KeyForgotPassword, codeVerification(pd.Channel), "", audit.CodeUserNotExist)
		p.clearPending(w)
		d := p.resetData(w, r, v)
		d.Identifier, d.Error = pd.To, v.tr.T("signin.unknown_address", "to", pd.To)
		web.Render(w, r, http.StatusBadRequest, "reset-password", d)
		return
	}
	if err != nil {
		p.fail(w, r, "find user", err)
		return
	}
	info := policy.UserInfo{Username: user.Username, Email: user.PrimaryEmail, Phone: user.PrimaryPhone, Name: user.Name}
	if vs := v.x.PasswordPolicy.Check(pw, info); len(vs) > 0 {
		policyErrors(vs, nil)
		return
	}
	switch err := p.Accounts.ResetPassword(ctx, user.ID, pw); {
	case errors.Is(err, account.ErrNoPassword):
		policyErrors(nil, validate.Errors{{Field: "password", Code: "password.blank", Message: "must not be only spaces"}})
		return
	case errors.Is(err, password.ErrBusy):
		again(http.StatusTooManyRequests, v.tr.T(msgBusy))
		return
	case err != nil:
		p.fail(w, r, "reset password", err)
		return
	}
	p.clearPending(w)
	p.log(ctx).Info("password reset", "user_id", user.ID, "channel", string(pd.Channel))
	p.record(r, v.it, audit.KeyForgotPassword, codeVerification(pd.Channel), user.ID, "")
	p.to(w, r, "/sign-in?notice=password_reset")
}
