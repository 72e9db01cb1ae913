package experience

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/password"
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
	// role="alert" box at the top, which screen readers announce.
	Errors      map[string]string
	Summary     []string
	MinPassword int
}

// formFields maps account's field names (Logto's API names) to this form's
// inputs and their labels.
var formFields = map[string]struct{ input, label string }{
	"username":     {"username", "Username"},
	"primaryEmail": {"email", "Email"},
	"password":     {"password", "Password"},
}

// registerForm is GET /register. A login_hint that looks like an email
// prefills the email, else the username.
func (p *Pages) registerForm(w http.ResponseWriter, r *http.Request) {
	it, err := p.interaction(r)
	if err != nil {
		p.fail(w, r, "load interaction", err)
		return
	}
	d := registerData{Page: p.page(r, it, "Create account"), CSRF: p.csrfToken(w, r), MinPassword: account.MinPasswordLength}
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
	d := registerData{Page: p.page(r, it, "Create account"), CSRF: p.csrfToken(w, r),
		Username: in.Username, Email: in.PrimaryEmail, Errors: map[string]string{}, MinPassword: account.MinPasswordLength}
	for _, e := range errs {
		f, known := formFields[e.Field]
		if !known {
			d.Summary = append(d.Summary, sentence(e.Message))
			continue
		}
		if _, dup := d.Errors[f.input]; !dup {
			d.Errors[f.input] = sentence(e.Message)
		}
		d.Summary = append(d.Summary, f.label+": "+e.Message+".")
	}
	web.Render(w, r, http.StatusBadRequest, "register", d)
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
