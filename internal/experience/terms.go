package experience

import (
	"net/http"

	"github.com/monban-dev/monban/internal/signinexp"
)

// msgAgree is the error of a form sent without the agree-to-terms box.
const msgAgree = "terms.agree_required"

// Logto's agreeToTermsPolicy values.
const (
	termsAutomatic              = "Automatic"
	termsManualRegistrationOnly = "ManualRegistrationOnly"
	termsManual                 = "Manual"
)

// termsData is what a form shows of the terms of use and privacy policy:
// a required "I agree" checkbox, or a "by continuing you agree" notice, or
// nothing when neither document is set.
type termsData struct {
	Checkbox, Notice     bool
	TermsURL, PrivacyURL string
	// Invalid: the form came back without the box ticked.
	Invalid bool
}

func terms(x *signinexp.SignInExperience, checkbox bool) termsData {
	d := termsData{TermsURL: deref(x.TermsOfUseURL), PrivacyURL: deref(x.PrivacyPolicyURL)}
	if d.TermsURL == "" && d.PrivacyURL == "" {
		return termsData{}
	}
	d.Checkbox = checkbox
	d.Notice = !checkbox
	return d
}

// signInTerms: the box on the sign-in forms only with the Manual policy.
func signInTerms(x *signinexp.SignInExperience) termsData {
	return terms(x, x.AgreeToTermsPolicy == termsManual)
}

// registerTerms: the box on the registration form with Manual and
// ManualRegistrationOnly; Automatic shows the notice.
func registerTerms(x *signinexp.SignInExperience) termsData {
	return terms(x, x.AgreeToTermsPolicy == termsManual || x.AgreeToTermsPolicy == termsManualRegistrationOnly)
}

// agreed reports whether the posted form has the box ticked.
func agreed(r *http.Request) bool { return r.PostForm.Get("agree") == "yes" }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
