package experience

// The social sign-in flow: GET /sign-in/social/{target} starts the
// upstream authorization (state bound to the browser's interaction, single
// use, 10 minutes), /callback/{connectorId} finishes it: the user of the
// upstream identity signs in, is linked by a verified email (when the
// sign-in experience allows it) or is created, in one transaction.

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/web"
)

// SocialStateTTL bounds how long a user may take at the provider.
const SocialStateTTL = 10 * time.Minute

// CallbackPath is the prefix of the connectors' redirect URIs:
// {endpoint}/callback/{connectorId}.
const CallbackPath = "/callback/"

// NewSocialConnectors lists the enabled configured social connectors of
// svc (the pages keep those of the sign-in experience's
// socialSignInConnectorTargets, in its order).
func NewSocialConnectors(svc *connector.Service) SocialConnectors {
	return connectorList{svc}
}

type connectorList struct{ svc *connector.Service }

func (l connectorList) SocialConnectors(ctx context.Context, lang string) ([]SocialConnector, error) {
	cs, err := l.svc.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []SocialConnector
	for _, c := range cs {
		if !c.Enabled || c.Factory == nil || c.Factory.NewSocial == nil {
			continue
		}
		out = append(out, SocialConnector{Target: c.Target, Name: connectorName(c, lang),
			Logo: metaString(c.Metadata, "logo", c.Factory.Logo), LogoDark: metaString(c.Metadata, "logoDark", c.Factory.LogoDark)})
	}
	return out, nil
}

// connectorName is the metadata's name override or the factory's, in lang
// (then English).
func connectorName(c *connector.Configured, lang string) string {
	pick := func(m map[string]string) string {
		if m == nil {
			return ""
		}
		if n := m[lang]; n != "" {
			return n
		}
		if i := strings.IndexByte(lang, '-'); i > 0 && m[lang[:i]] != "" {
			return m[lang[:i]]
		}
		return m["en"]
	}
	switch n := c.Metadata["name"].(type) {
	case string:
		if n != "" {
			return n
		}
	case map[string]any:
		m := map[string]string{}
		for k, v := range n {
			if s, ok := v.(string); ok {
				m[k] = s
			}
		}
		if s := pick(m); s != "" {
			return s
		}
	}
	if c.Factory != nil {
		if s := pick(c.Factory.Name); s != "" {
			return s
		}
	}
	return c.Target
}

func metaString(m map[string]any, key, def string) string {
	if s, ok := m[key].(string); ok && s != "" {
		return s
	}
	return def
}

// socialRoutes registers the flow's routes when connectors are configured.
func (p *Pages) socialRoutes(handle func(string, func(http.ResponseWriter, *http.Request))) {
	if p.Connectors == nil {
		return
	}
	handle("GET "+SocialStartPath+"{target}", p.socialStart)
	handle("GET "+CallbackPath+"{connectorId}", p.socialCallback)
	handle("POST "+CallbackPath+"{connectorId}", p.socialCallbackPost)
}

// socialData is what the callback needs, sealed in the connector session.
type socialData struct {
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"`
	Target   string `json:"target"`
	Locale   string `json:"locale,omitempty"`
}

func sessionAD(stateHash []byte) []byte {
	return []byte("connector-session:" + hex.EncodeToString(stateHash))
}

// findConnector is the enabled connector of target, nil when none.
func (p *Pages) findConnector(ctx context.Context, target string) (*connector.Configured, error) {
	cs, err := p.Connectors.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.Target == target && c.Enabled && c.Factory != nil && c.Factory.NewSocial != nil {
			return c, nil
		}
	}
	return nil, nil
}

// socialStart is GET /sign-in/social/{target}.
func (p *Pages) socialStart(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := p.view(w, r)
	if v == nil {
		return
	}
	if v.it == nil {
		p.errorPage(w, r, v, http.StatusBadRequest, "error.no_sign_in.title", "social.error.no_interaction")
		return
	}
	target := r.PathValue("target")
	c, err := p.findConnector(ctx, target)
	if err != nil {
		p.fail(w, r, "list connectors", err)
		return
	}
	if c == nil || !slices.Contains(v.x.SocialSignInConnectorTargets, target) {
		p.errorPage(w, r, v, http.StatusNotFound, "social.error.title_generic", "social.error.not_available")
		return
	}
	so, _, err := p.Connectors.Social(ctx, c.ID)
	if err != nil {
		p.socialError(w, r, v, c.Target, connectorName(c, v.lang), err)
		return
	}
	state, nonce, verifier := id.Secret(), id.Secret(), id.Secret()
	sum := sha256.Sum256([]byte(verifier))
	redirectURI := p.endpoint() + CallbackPath + url.PathEscape(c.ID)
	authURL, err := so.AuthorizationURL(ctx, connector.AuthRequest{State: state, RedirectURI: redirectURI, Nonce: nonce,
		CodeChallenge: base64.RawURLEncoding.EncodeToString(sum[:]), Locale: v.lang})
	if err != nil {
		p.socialError(w, r, v, c.Target, connectorName(c, v.lang), err)
		return
	}
	data, _ := json.Marshal(socialData{Nonce: nonce, Verifier: verifier, Target: c.Target, Locale: localeParam(r)})
	now := time.Now().UTC()
	stateHash := id.Hash(state)
	cs := &store.ConnectorSession{StateHash: stateHash, InteractionIDHash: v.it.Record.IDHash, ConnectorID: c.ID,
		RedirectURI: redirectURI, Data: p.Connectors.Box.Seal(data, sessionAD(stateHash)), CreatedAt: now, ExpiresAt: now.Add(SocialStateTTL)}
	if err := p.Connectors.Store.CreateConnectorSession(ctx, cs); err != nil {
		p.fail(w, r, "create connector session", err)
		return
	}
	seeOther(w, r, authURL)
}

// endpoint is the public URL of the server (with its base path).
func (p *Pages) endpoint() string {
	return strings.TrimRight(p.Endpoint, "/")
}

// socialCallbackPost is POST /callback/{connectorId} (response_mode
// form_post providers): the same parameters, as a GET, so the browser
// sends its SameSite=Lax interaction cookie.
func (p *Pages) socialCallbackPost(w http.ResponseWriter, r *http.Request) {
	if server.ReadForm(w, r, 64<<10) != nil {
		web.ErrorPageKey(w, r, http.StatusBadRequest, p.base, "error.bad_request.title", "error.form_unreadable")
		return
	}
	target := p.base + CallbackPath + url.PathEscape(r.PathValue("connectorId"))
	if len(r.PostForm) > 0 {
		target += "?" + r.PostForm.Encode()
	}
	seeOther(w, r, target)
}

// socialCallback is GET /callback/{connectorId}.
func (p *Pages) socialCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := p.view(w, r)
	if v == nil {
		return
	}
	params := r.URL.Query()
	state := params.Get("state")
	if state == "" || len(state) > 512 {
		p.errorPage(w, r, v, http.StatusBadRequest, "social.error.title_generic", "social.error.state")
		return
	}
	now := time.Now().UTC()
	stateHash := id.Hash(state)
	cs, err := p.Connectors.Store.ConsumeConnectorSession(ctx, stateHash, now)
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConsumed):
		p.errorPage(w, r, v, http.StatusBadRequest, "social.error.title_generic", "social.error.state")
		return
	case err != nil:
		p.fail(w, r, "consume connector session", err)
		return
	}
	if !cs.ExpiresAt.After(now) || cs.ConnectorID != r.PathValue("connectorId") {
		p.errorPage(w, r, v, http.StatusBadRequest, "social.error.title_generic", "social.error.state")
		return
	}
	// Bound to the browser that started it (spec/security.md item 14).
	if v.it == nil || string(v.it.Record.IDHash) != string(cs.InteractionIDHash) {
		p.errorPage(w, r, v, http.StatusBadRequest, "social.error.title_generic", "social.error.other_browser")
		return
	}
	plain, err := p.Connectors.Box.Open(cs.Data, sessionAD(stateHash))
	var data socialData
	if err == nil {
		err = json.Unmarshal(plain, &data)
	}
	if err != nil {
		p.fail(w, r, "open connector session", err)
		return
	}
	so, row, err := p.Connectors.Social(ctx, cs.ConnectorID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, connector.ErrDisabled) {
			p.errorPage(w, r, v, http.StatusBadRequest, "social.error.title_generic", "social.error.not_available")
			return
		}
		p.socialError(w, r, v, data.Target, data.Target, err)
		return
	}
	name := p.nameOf(ctx, row.ID, v.lang, row.Target)
	profile, err := so.UserInfo(ctx, connector.Callback{Params: params, RedirectURI: cs.RedirectURI,
		CodeVerifier: data.Verifier, Nonce: data.Nonce})
	if err == nil && (profile == nil || profile.ID == "") {
		err = connector.Errorf(connector.InvalidResponse, "the provider gave no user id")
	}
	if err != nil {
		p.recordSocial(r, v.it, audit.VerificationKey(audit.SignIn, audit.Social), row, "", socialErrorCode(err))
		p.socialError(w, r, v, row.Target, name, err)
		return
	}
	userID, outcome, err := p.socialUser(ctx, v.x, row, profile)
	switch {
	case err != nil:
		p.fail(w, r, "social sign-in", err)
		return
	case outcome == outcomeSuspended:
		p.recordSocial(r, v.it, audit.KeySignIn, row, userID, audit.CodeSuspended)
		p.errorPage(w, r, v, http.StatusForbidden, "social.error.title_generic", "error.suspended")
		return
	case outcome == outcomeNoAccount:
		p.recordSocial(r, v.it, audit.KeySignIn, row, "", audit.CodeIdentityNotExist)
		p.backToSignIn(w, r, "no_account", row.Target, data.Locale)
		return
	}
	if !p.login(w, r, v.it, userID) {
		return
	}
	key := audit.KeySignIn
	if outcome == outcomeRegistered {
		key = audit.KeyRegister
	}
	p.recordSocial(r, v.it, key, row, userID, "")
	p.done(w, r, v.it)
}

func (p *Pages) nameOf(ctx context.Context, connectorID, lang, def string) string {
	c, err := p.Connectors.Get(ctx, connectorID)
	if err != nil {
		return def
	}
	return connectorName(c, lang)
}

// backToSignIn sends the browser to the sign-in page with a message.
func (p *Pages) backToSignIn(w http.ResponseWriter, r *http.Request, reason, target, locale string) {
	q := url.Values{"social_error": {reason}, "connector": {target}}
	if locale != "" {
		q.Set("ui_locales", locale)
	}
	seeOther(w, r, p.base+"/sign-in?"+q.Encode())
}

// socialMessages are the sign-in page's messages after a social sign-in
// that came back (?social_error=...&connector=<target>).
var socialMessages = map[string]string{
	"access_denied":        "social.cancelled",
	"authorization_failed": "social.auth_failed",
	"no_account":           "social.no_account",
}

// socialMessage is the sign-in page's message for ?social_error, "" for
// none.
func (p *Pages) socialMessage(r *http.Request, v *view) string {
	key, ok := socialMessages[r.URL.Query().Get("social_error")]
	if !ok {
		return ""
	}
	target := r.URL.Query().Get("connector")
	name := target
	if p.Social != nil {
		if cs, err := p.Social.SocialConnectors(r.Context(), v.lang); err == nil {
			for _, c := range cs {
				if c.Target == target && c.Name != "" {
					name = c.Name
				}
			}
		}
	}
	if len(name) > 64 {
		name = name[:64]
	}
	return v.tr.T(key, "name", name)
}

// socialError answers a connector error: back to the sign-in page for the
// user's own cancellation and invalid codes, an error page (with the
// administrator's hint when it is a set-up problem) otherwise. Never 5xx.
func (p *Pages) socialError(w http.ResponseWriter, r *http.Request, v *view, target, name string, err error) {
	code := connector.CodeOf(err)
	var ce *connector.Error
	errors.As(err, &ce)
	p.log(r.Context()).Warn("social sign-in failed", "target", target, "code", code, "err", err)
	switch code {
	case connector.AccessDenied, connector.AuthorizationFailed:
		p.backToSignIn(w, r, string(code), target, localeParam(r))
		return
	}
	status, detailKey := http.StatusBadRequest, "social.error.invalid_response"
	hint := ""
	switch code {
	case connector.InvalidRequest, connector.InvalidConfig:
		detailKey = "social.error.config"
		if ce != nil {
			hint = ce.AdminHint
		}
	case connector.RateLimited:
		status, detailKey = http.StatusTooManyRequests, "social.error.rate_limited"
	case connector.Unavailable:
		detailKey = "social.error.unavailable"
	}
	detail := v.tr.T(detailKey, "name", name)
	if hint != "" {
		detail += " " + v.tr.T("social.error.admin_hint", "hint", hint)
	}
	web.Render(w, r, status, "error", web.ErrorData{
		Page:   web.Page{Base: p.base, Title: v.tr.T("social.error.title", "name", name), Lang: v.lang, Brand: p.brandOf(v.x)},
		Detail: detail})
}

type outcome int

const (
	outcomeSignedIn outcome = iota
	outcomeNoAccount
	outcomeSuspended
	// outcomeRegistered: a new user was created (a social sign-up).
	outcomeRegistered
)

// socialUser finds, links or creates the user of profile, in one
// transaction (no half-created user).
func (p *Pages) socialUser(ctx context.Context, x *signinexp.SignInExperience, row *store.Connector, profile *connector.Profile) (string, outcome, error) {
	var userID string
	res := outcomeSignedIn
	now := time.Now().UTC()
	details := profile.Raw
	if details == nil {
		details = map[string]any{}
	}
	err := p.Connectors.Store.InTx(ctx, func(tx store.Store) error {
		userID, res = "", outcomeSignedIn
		// 1. The upstream account's identity: keyed by (target, id), never email.
		ident, err := tx.GetIdentity(ctx, row.Target, profile.ID)
		if err == nil {
			u, err := tx.GetUser(ctx, ident.UserID)
			if err != nil {
				return err
			}
			if u.IsSuspended {
				userID, res = u.ID, outcomeSuspended
				return nil
			}
			userID = u.ID
			if row.SyncProfile {
				changed := false
				if profile.Name != "" && profile.Name != u.Name {
					u.Name, changed = profile.Name, true
				}
				if profile.Avatar != "" && profile.Avatar != u.Avatar {
					u.Avatar, changed = profile.Avatar, true
				}
				if changed {
					u.UpdatedAt = now
					if err := tx.UpdateUser(ctx, u); err != nil {
						return err
					}
				}
			}
			ident.Details, ident.UpdatedAt = details, now
			return tx.PutIdentity(ctx, ident)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		newIdent := &store.Identity{Target: row.Target, UpstreamID: profile.ID, Details: details, CreatedAt: now, UpdatedAt: now}
		// 2. Automatic linking: only a provider-verified email, to a local
		// primary email (verified by Monban), when the experience enables it.
		var emailOwner *store.User
		if profile.Email != "" {
			if u, err := tx.GetUserByEmail(ctx, profile.Email); err == nil {
				emailOwner = u
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if emailOwner != nil && profile.EmailVerified && x.SocialSignIn.AutomaticAccountLinking {
			ids, err := tx.ListUserIdentities(ctx, emailOwner.ID)
			if err != nil {
				return err
			}
			taken := slices.ContainsFunc(ids, func(i *store.Identity) bool { return i.Target == row.Target })
			if !taken {
				if emailOwner.IsSuspended {
					userID, res = emailOwner.ID, outcomeSuspended
					return nil
				}
				newIdent.UserID = emailOwner.ID
				userID = emailOwner.ID
				return tx.PutIdentity(ctx, newIdent)
			}
		}
		// 3. Sign-up, unless the experience is sign-in only.
		if x.SignInMode == signinexp.ModeSignIn {
			res = outcomeNoAccount
			return nil
		}
		u := &store.User{ID: id.New(), Name: profile.Name, Avatar: profile.Avatar, CreatedAt: now, UpdatedAt: now,
			CustomData: map[string]any{}, Profile: map[string]any{}}
		if profile.EmailVerified && emailOwner == nil && plausibleEmail(profile.Email) {
			u.PrimaryEmail = profile.Email
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		if err := tx.AssignDefaultRoles(ctx, u.ID); err != nil {
			return err
		}
		newIdent.UserID, userID, res = u.ID, u.ID, outcomeRegistered
		return tx.PutIdentity(ctx, newIdent)
	})
	if err != nil {
		return "", 0, err
	}
	return userID, res, nil
}

func plausibleEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return len(s) <= 254 && at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t\r\n<>")
}
