package experience

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/account/policy"
	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/validate"
	"github.com/monban-dev/monban/internal/verification"
	"github.com/monban-dev/monban/web"
)

// The inputs of the registration form besides username and password: the
// email or phone number sign-up asks for.
const (
	inputEmail        = "email"
	inputPhone        = "phone"
	inputEmailOrPhone = "email_or_phone"
)

// signUpForm is what the registration form asks for, from the sign-in
// experience's signUp.
type signUpForm struct {
	// Username: a username is required.
	Username bool
	// Contact is the input for an email, a phone number or either ("" for
	// none); OptionalEmail makes it an optional email (sign-up by username
	// alone still lets people leave an address).
	Contact       string
	OptionalEmail bool
	// Password: sign-up sets a password. Verify: the email or phone is
	// verified by a code before the account exists; the password is then
	// asked on the code page.
	Password, Verify bool
}

// signUpFormOf reads x.SignUp, the email/phone part narrowed to the
// authorization request's identifier parameter when that leaves any.
// Logto's "email and phone" means "email or phone".
func signUpFormOf(x *signinexp.SignInExperience, it *interaction.Interaction) signUpForm {
	ids := x.SignUp.Identifiers
	f := signUpForm{Username: slices.Contains(ids, signinexp.Username), Password: x.SignUp.Password}
	email, phone := slices.Contains(ids, signinexp.Email), slices.Contains(ids, signinexp.Phone)
	if it != nil && len(it.Request.Identifiers) > 0 && email && phone {
		e, ph := slices.Contains(it.Request.Identifiers, signinexp.Email), slices.Contains(it.Request.Identifiers, signinexp.Phone)
		if e != ph {
			email, phone = e, ph
		}
	}
	switch {
	case email && phone:
		f.Contact = inputEmailOrPhone
	case email:
		f.Contact = inputEmail
	case phone:
		f.Contact = inputPhone
	case f.Username:
		f.Contact, f.OptionalEmail = inputEmail, true
	}
	f.Verify = x.SignUp.Verify && f.Contact != "" && !f.OptionalEmail
	return f
}

// contactKinds are the identifier kinds the contact input takes.
func contactKinds(input string) []string {
	switch input {
	case inputEmail:
		return []string{signinexp.Email}
	case inputPhone:
		return []string{signinexp.Phone}
	case inputEmailOrPhone:
		return []string{signinexp.Email, signinexp.Phone}
	}
	return nil
}

type registerData struct {
	web.Page
	CSRF          string
	Error, Notice string
	// Errors maps a form input ("username", "email", "password" ...) to the
	// message shown next to it; Summary repeats every problem in the
	// role="alert" box at the top, which screen readers announce. Both are
	// translated (fieldMessage).
	Errors  map[string]string
	Summary []string

	AskUsername bool
	Username    string
	// Contact is the name (and id) of the email/phone input, "" for none.
	Contact         string
	ContactField    idField
	ContactValue    string
	OptionalContact bool
	AskPassword     bool
	NewPassword     bool // always false: read by the shared new-password block
	MinPassword     int
	PasswordHint    string
	// SendsCode: the button sends a verification code (next step: the
	// code page) instead of creating the account.
	SendsCode bool

	Terms  termsData
	Social []socialButton
	// Closed: the sign-in experience's mode is "SignIn" (no sign-up).
	// SocialOnly: sign-up identifiers are "not applicable".
	Closed, SocialOnly bool
	SignInLink         bool
	Locale             string
}

// registerData is the registration page without typed values or errors.
func (p *Pages) registerData(w http.ResponseWriter, r *http.Request, v *view) registerData {
	f := signUpFormOf(v.x, v.it)
	d := registerData{Page: p.page(r, v, "register.title"), CSRF: p.csrfToken(w, r), Errors: map[string]string{},
		AskUsername: f.Username, Contact: f.Contact, ContactField: identifierField(v.tr, contactKinds(f.Contact)),
		OptionalContact: f.OptionalEmail, AskPassword: f.Password && !f.Verify, SendsCode: f.Verify,
		Terms: registerTerms(v.x), Social: p.socialButtons(r, v), Closed: v.x.SignInMode == signinexp.ModeSignIn,
		SocialOnly: len(v.x.SignUp.Identifiers) == 0, SignInLink: v.x.SignInMode != signinexp.ModeRegister,
		Locale: localeParam(r)}
	d.MinPassword, d.PasswordHint = passwordHint(v.tr, v.x.PasswordPolicy)
	d.Page.Images = socialImages(d.Social)
	return d
}

// passwordHint is the minimum length and the hint under a new-password
// input, from the password policy.
func passwordHint(tr *i18n.Translator, pol policy.Policy) (int, string) {
	minLen := max(pol.Length.Min, account.MinPasswordLength)
	hint := tr.T("register.password_hint", "min", minLen)
	if pol.CharacterTypes.Min > 1 {
		hint += " " + tr.T("register.password_hint_types", "min", pol.CharacterTypes.Min)
	}
	return minLen, hint
}

// registerForm is GET /register: the form the sign-in experience's signUp
// describes; "registration is closed" in the SignIn mode; the social
// buttons alone when sign-up identifiers are "not applicable". A
// login_hint prefills the email or phone (or, failing that, the username).
func (p *Pages) registerForm(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r)
	if v == nil {
		return
	}
	d := p.registerData(w, r, v)
	if d.Closed {
		web.Render(w, r, http.StatusForbidden, "register", d)
		return
	}
	if !d.SocialOnly && p.directSignIn(w, r, v) {
		return
	}
	if v.it != nil {
		hint := v.it.Request.LoginHint
		switch {
		case hint == "":
		case hintFits(hint, contactKinds(d.Contact)):
			d.ContactValue = hint
		case d.AskUsername:
			d.Username = hint
		}
	}
	web.Render(w, r, http.StatusOK, "register", d)
}

// register is POST /register. Every problem of the form is shown at once,
// next to its input: identifiers (format, already in use), the password
// policy (each broken rule), the terms. Then either the account is created
// and signed in exactly as after POST /sign-in (new session, interaction
// completed, 303), or, when the email or phone must be verified, a code is
// sent and a 303 leads to /register/verify.
func (p *Pages) register(w http.ResponseWriter, r *http.Request) {
	if !p.guard(w, r) {
		return
	}
	ctx := r.Context()
	v := p.view(w, r)
	if v == nil {
		return
	}
	d := p.registerData(w, r, v)
	if d.Closed || d.SocialOnly {
		web.Render(w, r, http.StatusForbidden, "register", d)
		return
	}
	f := signUpFormOf(v.x, v.it)
	in := account.NewUser{Password: r.PostForm.Get("password")}
	if f.Username {
		in.Username = strings.TrimSpace(r.PostForm.Get("username"))
	}
	contact := strings.TrimSpace(r.PostForm.Get(f.Contact))
	var ch verification.Channel
	if contact != "" {
		kind := kindOf(contact, contactKinds(f.Contact))
		ch = channelOf(kind)
		norm, err := verification.Normalize(ch, contact)
		if err != nil {
			norm = contact // CheckNewUser names the problem
		}
		if kind == signinexp.Phone {
			in.PrimaryPhone = norm
		} else {
			in.PrimaryEmail = norm
		}
	}
	var errs validate.Errors
	if f.Username && in.Username == "" {
		errs.Add("username", "user.username_required", "enter a username")
	}
	if f.Contact != "" && contact == "" && !f.OptionalEmail {
		errs.Add(f.Contact, "user."+f.Contact+"_required", "enter it")
	}
	if d.AskPassword && in.Password == "" {
		errs.Add("password", "password.required", "enter a password")
	}
	if err := p.Accounts.CheckNewUser(ctx, in); err != nil {
		fe, ok := validate.As(err)
		if !ok {
			p.fail(w, r, "check new user", err)
			return
		}
		for _, e := range fe {
			if e.Field == "username" && e.Code == "user.identifier_required" {
				continue // reported above, on the input that is missing
			}
			if e.Field == "password" && (!d.AskPassword || in.Password == "") {
				continue
			}
			errs = append(errs, e)
		}
	}
	var violations []policy.Violation
	if d.AskPassword && in.Password != "" {
		violations = v.x.PasswordPolicy.Check(in.Password, userInfo(in))
	}
	termsMissing := d.Terms.Checkbox && !agreed(r)
	d.Username, d.ContactValue = in.Username, contact
	if len(errs) > 0 || len(violations) > 0 || termsMissing {
		if termsMissing {
			d.Terms.Invalid = true
			d.Summary = append(d.Summary, v.tr.T(msgAgree))
		}
		p.showFieldErrors(&d.Errors, &d.Summary, v.tr, f, errs, violations)
		web.Render(w, r, http.StatusBadRequest, "register", d)
		return
	}
	if f.Verify {
		to := in.PrimaryEmail + in.PrimaryPhone
		if err := p.sendCode(r, v, ch, to, verification.Register); err != nil {
			status, msg := p.sendProblem(w, r, v, ch, err)
			d.Error = msg
			web.Render(w, r, status, "register", d)
			return
		}
		p.setPending(w, r, pending{Purpose: verification.Register, Channel: ch, To: to, Username: in.Username})
		p.to(w, r, "/register/verify")
		return
	}
	how := audit.Verification("")
	if in.Password != "" {
		how = audit.Password
	}
	p.createAccount(w, r, v, in, how, func(errs validate.Errors) {
		p.showFieldErrors(&d.Errors, &d.Summary, v.tr, f, errs, nil)
		web.Render(w, r, http.StatusBadRequest, "register", d)
	})
}

// createAccount creates in and signs it in (303). A field error (an
// identifier taken since it was checked) goes to again; a busy password
// hasher is reported on the password.
func (p *Pages) createAccount(w http.ResponseWriter, r *http.Request, v *view, in account.NewUser, how audit.Verification, again func(validate.Errors)) {
	ctx := r.Context()
	u, err := p.Accounts.CreateUser(ctx, in)
	if err != nil {
		fe, ok := validate.As(err)
		switch {
		case ok:
			// Taken since it was checked: a refused sign-up.
			p.record(r, v.it, audit.KeyRegister, how, "", fe[0].Code)
			again(fe)
		case errors.Is(err, password.ErrBusy):
			again(validate.Errors{{Field: "password", Code: "server.busy", Message: "The server is busy. Try again in a moment."}})
		default:
			p.fail(w, r, "create user", err)
		}
		return
	}
	if !p.login(w, r, v.it, u.ID) {
		return
	}
	p.log(ctx).Info("registered", "user_id", u.ID, "interaction", v.it != nil)
	p.record(r, v.it, audit.KeyRegister, how, u.ID, "")
	p.done(w, r, v.it)
}

// userInfo is what the password policy's user-info rule compares with.
func userInfo(in account.NewUser) policy.UserInfo {
	return policy.UserInfo{Username: in.Username, Email: in.PrimaryEmail, Phone: in.PrimaryPhone, Name: in.Name}
}

// showFieldErrors puts errs and the password's violations next to their
// inputs (several messages of one input in one paragraph) and, each
// prefixed with its field's label, in the summary.
func (p *Pages) showFieldErrors(inline *map[string]string, summary *[]string, tr *i18n.Translator, f signUpForm, errs validate.Errors, violations []policy.Violation) {
	if *inline == nil {
		*inline = map[string]string{}
	}
	add := func(field, msg string) {
		input, label := f.input(field)
		if input == "" {
			*summary = append(*summary, msg)
			return
		}
		prev, ok := (*inline)[input]
		switch {
		case ok && strings.Contains(prev, msg):
			return
		case ok && strings.HasSuffix(prev, "。"): // Japanese runs sentences together
			(*inline)[input] = prev + msg
		case ok:
			(*inline)[input] = prev + " " + msg
		default:
			(*inline)[input] = msg
		}
		*summary = append(*summary, tr.T("register.summary_item", "field", tr.T(label), "message", msg))
	}
	for _, v := range violations {
		add("password", fieldMessage(tr, v.Code, v.Params, v.Message))
	}
	for _, e := range errs {
		if e.Field == "password" && len(violations) > 0 {
			continue // the policy said it already, in its own words
		}
		add(e.Field, fieldMessage(tr, e.Code, fieldParams(e.Code), e.Message))
	}
}

// input maps an account field name (Logto's API names) or a form input to
// this form's input and its label's phrase key; "" for a field the form
// has no input for.
func (f signUpForm) input(field string) (string, string) {
	switch field {
	case "username":
		return "username", "field.username"
	case "password":
		return "password", "field.password"
	case "primaryEmail", inputEmail:
		if f.Contact == inputEmailOrPhone {
			return inputEmailOrPhone, "identifier.email_phone"
		}
		return inputEmail, "field.email"
	case "primaryPhone", inputPhone:
		if f.Contact == inputEmailOrPhone {
			return inputEmailOrPhone, "identifier.email_phone"
		}
		return inputPhone, "field.phone"
	case inputEmailOrPhone:
		return inputEmailOrPhone, "identifier.email_phone"
	}
	return "", ""
}

// fieldMessage is what the page says about a field error in tr's language:
// the phrase whose key is its code ("user.invalid_email",
// "password.too_short" ...) with the placeholders filled from params (as
// policy.Violation carries them; a "which" of the user-info rule,
// "username", "email", "phone" or "name", is shown as that field's
// label); else, when there is no such phrase or a placeholder stays
// unfilled, the English message made a sentence.
func fieldMessage(tr *i18n.Translator, code string, params map[string]any, message string) string {
	args := make([]any, 0, 2*len(params))
	for name, v := range params {
		if s, ok := v.(string); ok && name == "which" {
			if label, ok := tr.Lookup("field." + s); ok {
				v = label
			}
		}
		args = append(args, name, v)
	}
	if s, ok := tr.Lookup(code, args...); ok {
		return s
	}
	return sentence(message)
}

// fieldParams are the placeholder values of account's field errors, which
// carry a code and an English message but no parameters.
func fieldParams(code string) map[string]any {
	switch code {
	case "password.too_short":
		return map[string]any{"min": account.MinPasswordLength}
	case "password.too_long":
		return map[string]any{"max": account.MaxPasswordLength}
	}
	return nil
}

// sentence capitalises msg and ends it with a full stop: account's
// messages are written to follow a field name ("must be at least 8 ...").
func sentence(msg string) string {
	msg = strings.TrimSuffix(msg, ".")
	r, n := utf8.DecodeRuneInString(msg)
	if n == 0 {
		return msg
	}
	return string(unicode.ToUpper(r)) + msg[n:] + "."
}
