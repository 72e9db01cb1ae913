package oauth2

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/connector"
)

// This file holds the OAuth 2.0 building blocks that the provider-specific
// connectors (github, google, discord, gitlab, oidc) reuse: config parsing,
// the authorization-code exchange, bearer JSON calls, and the mapping of
// upstream failures to connector.Code.

// DefaultTimeout bounds upstream calls when the server gives no client.
const DefaultTimeout = 5 * time.Second

// maxBody bounds what is read from an upstream answer.
const maxBody = 1 << 20

// Client returns env's HTTP client, or a bounded default.
func Client(env connector.Env) *http.Client {
	if env.HTTP != nil {
		return env.HTTP
	}
	return &http.Client{Timeout: DefaultTimeout}
}

// Rewrite applies env.Rewrite (identity when unset).
func Rewrite(env connector.Env, raw string) string {
	if env.Rewrite == nil {
		return raw
	}
	return env.Rewrite(raw)
}

// ConfigString reads a string config value; required ones must be non-blank.
func ConfigString(config map[string]any, key string, required bool, def string) (string, error) {
	v, ok := config[key]
	if !ok || v == nil {
		if required {
			return "", connector.Errorf(connector.InvalidConfig, "%s is required", key)
		}
		return def, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", connector.Errorf(connector.InvalidConfig, "%s must be a string", key)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return "", connector.Errorf(connector.InvalidConfig, "%s is required", key)
		}
		return def, nil
	}
	return s, nil
}

// ConfigURL reads an absolute http(s) URL from the config.
func ConfigURL(config map[string]any, key string, required bool) (string, error) {
	s, err := ConfigString(config, key, required, "")
	if err != nil || s == "" {
		return s, err
	}
	u, perr := url.Parse(s)
	if perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", connector.Errorf(connector.InvalidConfig, "%s must be an absolute http(s) URL", key)
	}
	return s, nil
}

// Code returns the authorization code of a callback, mapping a provider's
// error parameters (error=access_denied: the user declined).
func Code(cb connector.Callback) (string, error) {
	if e := cb.Params.Get("error"); e != "" {
		desc := cb.Params.Get("error_description")
		switch e {
		case "access_denied", "user_cancelled_login", "user_cancelled_authorize", "consent_required", "login_required":
			return "", &connector.Error{Code: connector.AccessDenied, Message: "you declined to sign in with the provider", Err: errors.New(e + ": " + desc)}
		case "temporarily_unavailable", "server_error":
			return "", &connector.Error{Code: connector.Unavailable, Message: "the provider is unavailable", Err: errors.New(e + ": " + desc)}
		case "redirect_uri_mismatch":
			return "", &connector.Error{Code: connector.InvalidRequest, Message: "the provider refused the redirect URI",
				AdminHint: "register this exact redirect URI at the provider: " + cb.RedirectURI, Err: errors.New(e + ": " + desc)}
		default:
			return "", &connector.Error{Code: connector.InvalidRequest, Message: "the provider refused the sign-in request", Err: errors.New(e + ": " + desc)}
		}
	}
	code := cb.Params.Get("code")
	if code == "" {
		return "", connector.Errorf(connector.InvalidRequest, "the provider's callback has no authorization code")
	}
	return code, nil
}

// AuthStyle says how the client authenticates at the token endpoint.
type AuthStyle int

const (
	// AuthInBody sends client_id and client_secret in the form body
	// (client_secret_post).
	AuthInBody AuthStyle = iota
	// AuthBasic sends them as HTTP Basic (client_secret_basic).
	AuthBasic
)

// TokenRequest is an authorization-code exchange.
type TokenRequest struct {
	URL          string // already rewritten
	ClientID     string
	ClientSecret string
	Code         string
	RedirectURI  string
	CodeVerifier string // sent when non-empty
	Style        AuthStyle
	Extra        url.Values
	// MapError, when set, maps the provider's own error answers first
	// (returning nil falls back to the standard OAuth mapping).
	MapError ErrorMapper
}

// ErrorMapper maps a provider-specific error answer (any status; 2xx only
// when the answer is an error object) to a connector error, or returns nil.
type ErrorMapper func(status int, body []byte) error

// Token is the token endpoint's answer.
type Token struct {
	AccessToken string
	TokenType   string
	IDToken     string
	Scope       string
	Raw         map[string]any
}

// Exchange redeems an authorization code at the token endpoint.
func Exchange(ctx context.Context, env connector.Env, tr TokenRequest) (*Token, error) {
	form := url.Values{}
	form.Set("grant_type", "authorization_code")
	form.Set("code", tr.Code)
	form.Set("redirect_uri", tr.RedirectURI)
	if tr.CodeVerifier != "" {
		form.Set("code_verifier", tr.CodeVerifier)
	}
	for k, vs := range tr.Extra {
		form[k] = vs
	}
	if tr.Style != AuthBasic {
		form.Set("client_id", tr.ClientID)
		form.Set("client_secret", tr.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tr.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &connector.Error{Code: connector.InvalidConfig, Message: "invalid token endpoint", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if tr.Style == AuthBasic {
		cred := url.QueryEscape(tr.ClientID) + ":" + url.QueryEscape(tr.ClientSecret)
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cred)))
	}
	body, err := do(env, req, "token endpoint", tr.RedirectURI, tr.MapError)
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, &connector.Error{Code: connector.InvalidResponse, Message: "the provider's token answer is not JSON", Err: err}
	}
	// Some providers (GitHub) answer 200 with an error object.
	if e, _ := raw["error"].(string); e != "" || raw["ok"] == false {
		if tr.MapError != nil {
			if err := tr.MapError(200, body); err != nil {
				return nil, err
			}
		}
		return nil, errorFromOAuth(200, e, Str(raw, "error_description"), "token endpoint", tr.RedirectURI)
	}
	t := &Token{AccessToken: Str(raw, "access_token"), TokenType: Str(raw, "token_type"), IDToken: Str(raw, "id_token"), Scope: Str(raw, "scope"), Raw: raw}
	if t.AccessToken == "" {
		return nil, connector.Errorf(connector.InvalidResponse, "the provider's token answer has no access_token")
	}
	return t, nil
}

// GetJSON calls url with the bearer token and decodes a JSON answer into out.
// It returns the raw body as well.
func GetJSON(ctx context.Context, env connector.Env, rawURL, accessToken string, header http.Header, out any) ([]byte, error) {
	return GetJSONMapped(ctx, env, rawURL, accessToken, header, out, nil)
}

// GetJSONMapped is GetJSON with a provider-specific error mapping.
func GetJSONMapped(ctx context.Context, env connector.Env, rawURL, accessToken string, header http.Header, out any, mapErr ErrorMapper) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &connector.Error{Code: connector.InvalidConfig, Message: "invalid profile endpoint", Err: err}
	}
	req.Header.Set("Accept", "application/json")
	if accessToken != "" {
		req.Header.Set("Authorization", "Bearer "+accessToken)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	body, err := do(env, req, "profile endpoint", "", mapErr)
	if err != nil {
		return nil, err
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return body, &connector.Error{Code: connector.InvalidResponse, Message: "the provider's profile answer is not valid JSON", Err: err}
		}
	}
	return body, nil
}

func do(env connector.Env, req *http.Request, what, redirectURI string, mapErr ErrorMapper) ([]byte, error) {
	resp, err := Client(env).Do(req)
	if err != nil {
		return nil, transportError(what, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, transportError(what, err)
	}
	if resp.StatusCode/100 != 2 && mapErr != nil {
		if err := mapErr(resp.StatusCode, body); err != nil {
			return nil, err
		}
	}
	if resp.StatusCode/100 != 2 {
		var oe struct {
			Error       any    `json:"error"`
			Description string `json:"error_description"`
			Message     string `json:"message"`
		}
		_ = json.Unmarshal(body, &oe)
		code, _ := oe.Error.(string)
		desc := oe.Description
		if desc == "" {
			desc = oe.Message
		}
		if desc == "" && code == "" {
			desc = strings.TrimSpace(string(bytes.ToValidUTF8(body[:min(len(body), 200)], nil)))
		}
		return nil, errorFromOAuth(resp.StatusCode, code, desc, what, redirectURI)
	}
	return body, nil
}

func transportError(what string, err error) error {
	msg := "the provider did not answer in time"
	var ne net.Error
	if !(errors.As(err, &ne) && ne.Timeout()) && !errors.Is(err, context.DeadlineExceeded) {
		msg = "the provider could not be reached"
	}
	return &connector.Error{Code: connector.Unavailable, Message: msg, Err: fmt.Errorf("%s: %w", what, err)}
}

// OAuthError maps an OAuth-style error answer (status, error code,
// description) to a connector error; what names the endpoint.
func OAuthError(status int, code, desc, what, redirectURI string) error {
	return errorFromOAuth(status, code, desc, what, redirectURI)
}

// errorFromOAuth maps an upstream error answer to a connector error.
func errorFromOAuth(status int, code, desc, what, redirectURI string) error {
	cause := fmt.Errorf("%s answered %d %s: %s", what, status, code, desc)
	mk := func(c connector.Code, msg, hint string) error {
		return &connector.Error{Code: c, Message: msg, AdminHint: hint, Err: cause}
	}
	if status == http.StatusTooManyRequests {
		return mk(connector.RateLimited, "the provider is rate limiting sign-ins; try again shortly", "")
	}
	if status >= 500 {
		return mk(connector.Unavailable, "the provider is unavailable", "")
	}
	ld := strings.ToLower(desc)
	switch code {
	case "ratelimited", "rate_limited":
		return mk(connector.RateLimited, "the provider is rate limiting sign-ins; try again shortly", "")
	case "invalid_grant", "bad_verification_code", "invalid_token", "expired_token",
		"invalid_code", "code_already_used", "code_expired", "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive":
		return mk(connector.AuthorizationFailed, "the sign-in with the provider expired or was already used; please try again", "")
	case "invalid_client", "unauthorized_client", "incorrect_client_credentials", "invalid_client_id", "unsupported_grant_type",
		"bad_client_secret", "invalid_grant_type", "invalid_team_for_non_distributed_app", "oauth_authorization_url_mismatch":
		return mk(connector.InvalidConfig, "the connector is misconfigured", "check the connector's client ID and client secret")
	case "redirect_uri_mismatch", "bad_redirect_uri", "redirect_uri_not_allowed":
		return mk(connector.InvalidRequest, "the provider refused the redirect URI", redirectHint(redirectURI))
	case "invalid_request":
		if strings.Contains(ld, "redirect") {
			return mk(connector.InvalidRequest, "the provider refused the redirect URI", redirectHint(redirectURI))
		}
		return mk(connector.InvalidRequest, "the provider refused the request", "")
	case "access_denied":
		return mk(connector.AccessDenied, "access was denied by the provider", "")
	}
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return mk(connector.AuthorizationFailed, "the provider refused the sign-in; please try again", "")
	case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusUnprocessableEntity:
		return mk(connector.InvalidRequest, "the provider refused the request", "")
	}
	return mk(connector.InvalidResponse, "the provider answered something unexpected", "")
}

func redirectHint(redirectURI string) string {
	if redirectURI == "" {
		return "register the connector's redirect URI ({endpoint}/callback/{connectorId}) at the provider"
	}
	return "register this exact redirect URI at the provider: " + redirectURI
}

// Str reads a value of a decoded JSON object as a string (numbers too, so
// numeric ids work); dotted keys walk nested objects.
func Str(m map[string]any, key string) string {
	v := Lookup(m, key)
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// Bool reads a JSON boolean (or "true").
func Bool(m map[string]any, key string) bool {
	switch x := Lookup(m, key).(type) {
	case bool:
		return x
	case string:
		return x == "true"
	}
	return false
}

// Lookup walks a dotted path in decoded JSON.
func Lookup(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	var cur any = m
	for _, part := range strings.Split(key, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[part]
	}
	return cur
}

// Decode turns a JSON body into a map (for Profile.Raw).
func Decode(body []byte) (map[string]any, error) {
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, &connector.Error{Code: connector.InvalidResponse, Message: "the provider's answer is not a JSON object", Err: err}
	}
	if raw == nil {
		return nil, connector.Errorf(connector.InvalidResponse, "the provider's answer is not a JSON object")
	}
	return raw, nil
}

// MissingID is the error for a profile without a user id.
func MissingID() error {
	return connector.Errorf(connector.InvalidResponse, "the provider's profile has no user id")
}
