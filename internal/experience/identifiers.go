package experience

import (
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/verification"
)

// methods are the sign-in methods a page offers: the sign-in experience's,
// in its order, narrowed to the authorization request's identifier
// parameter (Logto's `identifier=email phone`, meant for first_screen
// identifier:sign_in) when that leaves any.
type methods []signinexp.SignInMethod

func signInMethods(x *signinexp.SignInExperience, it *interaction.Interaction) methods {
	all := methods(x.SignIn.Methods)
	if it == nil || len(it.Request.Identifiers) == 0 {
		return all
	}
	var some methods
	for _, m := range all {
		if slices.Contains(it.Request.Identifiers, m.Identifier) {
			some = append(some, m)
		}
	}
	if len(some) == 0 {
		return all // one invalid extra must not break the request
	}
	return some
}

// withPassword are the identifiers that sign in with a password.
func (ms methods) withPassword() []string {
	var out []string
	for _, m := range ms {
		if m.Password {
			out = append(out, m.Identifier)
		}
	}
	return out
}

// withCode are the identifiers (email, phone) that sign in with a code.
func (ms methods) withCode() []string {
	var out []string
	for _, m := range ms {
		if m.VerificationCode && m.Identifier != signinexp.Username {
			out = append(out, m.Identifier)
		}
	}
	return out
}

// firstView is the sign-in form shown first: "password" unless the first
// method that has a verification code prefers it (isPasswordPrimary
// false) or no method has a password.
func (ms methods) firstView() string {
	if len(ms.withPassword()) == 0 {
		return viewCode
	}
	for _, m := range ms {
		if m.VerificationCode && m.Identifier != signinexp.Username {
			if !m.Password || !m.IsPasswordPrimary {
				return viewCode
			}
			break
		}
	}
	return viewPassword
}

// The two forms of the sign-in page.
const (
	viewPassword = "password"
	viewCode     = "code"
)

// idField is how an input for one or more kinds of identifier looks.
type idField struct {
	Label        string
	Type         string // text, email or tel
	Autocomplete string
	InputMode    string // "", "email" or "tel"
}

// identifierField labels the input for kinds (username, email, phone, in
// any order) in tr's language.
func identifierField(tr *i18n.Translator, kinds []string) idField {
	has := func(k string) bool { return slices.Contains(kinds, k) }
	u, e, ph := has(signinexp.Username), has(signinexp.Email), has(signinexp.Phone)
	f := idField{Type: "text", Autocomplete: "username"}
	switch {
	case u && e && ph:
		f.Label = tr.T("identifier.all")
	case u && e:
		f.Label = tr.T("field.identifier")
	case u && ph:
		f.Label = tr.T("identifier.username_phone")
	case e && ph:
		f.Label = tr.T("identifier.email_phone")
	case e:
		f = idField{Label: tr.T("field.email"), Type: "email", Autocomplete: "email", InputMode: "email"}
	case ph:
		f = idField{Label: tr.T("field.phone"), Type: "tel", Autocomplete: "tel", InputMode: "tel"}
	default:
		f.Label = tr.T("field.username")
	}
	return f
}

// kindOf tells which of kinds a typed identifier is: an email when it has
// an "@", a phone number when it reads as one and phones are among kinds,
// else a username when usernames are, else the only kind left.
func kindOf(s string, kinds []string) string {
	s = strings.TrimSpace(s)
	switch {
	case strings.Contains(s, "@"):
		return signinexp.Email
	case slices.Contains(kinds, signinexp.Phone) && looksLikePhone(s):
		return signinexp.Phone
	case slices.Contains(kinds, signinexp.Username):
		return signinexp.Username
	case slices.Contains(kinds, signinexp.Phone):
		return signinexp.Phone
	}
	return signinexp.Username
}

// hintFits reports whether a login_hint reads as an email address or a
// phone number of kinds, to prefill an input that takes only those.
func hintFits(hint string, kinds []string) bool {
	switch {
	case strings.Contains(hint, "@"):
		return slices.Contains(kinds, signinexp.Email)
	case looksLikePhone(hint):
		return slices.Contains(kinds, signinexp.Phone)
	}
	return false
}

func looksLikePhone(s string) bool {
	_, err := verification.Normalize(verification.Phone, s)
	return err == nil
}

// channelOf is the verification channel of an identifier kind.
func channelOf(kind string) verification.Channel {
	if kind == signinexp.Phone {
		return verification.Phone
	}
	return verification.Email
}

// invalidIdentifierKey is the phrase for an email or phone that Normalize
// refused.
func invalidIdentifierKey(ch verification.Channel) string {
	if ch == verification.Phone {
		return "user.invalid_phone"
	}
	return "user.invalid_email"
}
