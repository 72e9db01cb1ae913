// Package signinexp is the sign-in experience: the one per-deployment
// setting of how people sign in and sign up, in Logto's shape (the
// Management API's /api/sign-in-exp reads and patches it as JSON; the hosted
// pages render from it).
package signinexp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"

	"github.com/monban-dev/monban/internal/account/policy"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// Identifiers a person signs in with.
const (
	Username = "username"
	Email    = "email"
	Phone    = "phone"
)

// Sign-in modes.
const (
	ModeSignIn            = "SignIn"
	ModeRegister          = "Register"
	ModeSignInAndRegister = "SignInAndRegister"
)

// SignInMethod is one way to sign in: an identifier with a password and/or
// a verification code.
type SignInMethod struct {
	Identifier        string `json:"identifier"`
	Password          bool   `json:"password"`
	VerificationCode  bool   `json:"verificationCode"`
	IsPasswordPrimary bool   `json:"isPasswordPrimary"`
}

// SecondaryIdentifier is asked for after the primary one at sign-up.
type SecondaryIdentifier struct {
	Identifier string `json:"identifier"` // username, email, phone, emailOrPhone
	Verify     bool   `json:"verify,omitempty"`
}

// SignUp says what a new account needs. No identifiers means "not
// applicable": social sign-in is the only way in.
type SignUp struct {
	Identifiers          []string              `json:"identifiers"` // username, email, phone (email+phone = email or phone)
	Password             bool                  `json:"password"`
	Verify               bool                  `json:"verify"`
	SecondaryIdentifiers []SecondaryIdentifier `json:"secondaryIdentifiers"`
}

// Color and Branding are the look of the hosted pages.
type Color struct {
	PrimaryColor      string `json:"primaryColor"`
	IsDarkModeEnabled bool   `json:"isDarkModeEnabled"`
	DarkPrimaryColor  string `json:"darkPrimaryColor"`
}

type Branding struct {
	LogoURL     string `json:"logoUrl,omitempty"`
	DarkLogoURL string `json:"darkLogoUrl,omitempty"`
	Favicon     string `json:"favicon,omitempty"`
	DarkFavicon string `json:"darkFavicon,omitempty"`
}

// LanguageInfo: detect the language from ui_locales / Accept-Language, or
// always use the fallback.
type LanguageInfo struct {
	AutoDetect       bool   `json:"autoDetect"`
	FallbackLanguage string `json:"fallbackLanguage"`
}

// SignInExperience is the whole setting.
type SignInExperience struct {
	SignIn struct {
		Methods []SignInMethod `json:"methods"`
	} `json:"signIn"`
	SignUp                       SignUp   `json:"signUp"`
	SignInMode                   string   `json:"signInMode"`
	SocialSignInConnectorTargets []string `json:"socialSignInConnectorTargets"`
	SocialSignIn                 struct {
		AutomaticAccountLinking bool `json:"automaticAccountLinking"`
	} `json:"socialSignIn"`
	ForgotPasswordMethods []string      `json:"forgotPasswordMethods"` // EmailVerificationCode, PhoneVerificationCode
	PasswordPolicy        policy.Policy `json:"passwordPolicy"`
	Color                 Color         `json:"color"`
	Branding              Branding      `json:"branding"`
	CustomCSS             *string       `json:"customCss"`
	LanguageInfo          LanguageInfo  `json:"languageInfo"`
	TermsOfUseURL         *string       `json:"termsOfUseUrl"`
	PrivacyPolicyURL      *string       `json:"privacyPolicyUrl"`
	// AgreeToTermsPolicy: Automatic, ManualRegistrationOnly or Manual.
	AgreeToTermsPolicy string `json:"agreeToTermsPolicy"`
}

// Default is a new deployment's experience: username or email with a
// password, sign-up by username with a password, both modes, English.
func Default() SignInExperience {
	var x SignInExperience
	x.SignIn.Methods = []SignInMethod{
		{Identifier: Username, Password: true, IsPasswordPrimary: true},
		{Identifier: Email, Password: true, VerificationCode: false, IsPasswordPrimary: true},
	}
	x.SignUp = SignUp{Identifiers: []string{Username}, Password: true, SecondaryIdentifiers: []SecondaryIdentifier{}}
	x.SignInMode = ModeSignInAndRegister
	x.SocialSignInConnectorTargets = []string{}
	x.ForgotPasswordMethods = []string{}
	x.PasswordPolicy = policy.Default()
	x.Color = Color{PrimaryColor: "#2f56e8", DarkPrimaryColor: "#6b8cff", IsDarkModeEnabled: true}
	x.LanguageInfo = LanguageInfo{AutoDetect: true, FallbackLanguage: "en"}
	x.AgreeToTermsPolicy = "Automatic"
	return x
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Validate reports every problem, each naming its field as the API spells it.
func (x SignInExperience) Validate() error {
	var errs validate.Errors
	seen := map[string]bool{}
	for i, m := range x.SignIn.Methods {
		f := fmt.Sprintf("signIn.methods[%d]", i)
		if !slices.Contains([]string{Username, Email, Phone}, m.Identifier) {
			errs.Add(f+".identifier", "sign_in_exp.invalid_identifier", "must be username, email or phone")
		} else if seen[m.Identifier] {
			errs.Add(f+".identifier", "sign_in_exp.duplicate_identifier", "each identifier may appear once")
		}
		seen[m.Identifier] = true
		if !m.Password && !m.VerificationCode {
			errs.Add(f, "sign_in_exp.no_factor", "enable password, verification code or both")
		}
		if m.Identifier == Username && m.VerificationCode {
			errs.Add(f+".verificationCode", "sign_in_exp.username_code", "a username cannot receive a verification code")
		}
	}
	for i, id := range x.SignUp.Identifiers {
		if !slices.Contains([]string{Username, Email, Phone}, id) {
			errs.Add(fmt.Sprintf("signUp.identifiers[%d]", i), "sign_in_exp.invalid_identifier", "must be username, email or phone")
		}
	}
	if slices.Contains(x.SignUp.Identifiers, Username) && !x.SignUp.Password {
		errs.Add("signUp.password", "sign_in_exp.username_needs_password", "signing up with a username needs a password")
	}
	if x.SignUp.Verify && len(x.SignUp.Identifiers) > 0 && !slices.ContainsFunc(x.SignUp.Identifiers, func(s string) bool { return s == Email || s == Phone }) {
		errs.Add("signUp.verify", "sign_in_exp.verify_needs_email_or_phone", "only an email or phone can be verified")
	}
	if !slices.Contains([]string{ModeSignIn, ModeRegister, ModeSignInAndRegister}, x.SignInMode) {
		errs.Add("signInMode", "sign_in_exp.invalid_mode", "must be SignIn, Register or SignInAndRegister")
	}
	if len(x.SignIn.Methods) == 0 && len(x.SocialSignInConnectorTargets) == 0 {
		errs.Add("signIn.methods", "sign_in_exp.no_way_in", "enable at least one sign-in method or a social connector")
	}
	for i, m := range x.ForgotPasswordMethods {
		if m != "EmailVerificationCode" && m != "PhoneVerificationCode" {
			errs.Add(fmt.Sprintf("forgotPasswordMethods[%d]", i), "sign_in_exp.invalid_forgot_password_method", "must be EmailVerificationCode or PhoneVerificationCode")
		}
	}
	for _, v := range x.PasswordPolicy.Validate() {
		errs.Add(v.Field, v.Code, v.Message)
	}
	for field, c := range map[string]string{"color.primaryColor": x.Color.PrimaryColor, "color.darkPrimaryColor": x.Color.DarkPrimaryColor} {
		if !hexColor.MatchString(c) {
			errs.Add(field, "sign_in_exp.invalid_color", "must be a hex color such as #2f56e8")
		}
	}
	for field, u := range map[string]string{"branding.logoUrl": x.Branding.LogoURL, "branding.darkLogoUrl": x.Branding.DarkLogoURL,
		"branding.favicon": x.Branding.Favicon, "branding.darkFavicon": x.Branding.DarkFavicon,
		"termsOfUseUrl": deref(x.TermsOfUseURL), "privacyPolicyUrl": deref(x.PrivacyPolicyURL)} {
		if u != "" && !httpsURL(u) {
			errs.Add(field, "sign_in_exp.invalid_url", "must be an https URL")
		}
	}
	if x.CustomCSS != nil && len(*x.CustomCSS) > 64<<10 {
		errs.Add("customCss", "sign_in_exp.css_too_long", "must be at most 64 KiB")
	}
	if !slices.Contains([]string{"Automatic", "ManualRegistrationOnly", "Manual"}, x.AgreeToTermsPolicy) {
		errs.Add("agreeToTermsPolicy", "sign_in_exp.invalid_terms_policy", "must be Automatic, ManualRegistrationOnly or Manual")
	}
	if x.LanguageInfo.FallbackLanguage == "" {
		errs.Add("languageInfo.fallbackLanguage", "sign_in_exp.no_fallback_language", "must name a language, e.g. en")
	}
	return errs.Err()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func httpsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}

const metaKey = "sign-in-experience"

// Service reads and changes the sign-in experience.
type Service struct {
	Store store.Store
}

// Get returns the stored experience, or Default when none was saved.
func (s *Service) Get(ctx context.Context) (*SignInExperience, error) {
	raw, err := s.Store.GetMeta(ctx, metaKey)
	if errors.Is(err, store.ErrNotFound) {
		d := Default()
		return &d, nil
	}
	if err != nil {
		return nil, err
	}
	x := Default()
	if err := json.Unmarshal(raw, &x); err != nil {
		return nil, fmt.Errorf("decode sign-in experience: %w", err)
	}
	return &x, nil
}

// Patch applies a JSON merge of patch onto the current experience (Logto's
// PATCH /api/sign-in-exp: top-level members replace, objects merge one level
// as Logto's partial types do), validates the result and stores it. Nothing
// is stored when any field is invalid.
func (s *Service) Patch(ctx context.Context, patch []byte) (*SignInExperience, error) {
	cur, err := s.Get(ctx)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(patch))
	dec.DisallowUnknownFields()
	next := *cur
	if err := dec.Decode(&next); err != nil {
		return nil, validate.FieldError{Field: "body", Code: "guard.invalid_input", Message: "not a valid sign-in experience: " + err.Error()}
	}
	if err := next.Validate(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(next)
	if err != nil {
		return nil, err
	}
	if err := s.Store.PutMeta(ctx, metaKey, raw); err != nil {
		return nil, err
	}
	return &next, nil
}
