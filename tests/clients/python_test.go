package clients

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	appURL           = "http://localhost:3000" // the seed app's origin, fixed by its redirect URI
	notAuthenticated = "認証されていません"
	authenticated    = "認証されています"
)

// TestLogtoPythonSDKSeedApp runs the seed guide's Flask application (Logto's
// Python SDK, `logto` on PyPI) on localhost:3000 against Monban and walks it
// like a browser: home page, sign-in through Monban's hosted page, callback,
// sign-out; then the guide's interactionMode="signUp" variant registers a new
// user on Monban's /register page.
func TestLogtoPythonSDKSeedApp(t *testing.T) {
	pyDir := filepath.Join(repoRoot, "tests", "python")
	python := requirePython(t, pyDir)
	m := startMonban(t)
	b := newBrowser(t)

	t.Run("signIn", func(t *testing.T) {
		b.t = t
		app := startSeedApp(t, m, python, pyDir, "seed_app.py")
		home := b.get(appURL + "/")
		if home.Status != 200 || !strings.Contains(home.Body, notAuthenticated) {
			t.Fatalf("home before sign-in: %s\n%s; want %q", home, home.Body, notAuthenticated)
		}

		// /sign-in -> Monban's authorization endpoint with the SDK's request.
		auth := b.redirect(b.get(appURL + "/sign-in"))
		state := checkAuthRequest(t, m, auth, "")
		signInPage := b.redirect(b.get(auth.String()))
		if signInPage.String() != m.Endpoint+"/sign-in" {
			t.Fatalf("/oidc/auth redirected to %s, want the hosted sign-in page %s/sign-in", signInPage, m.Endpoint)
		}
		formPage := b.get(signInPage.String())
		f := parseForm(formPage.Body)
		if formPage.Status != 200 || f == nil || f.Types["identifier"] == "" || f.Types["password"] != "password" || f.Values.Get("csrf_token") == "" {
			t.Fatalf("sign-in page %s: want a form with identifier, password and csrf_token\n%s", formPage, formPage.Body)
		}
		f.Values.Set("identifier", m.Username)
		f.Values.Set("password", m.Pass)
		callback := followToApp(t, b, m, b.do(http.MethodPost, formPage.URL.ResolveReference(mustParse(t, f.Action)).String(), f.Values))
		checkCallback(t, m, callback, state)

		// /callback: the SDK exchanges the code, stores tokens in Flask's
		// session and redirects home.
		done := b.get(callback)
		if loc := b.redirect(done); loc.String() != appURL+"/" {
			t.Fatalf("callback redirected to %s, want %s/ (the seed app shows errors as 200 \"Error: ...\")", loc, appURL)
		}
		checkCookieSizes(t, done)
		if home := b.get(appURL + "/"); !strings.Contains(home.Body, authenticated) {
			t.Fatalf("home after sign-in: %q, want %q\nFlask app output:\n%s", home.Body, authenticated, app.output)
		}

		// /sign-out -> Monban's end-session endpoint -> back to the app.
		end := b.redirect(b.get(appURL + "/sign-out"))
		if end.Scheme+"://"+end.Host+end.Path != m.Endpoint+"/oidc/session/end" {
			t.Fatalf("/sign-out redirected to %s, want %s/oidc/session/end", end, m.Endpoint)
		}
		if q := end.Query(); q.Get("client_id") != m.AppID || q.Get("post_logout_redirect_uri") != postLogoutURI {
			t.Errorf("end-session request %s: want client_id=%s and post_logout_redirect_uri=%s", end, m.AppID, postLogoutURI)
		}
		back := followToApp(t, b, m, b.get(end.String()))
		if back != postLogoutURI {
			t.Fatalf("sign-out ended at %s, want %s", back, postLogoutURI)
		}
		if home := b.get(back); !strings.Contains(home.Body, notAuthenticated) {
			t.Fatalf("home after sign-out: %q, want %q", home.Body, notAuthenticated)
		}

		// Monban's browser session ended too: signing in again shows the form.
		again := b.redirect(b.get(startSignIn(t, b)))
		if again.String() != m.Endpoint+"/sign-in" {
			t.Errorf("sign-in after sign-out went to %s, want the sign-in page (session must have ended)", again)
		}
	})
	if t.Failed() {
		return
	}

	t.Run("signUp", func(t *testing.T) {
		b.t = t
		startSeedApp(t, m, python, pyDir, "seed_app_signup.py")
		auth := b.redirect(b.get(appURL + "/sign-in"))
		state := checkAuthRequest(t, m, auth, "signUp")
		reg := b.redirect(b.get(auth.String()))
		if reg.Host != mustParse(t, m.Endpoint).Host || !strings.HasSuffix(reg.Path, "/register") {
			t.Fatalf("/oidc/auth with interaction_mode=signUp redirected to %s, want Monban's /register page", reg)
		}
		regPage := b.get(reg.String())
		f := parseForm(regPage.Body)
		if regPage.Status != 200 || f == nil || f.Types["username"] == "" || f.Types["password"] != "password" || f.Values.Get("csrf_token") == "" {
			t.Fatalf("register page %s: want a form with username, password and csrf_token\n%s", regPage, regPage.Body)
		}
		f.Values.Set("username", "bob")
		f.Values.Set("password", "another long password")
		if _, ok := f.Values["email"]; ok {
			f.Values.Set("email", "bob@example.com")
		}
		callback := followToApp(t, b, m, b.do(http.MethodPost, regPage.URL.ResolveReference(mustParse(t, f.Action)).String(), f.Values))
		checkCallback(t, m, callback, state)
		if loc := b.redirect(b.get(callback)); loc.String() != appURL+"/" {
			t.Fatalf("callback redirected to %s, want %s/", loc, appURL)
		}
		if home := b.get(appURL + "/"); !strings.Contains(home.Body, authenticated) {
			t.Fatalf("home after registration: %q, want %q", home.Body, authenticated)
		}
	})
}

// startSignIn starts a new sign-in at the app and returns Monban's authorization URL.
func startSignIn(t *testing.T, b *browser) string {
	t.Helper()
	return b.redirect(b.get(appURL + "/sign-in")).String()
}

// startSeedApp runs a seed Flask app file on localhost:3000 and waits for it.
func startSeedApp(t *testing.T, m *monban, python, dir, file string) *proc {
	t.Helper()
	if ln, err := net.Listen("tcp", "127.0.0.1:3000"); err != nil {
		t.Fatalf("port 3000 is taken (%v): the seed app must listen on localhost:3000, its redirect URI is %s", err, callbackURI)
	} else {
		ln.Close()
	}
	cmd := exec.Command(python, file)
	cmd.Dir = dir
	cmd.Env = cleanEnv("MONBAN_ENDPOINT="+m.Endpoint, "APP_ID="+m.AppID, "APP_SECRET="+m.AppSecret, "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1")
	p := startProc(t, file, cmd)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s output:\n%s", file, p.output)
		}
	})
	p.waitHTTP(t, appURL+"/")
	return p
}

// checkAuthRequest asserts the authorization request the Python SDK built
// and returns its state.
func checkAuthRequest(t *testing.T, m *monban, auth *url.URL, interactionMode string) string {
	t.Helper()
	if !strings.HasPrefix(auth.String(), m.Endpoint+"/oidc/auth?") {
		t.Fatalf("/sign-in redirected to %s, want %s/oidc/auth?...", auth, m.Endpoint)
	}
	q := auth.Query()
	get := q.Get
	for k, want := range map[string]string{"client_id": m.AppID, "redirect_uri": callbackURI, "response_type": "code",
		"code_challenge_method": "S256", "prompt": "consent", "interaction_mode": interactionMode} {
		if got := get(k); got != want {
			t.Errorf("authorization request %s = %q, want %q", k, got, want)
		}
	}
	for _, s := range []string{"openid", "offline_access", "profile"} {
		if !slices.Contains(strings.Fields(get("scope")), s) {
			t.Errorf("authorization request scope %q lacks %s", get("scope"), s)
		}
	}
	if get("state") == "" || get("code_challenge") == "" {
		t.Errorf("authorization request lacks state or code_challenge: %v", q)
	}
	return get("state")
}

// followToApp follows redirects inside Monban until one leaves it, and
// returns that URL. A page with a form and no password field (a sign-out
// confirmation that a browser would auto-post) is submitted as it is.
func followToApp(t *testing.T, b *browser, m *monban, p *page) string {
	t.Helper()
	for hop := 0; hop < 10; hop++ {
		switch {
		case p.Location != nil && p.Status >= 300 && p.Status < 400:
			if !strings.HasPrefix(p.Location.String(), m.Endpoint) {
				return p.Location.String()
			}
			p = b.get(p.Location.String())
		case p.Status == 200 && parseForm(p.Body) != nil && !strings.Contains(p.Body, `type="password"`):
			f := parseForm(p.Body)
			p = b.do(http.MethodPost, p.URL.ResolveReference(mustParse(t, f.Action)).String(), f.Values)
		default:
			t.Fatalf("%s: want a redirect back to the app\n%s", p, p.Body)
		}
	}
	t.Fatal("too many hops inside Monban")
	return ""
}

// checkCallback asserts the redirect to the app's callback: code, the
// request's state and iss.
func checkCallback(t *testing.T, m *monban, callback, state string) {
	t.Helper()
	u := mustParse(t, callback)
	if u.Scheme+"://"+u.Host+u.Path != callbackURI {
		t.Fatalf("sign-in ended at %s, want %s", callback, callbackURI)
	}
	q := u.Query()
	if q.Get("error") != "" {
		t.Fatalf("authorization error at the callback: %s", callback)
	}
	if q.Get("code") == "" || q.Get("state") != state || q.Get("iss") != m.Issuer {
		t.Errorf("callback %s: want code, state=%s, iss=%s", callback, state, m.Issuer)
	}
}

// checkCookieSizes: the seed app keeps the SDK's tokens in Flask's session
// cookie; browsers drop cookies over 4096 bytes, which would silently sign
// the user out, so the tokens Monban issues must fit.
func checkCookieSizes(t *testing.T, p *page) {
	t.Helper()
	for _, c := range p.Header.Values("Set-Cookie") {
		t.Logf("the app sets a %d-byte cookie", len(c))
		if len(c) > 4096 {
			name, _, _ := strings.Cut(c, "=")
			t.Errorf("the app's %s cookie is %d bytes (> 4096, browsers drop it): the tokens are too large", name, len(c))
		}
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// pythonReport is what tests/python/sdk_driver.py prints last.
type pythonReport struct {
	Error           string         `json:"error"`
	Step            string         `json:"step"`
	Traceback       string         `json:"traceback"`
	IsAuthenticated bool           `json:"isAuthenticated"`
	IDTokenClaims   map[string]any `json:"idTokenClaims"`
	IDTokenHeader   map[string]any `json:"idTokenHeader"`
	Userinfo        map[string]any `json:"userinfo"`
	ResourceToken   jwtView        `json:"resourceAccessToken"`
	ResourceClaims  map[string]any `json:"resourceAccessTokenClaims"`
	Refresh         struct {
		GotAccessToken         bool `json:"gotAccessToken"`
		NewAccessTokenOpaque   bool `json:"newAccessTokenOpaque"`
		RotatedOnResourceGrant bool `json:"rotatedOnResourceGrant"`
		RotatedOnForcedRefresh bool `json:"rotatedOnForcedRefresh"`
		IDTokenReplaced        bool `json:"idTokenReplaced"`
	} `json:"refresh"`
	UserinfoAfterRefresh        map[string]any `json:"userinfoAfterRefresh"`
	SignOutURL                  string         `json:"signOutUrl"`
	IsAuthenticatedAfterSignOut bool           `json:"isAuthenticatedAfterSignOut"`
}

// TestLogtoPythonSDKTokens uses the Python SDK's token methods that the seed
// app does not: ID token claims and userinfo (parsed by the SDK's pydantic
// models), an access token for an API resource and a forced refresh (both
// refresh_token grants with client_secret_post), the sign-out URL. The test
// plays the browser between the SDK's signIn and handleSignInCallback.
func TestLogtoPythonSDKTokens(t *testing.T) {
	pyDir := filepath.Join(repoRoot, "tests", "python")
	python := requirePython(t, pyDir)
	m := startMonban(t)
	b := newBrowser(t)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "sdk_driver.py")
	cmd.Dir = pyDir
	cmd.Env = cleanEnv("MONBAN_ENDPOINT="+m.Endpoint, "APP_ID="+m.AppID, "APP_SECRET="+m.AppSecret,
		"RESOURCE="+m.Resource, "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdoutPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := false
	t.Cleanup(func() {
		if !waited {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	lines := bufio.NewScanner(stdoutPipe)
	lines.Buffer(make([]byte, 0, 64<<10), 4<<20)
	if !lines.Scan() {
		t.Fatalf("sdk_driver.py printed nothing: %v\n%s", lines.Err(), stderr.String())
	}
	var first struct {
		AuthURL string `json:"authUrl"`
		Error   string `json:"error"`
	}
	if err := json.Unmarshal(lines.Bytes(), &first); err != nil || first.AuthURL == "" {
		t.Fatalf("sdk_driver.py first line %q (%v), want {\"authUrl\": ...}\n%s", lines.Text(), err, stderr.String())
	}
	state := checkAuthRequest(t, m, mustParse(t, first.AuthURL), "")
	if got := mustParse(t, first.AuthURL).Query()["resource"]; !slices.Equal(got, []string{m.Resource}) {
		t.Errorf("authorization request resource = %q, want [%s]", got, m.Resource)
	}

	callback := signInAtMonban(t, b, m, first.AuthURL, m.Username, m.Pass)
	checkCallback(t, m, callback, state)
	fmt.Fprintln(stdin, callback)
	stdin.Close()

	var out []byte
	for lines.Scan() {
		out = append([]byte(nil), lines.Bytes()...)
	}
	runErr := cmd.Wait()
	waited = true
	var r pythonReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("sdk_driver.py: %v; last line is not JSON: %v\n%s\nstderr:\n%s", runErr, err, out, stderr.String())
	}
	t.Logf("sdk_driver.py report: %s", out)
	if runErr != nil || r.Error != "" {
		t.Fatalf("Python SDK failed at step %q: %s\n%s\nstderr:\n%s", r.Step, r.Error, r.Traceback, stderr.String())
	}

	if !r.IsAuthenticated {
		t.Error("isAuthenticated() is false after handleSignInCallback")
	}
	for k, want := range map[string]any{"sub": m.UserID, "aud": m.AppID, "iss": m.Issuer, "username": m.Username} {
		if r.IDTokenClaims[k] != want {
			t.Errorf("ID token %s = %#v, want %#v", k, r.IDTokenClaims[k], want)
		}
	}
	if r.IDTokenHeader["alg"] != "ES384" {
		t.Errorf("ID token header %v, want alg ES384", r.IDTokenHeader)
	}
	for k, want := range map[string]any{"sub": m.UserID, "username": m.Username, "email": "alice@example.com"} {
		if r.Userinfo[k] != want {
			t.Errorf("userinfo %s = %#v, want %#v", k, r.Userinfo[k], want)
		}
	}
	at := r.ResourceToken
	if at.Opaque || at.Header["typ"] != "at+jwt" {
		t.Errorf("resource access token header %v (opaque=%v), want typ at+jwt", at.Header, at.Opaque)
	}
	for k, want := range map[string]any{"aud": m.Resource, "sub": m.UserID, "iss": m.Issuer, "client_id": m.AppID} {
		if at.Payload[k] != want || r.ResourceClaims[k] != want {
			t.Errorf("resource access token %s = %#v (SDK claims %#v), want %#v", k, at.Payload[k], r.ResourceClaims[k], want)
		}
	}
	f := r.Refresh
	if !f.GotAccessToken || !f.NewAccessTokenOpaque || !f.RotatedOnResourceGrant || !f.RotatedOnForcedRefresh || !f.IDTokenReplaced {
		t.Errorf("refresh: %+v; want a new opaque access token, a new refresh token on each grant and a fresh ID token", f)
	}
	if r.UserinfoAfterRefresh["sub"] != m.UserID {
		t.Errorf("userinfo with the refreshed access token: %v", r.UserinfoAfterRefresh)
	}
	if r.IsAuthenticatedAfterSignOut {
		t.Error("isAuthenticated() is still true after signOut")
	}
	end := mustParse(t, r.SignOutURL)
	if end.Scheme+"://"+end.Host+end.Path != m.Endpoint+"/oidc/session/end" || end.Query().Get("client_id") != m.AppID {
		t.Fatalf("signOut URL %s, want %s/oidc/session/end?client_id=%s&...", r.SignOutURL, m.Endpoint, m.AppID)
	}
	if back := followToApp(t, b, m, b.get(r.SignOutURL)); back != postLogoutURI {
		t.Errorf("sign-out ended at %s, want %s", back, postLogoutURI)
	}
}

// requirePython returns the virtualenv's interpreter, or skips (fails
// under CI=true) when it or the SDK is missing.
func requirePython(t *testing.T, pyDir string) string {
	t.Helper()
	python := filepath.Join(pyDir, ".venv", "bin", "python")
	if _, err := os.Stat(python); err != nil {
		requireTool(t, "the Python virtualenv tests/python/.venv", "python3 -m venv tests/python/.venv && pip install -r tests/python/requirements.txt")
	}
	if out, err := exec.Command(python, "-c", "import logto, flask, asgiref").CombinedOutput(); err != nil {
		requireTool(t, "logto and flask[async] in tests/python/.venv", "pip install -r tests/python/requirements.txt: "+strings.TrimSpace(string(out)))
	}
	return python
}

// signInAtMonban walks a browser from an authorization URL through Monban's
// hosted sign-in form and returns the redirect back to the application.
func signInAtMonban(t *testing.T, b *browser, m *monban, authURL, username, password string) string {
	t.Helper()
	page := b.get(b.redirect(b.get(authURL)).String())
	f := parseForm(page.Body)
	if page.Status != 200 || f == nil || f.Types["password"] != "password" {
		t.Fatalf("%s: want the sign-in form\n%s", page, page.Body)
	}
	f.Values.Set("identifier", username)
	f.Values.Set("password", password)
	return followToApp(t, b, m, b.do(http.MethodPost, page.URL.ResolveReference(mustParse(t, f.Action)).String(), f.Values))
}
