package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/validate"
)

// The sign-in experience page: every setting of signinexp.SignInExperience
// in one form (sign-up identifiers including "not applicable", sign-in
// methods, mode, social buttons, forgot password, password policy,
// branding, custom CSS, terms, languages), saved with signinexp.Service's
// Patch exactly as PATCH /api/sign-in-exp saves it (validated as a whole;
// nothing stored when a field is wrong), and a preview of the hosted
// sign-in page beside it (preview.go).
func (c *Console) signInExperienceRoutes(rt *router) {
	rt.Page("/console/sign-in-experience", c.signInExperience)
	rt.Action("/console/sign-in-experience", c.saveSignInExperience)
	rt.Page("/console/sign-in-experience/preview", c.preview)
}

var identifiers = []string{signinexp.Username, signinexp.Email, signinexp.Phone}

// Sign-up identifier choices of the form.
const (
	signUpNone         = "none"
	signUpEmailOrPhone = "emailOrPhone"
)

type choice struct{ Value, Label string }

type socialChoice struct {
	Target, Name string
}

type sieData struct {
	Page
	Form        *Form
	Identifiers []string
	SignUpIDs   []choice
	Modes       []choice
	Terms       []choice
	Languages   []language
	Social      []socialChoice
	PreviewLang string
	PreviewPage string
}

// sieForm writes x into a form.
func sieForm(x *signinexp.SignInExperience) *Form {
	f := NewForm(nil)
	v := f.Values
	on := func(name string, b bool) {
		if b {
			v.Set(name, "on")
		}
	}
	switch ids := x.SignUp.Identifiers; {
	case len(ids) == 0:
		v.Set("signUpIdentifier", signUpNone)
	case slices.Contains(ids, signinexp.Email) && slices.Contains(ids, signinexp.Phone):
		v.Set("signUpIdentifier", signUpEmailOrPhone)
	default:
		v.Set("signUpIdentifier", ids[0])
	}
	on("signUpPassword", x.SignUp.Password)
	on("signUpVerify", x.SignUp.Verify)
	for _, m := range x.SignIn.Methods {
		on("signIn."+m.Identifier, true)
		on("signIn."+m.Identifier+".password", m.Password)
		on("signIn."+m.Identifier+".code", m.VerificationCode)
	}
	v.Set("signInMode", x.SignInMode)
	for _, t := range x.SocialSignInConnectorTargets {
		v.Add("social", t)
	}
	on("automaticAccountLinking", x.SocialSignIn.AutomaticAccountLinking)
	for _, m := range x.ForgotPasswordMethods {
		v.Add("forgotPassword", m)
	}
	p := x.PasswordPolicy
	v.Set("minLength", strconv.Itoa(p.Length.Min))
	v.Set("maxLength", strconv.Itoa(p.Length.Max))
	v.Set("minCharTypes", strconv.Itoa(p.CharacterTypes.Min))
	on("rejectCommon", p.Rejects.CommonPasswords)
	on("rejectSequence", p.Rejects.RepetitionAndSequence)
	on("rejectUserInfo", p.Rejects.UserInfo)
	v.Set("rejectWords", strings.Join(p.Rejects.Words, "\n"))
	v.Set("primaryColor", x.Color.PrimaryColor)
	v.Set("darkPrimaryColor", x.Color.DarkPrimaryColor)
	on("darkMode", x.Color.IsDarkModeEnabled)
	v.Set("logoUrl", x.Branding.LogoURL)
	v.Set("darkLogoUrl", x.Branding.DarkLogoURL)
	v.Set("favicon", x.Branding.Favicon)
	v.Set("darkFavicon", x.Branding.DarkFavicon)
	if x.CustomCSS != nil {
		v.Set("customCss", *x.CustomCSS)
	}
	if x.TermsOfUseURL != nil {
		v.Set("termsOfUseUrl", *x.TermsOfUseURL)
	}
	if x.PrivacyPolicyURL != nil {
		v.Set("privacyPolicyUrl", *x.PrivacyPolicyURL)
	}
	v.Set("agreeToTermsPolicy", x.AgreeToTermsPolicy)
	on("autoDetect", x.LanguageInfo.AutoDetect)
	v.Set("fallbackLanguage", x.LanguageInfo.FallbackLanguage)
	return f
}

// experienceFrom reads the form over cur (members the form does not show,
// such as secondary identifiers, stay as they are). Numbers that do not
// parse are field errors of f; the rest is signinexp's validation.
func experienceFrom(f *Form, tr translator, cur signinexp.SignInExperience) signinexp.SignInExperience {
	x := cur
	str := func(name string) string { return strings.TrimSpace(f.Get(name)) }
	optional := func(name string) *string {
		s := str(name)
		if s == "" {
			return nil
		}
		return &s
	}
	num := func(name, labelKey string) int {
		n, err := strconv.Atoi(str(name))
		if err != nil {
			f.Fail(name, tr.T(labelKey), tr.T("conn.not_a_number"))
		}
		return n
	}
	switch id := str("signUpIdentifier"); id {
	case signUpNone:
		x.SignUp.Identifiers = []string{}
	case signUpEmailOrPhone:
		x.SignUp.Identifiers = []string{signinexp.Email, signinexp.Phone}
	default:
		x.SignUp.Identifiers = []string{id}
	}
	x.SignUp.Password = f.Checked("signUpPassword")
	x.SignUp.Verify = f.Checked("signUpVerify")
	if x.SignUp.SecondaryIdentifiers == nil {
		x.SignUp.SecondaryIdentifiers = []signinexp.SecondaryIdentifier{}
	}
	x.SignIn.Methods = []signinexp.SignInMethod{}
	for _, id := range identifiers {
		if !f.Checked("signIn." + id) {
			continue
		}
		pw := f.Checked("signIn." + id + ".password")
		x.SignIn.Methods = append(x.SignIn.Methods, signinexp.SignInMethod{Identifier: id, Password: pw,
			VerificationCode: f.Checked("signIn." + id + ".code"), IsPasswordPrimary: pw})
	}
	x.SignInMode = str("signInMode")
	x.SocialSignInConnectorTargets = append([]string{}, f.Values["social"]...)
	x.SocialSignIn.AutomaticAccountLinking = f.Checked("automaticAccountLinking")
	x.ForgotPasswordMethods = append([]string{}, f.Values["forgotPassword"]...)
	x.PasswordPolicy.Length.Min = num("minLength", "sie.min_length")
	x.PasswordPolicy.Length.Max = num("maxLength", "sie.max_length")
	x.PasswordPolicy.CharacterTypes.Min = num("minCharTypes", "sie.char_types")
	x.PasswordPolicy.Rejects.CommonPasswords = f.Checked("rejectCommon")
	x.PasswordPolicy.Rejects.RepetitionAndSequence = f.Checked("rejectSequence")
	x.PasswordPolicy.Rejects.UserInfo = f.Checked("rejectUserInfo")
	x.PasswordPolicy.Rejects.Words = lines(f.Get("rejectWords"))
	x.Color.PrimaryColor = str("primaryColor")
	x.Color.DarkPrimaryColor = str("darkPrimaryColor")
	x.Color.IsDarkModeEnabled = f.Checked("darkMode")
	x.Branding.LogoURL, x.Branding.DarkLogoURL = str("logoUrl"), str("darkLogoUrl")
	x.Branding.Favicon, x.Branding.DarkFavicon = str("favicon"), str("darkFavicon")
	css := f.Get("customCss")
	x.CustomCSS = &css
	if strings.TrimSpace(css) == "" {
		x.CustomCSS = nil
	}
	x.TermsOfUseURL, x.PrivacyPolicyURL = optional("termsOfUseUrl"), optional("privacyPolicyUrl")
	x.AgreeToTermsPolicy = str("agreeToTermsPolicy")
	x.LanguageInfo.AutoDetect = f.Checked("autoDetect")
	x.LanguageInfo.FallbackLanguage = str("fallbackLanguage")
	return x
}

var methodField = regexp.MustCompile(`^signIn\.methods\[(\d+)\]`)

// sieFields maps signinexp's field names onto the form's.
func sieFields(tr translator, x signinexp.SignInExperience) fieldMap {
	simple := map[string][2]string{
		"signUp.password": {"signUpPassword", "sie.signup_password"}, "signUp.verify": {"signUpVerify", "sie.signup_verify"},
		"signInMode": {"signInMode", "sie.mode"}, "signIn.methods": {"signIn", "sie.signin_methods"},
		"passwordPolicy.length.min": {"minLength", "sie.min_length"}, "passwordPolicy.length.max": {"maxLength", "sie.max_length"},
		"passwordPolicy.characterTypes.min": {"minCharTypes", "sie.char_types"},
		"color.primaryColor":                {"primaryColor", "sie.primary_color"}, "color.darkPrimaryColor": {"darkPrimaryColor", "sie.dark_primary_color"},
		"branding.logoUrl": {"logoUrl", "sie.logo_url"}, "branding.darkLogoUrl": {"darkLogoUrl", "sie.dark_logo_url"},
		"branding.favicon": {"favicon", "sie.favicon"}, "branding.darkFavicon": {"darkFavicon", "sie.dark_favicon"},
		"customCss": {"customCss", "sie.custom_css"}, "termsOfUseUrl": {"termsOfUseUrl", "sie.terms_url"},
		"privacyPolicyUrl": {"privacyPolicyUrl", "sie.privacy_url"}, "agreeToTermsPolicy": {"agreeToTermsPolicy", "sie.agree_policy"},
		"languageInfo.fallbackLanguage": {"fallbackLanguage", "sie.fallback_language"},
	}
	return func(apiField string) (string, string) {
		if s, ok := simple[apiField]; ok {
			return s[0], tr.T(s[1])
		}
		switch {
		case strings.HasPrefix(apiField, "signUp.identifiers"):
			return "signUpIdentifier", tr.T("sie.signup_identifier")
		case strings.HasPrefix(apiField, "forgotPasswordMethods"):
			return "forgotPassword", tr.T("sie.forgot_password")
		case strings.HasPrefix(apiField, "passwordPolicy.rejects.words"):
			return "rejectWords", tr.T("sie.reject_words")
		}
		if m := methodField.FindStringSubmatch(apiField); m != nil {
			i, _ := strconv.Atoi(m[1])
			if i < len(x.SignIn.Methods) {
				id := x.SignIn.Methods[i].Identifier
				return "signIn." + id, tr.T("sie.method_" + id)
			}
		}
		return "", ""
	}
}

func (c *Console) sieData(r *http.Request, a *Admin, f *Form) (sieData, error) {
	d := sieData{Page: c.page(r, a, "sign-in-experience", "sie.title"), Form: f, Identifiers: identifiers,
		SignUpIDs: []choice{{signinexp.Username, "sie.id_username"}, {signinexp.Email, "sie.id_email"}, {signinexp.Phone, "sie.id_phone"},
			{signUpEmailOrPhone, "sie.id_email_or_phone"}, {signUpNone, "sie.id_none"}},
		Modes: []choice{{signinexp.ModeSignInAndRegister, "sie.mode_both"}, {signinexp.ModeSignIn, "sie.mode_signin"},
			{signinexp.ModeRegister, "sie.mode_register"}},
		Terms: []choice{{"Automatic", "sie.agree_automatic"}, {"ManualRegistrationOnly", "sie.agree_manual_registration"},
			{"Manual", "sie.agree_manual"}},
		PreviewLang: a.Lang, PreviewPage: "sign-in"}
	for _, tag := range i18n.Tags() {
		d.Languages = append(d.Languages, language{Tag: tag, Name: catalog.For(tag).T("language.name")})
	}
	list, err := c.o.Connectors.List(r.Context())
	if err != nil {
		return d, err
	}
	seen := map[string]bool{}
	for _, cn := range list {
		if !seen[cn.Target] && (cn.Factory == nil || cn.Factory.Type == "" || cn.Factory.Type == connector.KindSocial) {
			seen[cn.Target] = true
			d.Social = append(d.Social, socialChoice{Target: cn.Target, Name: connectorName(cn, a.Lang)})
		}
	}
	// A target saved earlier whose connector is gone stays visible, so
	// saving the form does not drop it silently.
	for _, t := range f.Values["social"] {
		if !seen[t] {
			seen[t] = true
			d.Social = append(d.Social, socialChoice{Target: t, Name: t})
		}
	}
	if q := r.URL.Query().Get("preview"); q == "register" {
		d.PreviewPage = q
	}
	return d, nil
}

func (c *Console) signInExperience(w http.ResponseWriter, r *http.Request, a *Admin) {
	x, err := c.o.SignInExperience.Get(r.Context())
	if err != nil {
		c.fail(w, r, "load sign-in experience", err)
		return
	}
	d, err := c.sieData(r, a, sieForm(x))
	if err != nil {
		c.fail(w, r, "sign-in experience page", err)
		return
	}
	c.show(w, r, a, "sign-in-experience", d)
}

func (c *Console) saveSignInExperience(w http.ResponseWriter, r *http.Request, a *Admin) {
	cur, err := c.o.SignInExperience.Get(r.Context())
	if err != nil {
		c.fail(w, r, "load sign-in experience", err)
		return
	}
	form := NewForm(r.PostForm)
	x := experienceFrom(form, a.Tr, *cur)
	if !form.HasErrors() {
		patch, err := json.Marshal(x)
		if err != nil {
			c.fail(w, r, "encode sign-in experience", err)
			return
		}
		_, err = c.o.SignInExperience.Patch(r.Context(), patch)
		if errs, ok := validate.As(err); ok {
			form.FieldErrors(a.Tr, errs, sieFields(a.Tr, x))
		} else if err != nil {
			c.fail(w, r, "save sign-in experience", fmt.Errorf("patch: %w", err))
			return
		}
	}
	if form.HasErrors() {
		d, err := c.sieData(r, a, form)
		if err != nil {
			c.fail(w, r, "sign-in experience page", err)
			return
		}
		c.render(w, r, a.Lang, http.StatusBadRequest, "sign-in-experience", d)
		return
	}
	c.log(r.Context()).Info("console: sign-in experience saved", "admin", a.User.ID)
	c.done(w, r, "/sign-in-experience", "notice.saved")
}
