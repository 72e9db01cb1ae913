package experience

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/validate"
	"github.com/monban-dev/monban/web"
)

type registerData struct {
	web.Page
	CSRF     string
	Username string
	Email    string
	// Errors maps a form input ("username", "email", "password") to the
	// message shown next to it; Summary repeats every problem in the
	// role="alert" box at the top, which screen readers announce. Both are
	// translated (fieldMessage).
	Errors      map[string]string
	Summary     []string
	MinPassword int
}

// formFields maps account's field names (Logto's API names) to this form's
// inputs and their labels' phrase keys.
var formFields = map[string]struct{ input, label string }{
	"username":     {"username", "field.username"},
	"primaryEmail": {"email", "field.email"},
	"password":     {"password", "field.password"},
}

// registerForm is GET /register. A login_hint that looks like an email
// prefills the email, else the username.
func (p *Pages) registerForm(w http.ResponseWriter, r *http.Request) {
	it, err := p.interaction(r)
	if err != nil {
		p.fail(w, r, "load interaction", err)
		return
	}
	d := registerData{Page: p.page(r, it, "register.title"), CSRF: p.csrfToken(w, r), MinPassword: account.MinPasswordLength}
	if it != nil {
		if hint := it.Request.LoginHint; strings.Contains(hint, "@") {
			d.Email = hint
		} else {
			d.Username = hint
		}
	}
	web.Render(w, r, http.StatusOK, "register", d)
}

// register is POST /register: account.Service.CreateUser validates (its
// field errors are shown next to their inputs, with what was typed kept but
// never the password), then the new user is signed in exactly as after
// POST /sign-in: new session, interaction completed, 303.
func (p *Pages) register(w http.ResponseWriter, r *http.Request) {
	if !p.guard(w, r) {
		return
	}
	ctx := r.Context()
	it, err := p.interaction(r)
	if err != nil {
		p.fail(w, r, "load interaction", err)
		return
	}
	in := account.NewUser{
		Username:     strings.TrimSpace(r.PostForm.Get("username")),
		PrimaryEmail: strings.TrimSpace(r.PostForm.Get("email")),
		Password:     r.PostForm.Get("password"),
	}
	// CreateUser accepts a user without a username or a password (the
	// Management API may make such users); this form needs both.
	var errs validate.Errors
	if in.Username == "" {
		errs.Add("username", "user.username_required", "enter a username")
	}
	if in.Password == "" {
		errs.Add("password", "password.required", "enter a password")
	}
	if len(errs) == 0 {
		u, err := p.Accounts.CreateUser(ctx, in)
		if err == nil {
			if !p.login(w, r, it, u.ID) {
				return
			}
			p.log(ctx).Info("registered", "user_id", u.ID, "interaction", it != nil)
			p.done(w, r, it)
			return
		}
		fe, ok := validate.As(err)
		switch {
		case ok:
			errs = fe
		case errors.Is(err, password.ErrBusy):
			errs.Add("password", "server.busy", "The server is busy. Try again in a moment.")
		default:
			p.fail(w, r, "create user", err)
			return
		}
	}
	d := registerData{Page: p.page(r, it, "register.title"), CSRF: p.csrfToken(w, r),
		Username: in.Username, Email: in.PrimaryEmail, Errors: map[string]string{}, MinPassword: account.MinPasswordLength}
	tr := i18n.For(d.Lang)
	for _, e := range errs {
		msg := fieldMessage(tr, e.Code, fieldParams(e.Code), e.Message)
		f, known := formFields[e.Field]
		if !known {
			d.Summary = append(d.Summary, msg)
			continue
		}
		if _, dup := d.Errors[f.input]; !dup {
			d.Errors[f.input] = msg
		}
		d.Summary = append(d.Summary, tr.T("register.summary_item", "field", tr.T(f.label), "message", msg))
	}
	web.Render(w, r, http.StatusBadRequest, "register", d)
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
