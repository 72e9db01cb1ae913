package clients

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// nodeReport is what tests/node/signin.mjs prints.
type nodeReport struct {
	Error string          `json:"error"`
	Step  string          `json:"step"`
	Cause string          `json:"cause"`
	Data  json.RawMessage `json:"errorData"`
	Trace []traceEntry    `json:"trace"`
	Hops  []any           `json:"hops"`
	Authz struct {
		URL    string         `json:"url"`
		For    string         `json:"for"`
		Params map[string]any `json:"params"`
	} `json:"authorization"`
	CallbackURL     string `json:"callbackUrl"`
	IsAuthenticated bool   `json:"isAuthenticated"`
	IDToken         struct {
		Header map[string]any `json:"header"`
		Claims map[string]any `json:"claims"`
	} `json:"idToken"`
	HasRefreshToken    bool           `json:"hasRefreshToken"`
	Userinfo           map[string]any `json:"userinfo"`
	DefaultAccessToken jwtView        `json:"defaultAccessToken"`
	ResourceToken      jwtView        `json:"resourceAccessToken"`
	Refresh            struct {
		RotatedOnResourceGrant bool           `json:"refreshTokenRotatedOnResourceGrant"`
		RotatedOnForcedRefresh bool           `json:"refreshTokenRotatedOnForcedRefresh"`
		PresentAfter           bool           `json:"refreshTokenPresentAfter"`
		NewAccessToken         jwtView        `json:"newAccessToken"`
		AccessTokenChanged     bool           `json:"accessTokenChanged"`
		IDTokenReplaced        bool           `json:"idTokenReplaced"`
		IDTokenAfter           map[string]any `json:"idTokenAfter"`
		Grants                 []struct {
			Resource *string `json:"resource"`
			Status   int     `json:"status"`
		} `json:"grants"`
	} `json:"refresh"`
	UserinfoAfterRefresh map[string]any `json:"userinfoAfterRefresh"`
	SignOut              struct {
		For        string            `json:"for"`
		URL        string            `json:"url"`
		Params     map[string]string `json:"params"`
		Revocation []struct {
			Status int    `json:"status"`
			Body   string `json:"body"`
		} `json:"revocation"`
		IsAuthenticatedAfter bool   `json:"isAuthenticatedAfter"`
		LandedOn             string `json:"landedOn"`
	} `json:"signOut"`
	RefreshAfterSignOut struct {
		Status int            `json:"status"`
		Body   map[string]any `json:"body"`
	} `json:"refreshAfterSignOut"`
	SignInAgainShowsForm bool   `json:"signInAgainShowsForm"`
	SignInAgainStoppedAt string `json:"signInAgainStoppedAt"`
}

type traceEntry struct {
	Step        string `json:"step"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	GrantType   string `json:"grant_type"`
	Resource    string `json:"resource"`
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Body        string `json:"body"`
	FetchError  string `json:"fetch_error"`
}

type jwtView struct {
	Opaque  bool           `json:"opaque"`
	Header  map[string]any `json:"header"`
	Payload map[string]any `json:"payload"`
	Raw     string         `json:"raw"`
}

// TestLogtoNodeSDK signs in with Logto's Node SDK (@logto/node) through
// Monban's hosted sign-in page and uses every token it gets: ID token
// claims, userinfo, an access token for an API resource, forced refreshes,
// sign-out with revocation.
func TestLogtoNodeSDK(t *testing.T) {
	nodeDir := filepath.Join(repoRoot, "tests", "node")
	node, err := exec.LookPath("node")
	if err != nil {
		requireTool(t, "node", "Node.js 20+ with npm")
	}
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "@logto", "node", "package.json")); err != nil {
		requireTool(t, "@logto/node", "npm ci in tests/node")
	}
	m := startMonban(t)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "signin.mjs",
		"--endpoint", m.Endpoint, "--app-id", m.AppID, "--app-secret", m.AppSecret,
		"--username", m.Username, "--password", m.Pass, "--resource", m.Resource,
		"--redirect-uri", callbackURI, "--post-logout-redirect-uri", postLogoutURI)
	cmd.Dir = nodeDir
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var r nodeReport
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("node signin.mjs: %v; stdout is not one JSON object: %v\nstdout:\n%s\nstderr:\n%s", runErr, err, stdout.String(), stderr.String())
	}
	if runErr != nil || r.Error != "" {
		pretty, _ := json.MarshalIndent(r, "", "  ")
		t.Fatalf("@logto/node failed at step %q: %s\ncause: %s\ndata: %s\nstderr:\n%s\nreport:\n%s", r.Step, r.Error, r.Cause, r.Data, stderr.String(), pretty)
	}
	t.Logf("SDK requests: %+v", r.Trace)

	// The authorization request the SDK built.
	if r.Authz.URL != m.Endpoint+"/oidc/auth" {
		t.Errorf("authorization endpoint = %q, want %q (from discovery)", r.Authz.URL, m.Endpoint+"/oidc/auth")
	}
	for k, want := range map[string]string{"client_id": m.AppID, "redirect_uri": callbackURI, "response_type": "code",
		"code_challenge_method": "S256", "prompt": "consent", "resource": m.Resource} {
		if got := r.Authz.Params[k]; got != want {
			t.Errorf("authorization request %s = %v, want %q", k, got, want)
		}
	}
	scope, _ := r.Authz.Params["scope"].(string)
	for _, s := range []string{"openid", "offline_access", "profile", "email"} {
		if !slices.Contains(strings.Fields(scope), s) {
			t.Errorf("authorization request scope %q lacks %q", scope, s)
		}
	}

	// The redirect back: code, state and iss (RFC 9207).
	cb, err := url.Parse(r.CallbackURL)
	if err != nil {
		t.Fatal(err)
	}
	if q := cb.Query(); q.Get("code") == "" || q.Get("state") != r.Authz.Params["state"] || q.Get("iss") != m.Issuer {
		t.Errorf("callback %s: want code, the request's state and iss=%s", r.CallbackURL, m.Issuer)
	}
	if !r.IsAuthenticated || !r.HasRefreshToken {
		t.Errorf("after handleSignInCallback: isAuthenticated=%v, refresh token=%v; want both", r.IsAuthenticated, r.HasRefreshToken)
	}

	// ID token (the SDK verified signature, iss, aud and iat with jose).
	c := r.IDToken.Claims
	wantClaims := map[string]any{"sub": m.UserID, "aud": m.AppID, "iss": m.Issuer, "username": m.Username,
		"email": "alice@example.com"}
	for k, want := range wantClaims {
		if c[k] != want {
			t.Errorf("ID token %s = %#v, want %#v (aud must be a JSON string)", k, c[k], want)
		}
	}
	for _, k := range []string{"exp", "iat", "auth_time"} {
		if _, ok := c[k].(float64); !ok {
			t.Errorf("ID token %s = %#v, want a number", k, c[k])
		}
	}
	if r.IDToken.Header["alg"] != "ES384" || r.IDToken.Header["kid"] == nil {
		t.Errorf("ID token header = %v, want alg ES384 (the default) and a kid", r.IDToken.Header)
	}

	// Userinfo with the default (opaque) access token.
	for k, want := range map[string]any{"sub": m.UserID, "username": m.Username, "email": "alice@example.com"} {
		if r.Userinfo[k] != want {
			t.Errorf("userinfo %s = %#v, want %#v", k, r.Userinfo[k], want)
		}
	}
	if !r.DefaultAccessToken.Opaque {
		t.Errorf("access token without resource: want an opaque token, got a JWT %v", r.DefaultAccessToken.Payload)
	}
	for _, e := range r.Trace {
		if (strings.HasSuffix(e.Path, "/oidc/token") || strings.HasSuffix(e.Path, "/oidc/me")) && !strings.HasPrefix(e.ContentType, "application/json") {
			t.Errorf("%s %s (%s): Content-Type %q, want application/json", e.Method, e.Path, e.Step, e.ContentType)
		}
	}

	// Access token for the API resource: a JWT (at+jwt) for that audience.
	at := r.ResourceToken
	if at.Opaque || at.Header["typ"] != "at+jwt" || at.Header["kid"] == nil {
		t.Errorf("resource access token header = %v (opaque=%v), want typ at+jwt and a kid", at.Header, at.Opaque)
	}
	for k, want := range map[string]any{"aud": m.Resource, "sub": m.UserID, "iss": m.Issuer, "client_id": m.AppID} {
		if at.Payload[k] != want {
			t.Errorf("resource access token %s = %#v, want %#v", k, at.Payload[k], want)
		}
	}
	for _, k := range []string{"jti", "scope", "iat", "exp"} {
		if _, ok := at.Payload[k]; !ok {
			t.Errorf("resource access token lacks %q: %v", k, at.Payload)
		}
	}
	verifyWithJWKS(t, m, at.Raw)

	// Refresh: the resource token came from a refresh_token grant with
	// resource=..., then clearAccessToken() forced another one without.
	f := r.Refresh
	if len(f.Grants) != 2 || f.Grants[0].Status != 200 || f.Grants[0].Resource == nil || *f.Grants[0].Resource != m.Resource ||
		f.Grants[1].Status != 200 || f.Grants[1].Resource != nil {
		t.Errorf("refresh grants = %+v, want two 200s: resource=%s, then none", f.Grants, m.Resource)
	}
	if !f.RotatedOnResourceGrant || !f.RotatedOnForcedRefresh || !f.PresentAfter {
		t.Errorf("refresh token rotation: on resource grant %v, on forced refresh %v, present after %v; want a new refresh token every time",
			f.RotatedOnResourceGrant, f.RotatedOnForcedRefresh, f.PresentAfter)
	}
	if !f.IDTokenReplaced || f.IDTokenAfter["sub"] != m.UserID || f.IDTokenAfter["aud"] != m.AppID {
		t.Errorf("refresh: ID token replaced=%v, claims %v; want a fresh ID token for the same user and client", f.IDTokenReplaced, f.IDTokenAfter)
	}
	if !f.AccessTokenChanged || !f.NewAccessToken.Opaque {
		t.Errorf("refresh without resource: new access token changed=%v opaque=%v; want a new opaque token", f.AccessTokenChanged, f.NewAccessToken.Opaque)
	}
	if r.UserinfoAfterRefresh["sub"] != m.UserID {
		t.Errorf("userinfo with the refreshed access token: %v", r.UserinfoAfterRefresh)
	}

	// Sign-out: revocation of the refresh token, end session, back to the app.
	so := r.SignOut
	if so.URL != m.Endpoint+"/oidc/session/end" || so.Params["client_id"] != m.AppID || so.Params["post_logout_redirect_uri"] != postLogoutURI {
		t.Errorf("sign-out URL %s %v, want end_session_endpoint with client_id and post_logout_redirect_uri", so.URL, so.Params)
	}
	if len(so.Revocation) != 1 || so.Revocation[0].Status != 200 {
		t.Errorf("sign-out revocation = %+v, want one POST /oidc/token/revocation answered 200", so.Revocation)
	}
	if so.IsAuthenticatedAfter {
		t.Error("isAuthenticated() is still true after signOut")
	}
	if so.LandedOn != postLogoutURI {
		t.Errorf("end session led to %q, want %q", so.LandedOn, postLogoutURI)
	}
	if r.RefreshAfterSignOut.Status != http.StatusBadRequest || r.RefreshAfterSignOut.Body["error"] != "invalid_grant" {
		t.Errorf("refresh with the revoked refresh token = %d %v, want 400 invalid_grant", r.RefreshAfterSignOut.Status, r.RefreshAfterSignOut.Body)
	}
	if !r.SignInAgainShowsForm {
		t.Errorf("after sign-out a new sign-in stopped at %s, want the sign-in form (the browser session must have ended)", r.SignInAgainStoppedAt)
	}
}

// verifyWithJWKS checks a JWT's signature against the server's JWKS.
func verifyWithJWKS(t *testing.T, m *monban, raw string) {
	t.Helper()
	resp, err := http.Get(m.Endpoint + "/oidc/jwks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatalf("JWKS: %v", err)
	}
	tok, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.ES256, jose.ES384, jose.ES512})
	if err != nil {
		t.Errorf("access token is not a JWS: %v", err)
		return
	}
	kid := tok.Signatures[0].Header.KeyID
	keys := set.Key(kid)
	if len(keys) == 0 {
		t.Errorf("access token kid %q is not in the JWKS", kid)
		return
	}
	if _, err := tok.Verify(keys[0]); err != nil {
		t.Errorf("access token signature does not verify with JWKS key %q: %v", kid, err)
	}
}
