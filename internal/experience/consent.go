package experience

import (
	"errors"
	"net/http"

	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/session"
	"github.com/monban-dev/monban/web"
)

// scopeText is the phrase key that says in words what each known scope
// shares; unknown scopes (an API's own permissions) are shown as requested.
var scopeText = map[string]string{
	"openid":                             "scope.openid",
	"profile":                            "scope.profile",
	"email":                              "scope.email",
	"phone":                              "scope.phone",
	"address":                            "scope.address",
	"offline_access":                     "scope.offline_access",
	"custom_data":                        "scope.custom_data",
	"identities":                         "scope.identities",
	"roles":                              "scope.roles",
	"urn:logto:scope:organizations":      "scope.organizations",
	"urn:logto:scope:organization_roles": "scope.organization_roles",
}

type consentData struct {
	web.Page
	CSRF      string
	Scopes    []string
	Resources []consentResource
	User      string
}

// consentTarget loads what both consent handlers need: an interaction in
// which a user has signed in, and this browser's session of that same user.
// Anything else (no interaction, nobody signed in yet, another user's
// session) answers 400 "No sign-in in progress" and returns nil: consent is
// only ever given by the signed-in owner of the interaction
// (spec/security.md item 14).
func (p *Pages) consentTarget(w http.ResponseWriter, r *http.Request) (*view, string) {
	v := p.view(w, r)
	if v == nil {
		return nil, ""
	}
	if it := v.it; it != nil && it.Record.UserID != "" {
		se, err := p.Sessions.Current(r.Context(), r)
		switch {
		case err != nil && !errors.Is(err, session.ErrNoSession):
			p.fail(w, r, "load session", err)
			return nil, ""
		case err == nil && se.UserID == it.Record.UserID:
			return v, se.UserID
		}
	}
	p.errorPage(w, r, v, http.StatusBadRequest, "error.no_sign_in.title", "error.no_sign_in.detail")
	return nil, ""
}

// consentForm is GET /consent: what the application asks for, with
// "Authorize" and "Cancel".
func (p *Pages) consentForm(w http.ResponseWriter, r *http.Request) {
	v, userID := p.consentTarget(w, r)
	if v == nil {
		return
	}
	it := v.it
	resources, isPermission, err := p.consentResources(r.Context(), userID, it.Request.Resources, it.Request.Scopes)
	if err != nil {
		p.fail(w, r, "load requested permissions", err)
		return
	}
	d := consentData{Page: p.page(r, v, "consent.title"), CSRF: p.csrfToken(w, r),
		Resources: resources, User: p.displayName(r, userID)}
	tr := v.tr
	if d.AppName == "" {
		d.AppName = it.Request.ClientID
	}
	seen := map[string]bool{}
	for _, s := range it.Request.Scopes {
		if s == "" || seen[s] || isPermission[s] {
			continue // the Python SDK does not de-duplicate scopes; permissions are listed per API
		}
		seen[s] = true
		if key, ok := scopeText[s]; ok {
			d.Scopes = append(d.Scopes, tr.T(key))
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
	v, userID := p.consentTarget(w, r)
	if v == nil {
		return
	}
	it := v.it
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
		p.errorPage(w, r, v, http.StatusBadRequest, "error.bad_request.title", "error.choose_decision")
	}
}
