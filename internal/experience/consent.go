package experience

import (
	"errors"
	"net/http"

	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/session"
	"github.com/monban-dev/monban/web"
)

// scopeText says in words what each known scope shares; unknown scopes
// (an API's own permissions) are shown as requested.
var scopeText = map[string]string{
	"openid":                             "Sign you in with your account",
	"profile":                            "See your basic profile (name, username, picture)",
	"email":                              "See your email address",
	"phone":                              "See your phone number",
	"address":                            "See your postal address",
	"offline_access":                     "Keep access when you are not using the app",
	"custom_data":                        "See your custom data",
	"identities":                         "See the social accounts linked to your account",
	"roles":                              "See your roles",
	"urn:logto:scope:organizations":      "See the organizations you belong to",
	"urn:logto:scope:organization_roles": "See your roles in your organizations",
}

type consentData struct {
	web.Page
	CSRF      string
	Scopes    []string
	Resources []string
	User      string
}

// consentTarget loads what both consent handlers need: an interaction in
// which a user has signed in, and this browser's session of that same user.
// Anything else (no interaction, nobody signed in yet, another user's
// session) answers 400 "No sign-in in progress" and returns nil: consent is
// only ever given by the signed-in owner of the interaction
// (spec/security.md item 14).
func (p *Pages) consentTarget(w http.ResponseWriter, r *http.Request) (*interaction.Interaction, string) {
	it, err := p.interaction(r)
	if err != nil {
		p.fail(w, r, "load interaction", err)
		return nil, ""
	}
	if it != nil && it.Record.UserID != "" {
		se, err := p.Sessions.Current(r.Context(), r)
		switch {
		case err != nil && !errors.Is(err, session.ErrNoSession):
			p.fail(w, r, "load session", err)
			return nil, ""
		case err == nil && se.UserID == it.Record.UserID:
			return it, se.UserID
		}
	}
	web.ErrorPage(w, r, http.StatusBadRequest, p.base, "No sign-in in progress",
		"There is no sign-in waiting for your consent. Return to the application and sign in again.")
	return nil, ""
}

// consentForm is GET /consent: what the application asks for, with
// "Authorize" and "Cancel".
func (p *Pages) consentForm(w http.ResponseWriter, r *http.Request) {
	it, userID := p.consentTarget(w, r)
	if it == nil {
		return
	}
	d := consentData{Page: p.page(r, it, "Authorize access"), CSRF: p.csrfToken(w, r),
		Resources: it.Request.Resources, User: p.displayName(r, userID)}
	if d.AppName == "" {
		d.AppName = it.Request.ClientID
	}
	seen := map[string]bool{}
	for _, s := range it.Request.Scopes {
		if s == "" || seen[s] {
			continue // the Python SDK does not de-duplicate scopes
		}
		seen[s] = true
		if text, ok := scopeText[s]; ok {
			d.Scopes = append(d.Scopes, text)
		} else {
			d.Scopes = append(d.Scopes, s)
		}
	}
	web.Render(w, r, http.StatusOK, "consent", d)
}

// consent is POST /consent. "allow" stores the consent (remembered for this
// application) and resumes the authorization; "deny" resumes it with
// error=access_denied, which /oidc/auth returns to the client. Both 303.
func (p *Pages) consent(w http.ResponseWriter, r *http.Request) {
	if !p.guard(w, r) {
		return
	}
	it, userID := p.consentTarget(w, r)
	if it == nil {
		return
	}
	switch r.PostForm.Get("decision") {
	case "allow":
		if err := p.Interactions.CompleteConsent(r.Context(), it, userID); err != nil {
			p.fail(w, r, "complete consent", err)
			return
		}
		p.log(r.Context()).Info("consent given", "user_id", userID, "client_id", it.Request.ClientID)
		seeOther(w, r, p.base+interaction.ResumePath)
	case "deny":
		p.log(r.Context()).Info("consent denied", "user_id", userID, "client_id", it.Request.ClientID)
		seeOther(w, r, p.base+interaction.ResumePath+"?error=access_denied")
	default:
		web.ErrorPage(w, r, http.StatusBadRequest, p.base, "Bad request", "Choose Authorize or Cancel.")
	}
}
