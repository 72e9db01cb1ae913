package experience

import (
	"net/http"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/policy"
	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/validate"
	"github.com/monban-dev/monban/internal/verification"
	"github.com/monban-dev/monban/web"
)

// registerCodeData is the code page of a sign-up with a verified email or
// phone: the code, and the password when sign-up sets one.
func (p *Pages) registerCodeData(w http.ResponseWriter, r *http.Request, v *view, pd *pending) codeData {
	d := codeData{Page: p.page(r, v, "register.code_title"), CSRF: p.csrfToken(w, r), Action: "/register/verify",
		To: pd.To, NeedCode: true, NeedPassword: v.x.SignUp.Password, Errors: map[string]string{},
		Submit: v.tr.T("action.create_account"), Back: "/register", BackText: v.tr.T(changeKey(pd.Channel))}
	d.MinPassword, d.PasswordHint = passwordHint(v.tr, v.x.PasswordPolicy)
	return d
}

// registerCodeForm is GET /register/verify.
func (p *Pages) registerCodeForm(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r)
	if v == nil {
		return
	}
	pd := p.pendingFor(r, verification.Register)
	if pd == nil {
		p.to(w, r, "/register")
		return
	}
	d := p.registerCodeData(w, r, v, pd)
	d.Notice = resentNotice(r, v)
	web.Render(w, r, http.StatusOK, "verify-code", d)
}

// registerCode is POST /register/verify. The password is checked against
// the policy BEFORE the code, which a successful check consumes: a weak
// password must not cost the user a new code. Then the account is created
// with the verified address and signed in (303).
func (p *Pages) registerCode(w http.ResponseWriter, r *http.Request) {
	if !p.guard(w, r) {
		return
	}
	v := p.view(w, r)
	if v == nil {
		return
	}
	pd := p.pendingFor(r, verification.Register)
	if pd == nil || v.x.SignInMode == signinexp.ModeSignIn || len(v.x.SignUp.Identifiers) == 0 {
		p.to(w, r, "/register")
		return
	}
	f := signUpFormOf(v.x, v.it)
	again := func(status int, msg string) {
		d := p.registerCodeData(w, r, v, pd)
		d.Error, d.CodeInvalid = msg, true
		web.Render(w, r, status, "verify-code", d)
	}
	if r.PostForm.Get("resend") != "" {
		p.resend(w, r, v, pd, "/register/verify", again)
		return
	}
	in := account.NewUser{Username: pd.Username}
	if pd.Channel == verification.Phone {
		in.PrimaryPhone = pd.To
	} else {
		in.PrimaryEmail = pd.To
	}
	if v.x.SignUp.Password {
		in.Password = r.PostForm.Get("password")
		var errs validate.Errors
		var violations []policy.Violation
		if in.Password == "" {
			errs.Add("password", "password.required", "enter a password")
		} else {
			violations = v.x.PasswordPolicy.Check(in.Password, userInfo(in))
		}
		if len(errs) > 0 || len(violations) > 0 {
			d := p.registerCodeData(w, r, v, pd)
			p.showFieldErrors(&d.Errors, &d.Summary, v.tr, f, errs, violations)
			web.Render(w, r, http.StatusBadRequest, "verify-code", d)
			return
		}
	}
	if err := p.verifyCode(r, pd, r.PostForm.Get("code")); err != nil {
		p.recordCodeFailure(r, v.it, audit.Register, pd, err)
		status, msg, ok := codeMessage(w, v, pd.Channel, err)
		if !ok {
			p.fail(w, r, "verify sign-up code", err)
			return
		}
		again(status, msg)
		return
	}
	p.clearPending(w)
	p.createAccount(w, r, v, in, codeVerification(pd.Channel), func(errs validate.Errors) {
		// Taken since the first step: back to it, with the problem shown.
		d := p.registerData(w, r, v)
		d.Username = pd.Username
		d.ContactValue = pd.To
		p.showFieldErrors(&d.Errors, &d.Summary, v.tr, f, errs, nil)
		web.Render(w, r, http.StatusBadRequest, "register", d)
	})
}
