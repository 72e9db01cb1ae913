package experience

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/monban-dev/monban/web"
)

// SocialStartPath is where a "Continue with X" button leads, followed by
// the connector's target ("/sign-in/social/patreon"). The social
// connectors' front door owns that route: it starts the upstream
// authorization (state bound to the browser's interaction) and comes back
// through /callback/{connectorId}.
const SocialStartPath = "/sign-in/social/"

// SocialConnector is a configured, enabled social connector as the pages
// show it.
type SocialConnector struct {
	// Target is the provider key, e.g. "patreon" (Logto's target).
	Target string
	// Name is the provider's name in the requested language, e.g. "Patreon".
	Name string
	// Logo and LogoDark are https image URLs ("" for none).
	Logo, LogoDark string
}

// SocialConnectors lists the social connectors that can sign people in.
// The sign-in experience's socialSignInConnectorTargets chooses which of
// them the pages show, and in which order.
type SocialConnectors interface {
	SocialConnectors(ctx context.Context, lang string) ([]SocialConnector, error)
}

// socialButton is one "Continue with X" link.
type socialButton struct {
	Target, Label, Href, Logo, LogoDark string
}

// socialButtons are the buttons of the sign-in experience's social
// targets that have a connector, in the experience's order. A failure to
// list the connectors is logged and shows no buttons: the rest of the page
// still works.
func (p *Pages) socialButtons(r *http.Request, v *view) []socialButton {
	if p.Social == nil || len(v.x.SocialSignInConnectorTargets) == 0 {
		return nil
	}
	cs, err := p.Social.SocialConnectors(r.Context(), v.lang)
	if err != nil {
		p.log(r.Context()).Error("hosted page: list social connectors", "err", err)
		return nil
	}
	var out []socialButton
	for _, target := range v.x.SocialSignInConnectorTargets {
		i := slices.IndexFunc(cs, func(c SocialConnector) bool { return c.Target == target })
		if i < 0 {
			continue
		}
		c := cs[i]
		name := c.Name
		if name == "" {
			name = c.Target
		}
		b := socialButton{Target: c.Target, Label: v.tr.T("signin.continue_with", "name", name),
			Href: p.base + SocialStartPath + url.PathEscape(c.Target)}
		if web.ImageSource(c.Logo) != "" {
			b.Logo = c.Logo
			if web.ImageSource(c.LogoDark) != "" && v.x.Color.IsDarkModeEnabled {
				b.LogoDark = c.LogoDark
			}
		}
		out = append(out, b)
	}
	return out
}

// socialImages are the logo URLs of bs, for the page's CSP.
func socialImages(bs []socialButton) []string {
	var out []string
	for _, b := range bs {
		for _, u := range []string{b.Logo, b.LogoDark} {
			if u != "" {
				out = append(out, u)
			}
		}
	}
	return out
}

// directSignIn honours the authorization request's
// direct_sign_in=social:<target>: when the target is one of the page's
// social buttons, the browser goes straight to it (303), with no page to
// click. Only on the first arrival, from /oidc/auth (no query): coming
// back with a message (the user declined at the provider) shows the page.
func (p *Pages) directSignIn(w http.ResponseWriter, r *http.Request, v *view) bool {
	if v.it == nil || r.URL.RawQuery != "" {
		return false
	}
	target, ok := strings.CutPrefix(v.it.Request.DirectSignIn, "social:")
	if !ok || target == "" {
		return false
	}
	for _, b := range p.socialButtons(r, v) {
		if b.Target == target {
			seeOther(w, r, b.Href)
			return true
		}
	}
	return false
}
