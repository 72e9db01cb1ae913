package oidc_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/testenv"
)

// badRedirectURIs are near misses of the registered "http://localhost:3000/callback"
// (spec/security.md item 1): none may be redirected to.
var badRedirectURIs = []struct{ name, uri string }{
	{"trailing slash", "http://localhost:3000/callback/"},
	{"path case", "http://localhost:3000/CALLBACK"},
	{"host case", "http://LOCALHOST:3000/callback"},
	{"scheme case", "HTTP://localhost:3000/callback"},
	{"https instead of http", "https://localhost:3000/callback"},
	{"encoded slash in path", "http://localhost:3000/callback%2F"},
	{"encoded slash before path", "http://localhost:3000%2Fcallback"},
	{"encoded letter", "http://localhost:3000/%63allback"},
	{"dot-dot-semicolon", "http://localhost:3000/callback/..;/"},
	{"dot-dot-semicolon prefix", "http://localhost:3000/x/..;/callback"},
	{"dot segment", "http://localhost:3000/x/../callback"},
	{"dot segment current", "http://localhost:3000/./callback"},
	{"double slash", "http://localhost:3000//callback"},
	{"userinfo to evil host", "http://localhost:3000@evil.example/callback"},
	{"userinfo before host", "http://evil@localhost:3000/callback"},
	{"added query", "http://localhost:3000/callback?next=https://evil.example"},
	{"empty query", "http://localhost:3000/callback?"},
	{"fragment", "http://localhost:3000/callback#x"},
	{"empty fragment", "http://localhost:3000/callback#"},
	{"javascript", "javascript:alert(document.domain)//http://localhost:3000/callback"},
	{"JavaScript mixed case", "JavaScript:alert(1)"},
	{"data", "data:text/html,<script>alert(1)</script>"},
	{"DATA upper case", "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="},
	{"vbscript", "vbscript:msgbox(1)"},
	{"loopback lookalike", "http://127.0.0.1.evil/callback"},
	{"localhost lookalike", "http://localhost.evil.example:3000/callback"},
	{"other port", "http://localhost:3001/callback"},
	{"no port", "http://localhost/callback"},
	{"127.0.0.1 for localhost", "http://127.0.0.1:3000/callback"},
	{"prefix of registered", "http://localhost:3000/call"},
	{"registered as prefix", "http://localhost:3000/callbackx"},
	{"protocol relative", "//localhost:3000/callback"},
	{"relative path", "/callback"},
	{"leading space", " http://localhost:3000/callback"},
	{"trailing space", "http://localhost:3000/callback "},
	{"trailing tab", "http://localhost:3000/callback\t"},
	{"trailing NUL", "http://localhost:3000/callback\x00"},
	{"trailing newline", "http://localhost:3000/callback\n"},
	{"backslash", "http://localhost:3000\\callback"},
	{"backslash host confusion", "http://evil.example\\@localhost:3000/callback"},
	{"unicode fullwidth slash", "http://localhost:3000／callback"},
	{"other application's URI", secondRedirect + "x"},
}

// TestSecurityRedirectURIExactMatch: a redirect URI that is not byte for
// byte a registered one gets a 400 HTML page and no Location, even though
// every other parameter is valid (spec/security.md item 1).
func TestSecurityRedirectURIExactMatch(t *testing.T) {
	f := newFixture(t)
	_, ch := newVerifier()

	// The control: the registered URI is accepted (the browser goes on to
	// sign in), so the rejections below are about the redirect URI alone.
	ok := get(t, nil, f.authURL(authParams(f.spa.ID, ch)))
	if ok.StatusCode != http.StatusFound || !strings.HasPrefix(ok.Header.Get("Location"), f.env.Endpoint+"/sign-in") {
		t.Fatalf("registered redirect URI: %d Location %q", ok.StatusCode, ok.Header.Get("Location"))
	}

	for _, tc := range badRedirectURIs {
		t.Run(tc.name, func(t *testing.T) {
			for _, app := range []struct {
				name, id string
			}{{"SPA", f.spa.ID}, {"Traditional", f.web.ID}} {
				q := authParams(app.id, ch)
				q.Set("redirect_uri", tc.uri)
				wantErrorPage(t, app.name+" GET", get(t, nil, f.authURL(q)))

				req, _ := http.NewRequest(http.MethodPost, f.env.Issuer+"/auth", strings.NewReader(q.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				wantErrorPage(t, app.name+" POST", do(t, nil, req))
			}
		})
	}

	// secondRedirect is registered for the web application only.
	t.Run("registered for another application", func(t *testing.T) {
		q := authParams(f.spa.ID, ch)
		q.Set("redirect_uri", secondRedirect)
		wantErrorPage(t, "GET", get(t, nil, f.authURL(q)))
	})
	// A valid and an invalid redirect_uri together: which one would win is
	// exactly the ambiguity an attacker exploits.
	t.Run("duplicated redirect_uri", func(t *testing.T) {
		for _, order := range [][]string{{redirect, "https://evil.example/cb"}, {"https://evil.example/cb", redirect}, {redirect, redirect}} {
			q := authParams(f.spa.ID, ch)
			q["redirect_uri"] = order
			wantErrorPage(t, strings.Join(order, " + "), get(t, nil, f.authURL(q)))
		}
	})
	// With a signed-in browser the answer is the same: a session must not
	// make the server redirect anywhere else.
	t.Run("with a session", func(t *testing.T) {
		b := testenv.Browser()
		_, ch := newVerifier()
		f.signIn(t, b, authParams(f.spa.ID, ch))
		for _, tc := range badRedirectURIs {
			q := authParams(f.spa.ID, ch)
			q.Set("redirect_uri", tc.uri)
			q.Set("prompt", "none")
			wantErrorPage(t, tc.name, get(t, b, f.authURL(q)))
		}
	})
}

// TestSecurityAuthorizeNeverRedirectsUnvalidatedClient: without a known
// client and a matching redirect URI there is no redirect at all, whatever
// else is wrong with the request (spec/security.md item 2).
func TestSecurityAuthorizeNeverRedirectsUnvalidatedClient(t *testing.T) {
	f := newFixture(t)
	_, ch := newVerifier()
	cases := []struct {
		name string
		mod  func(q url.Values)
	}{
		{"unknown client_id", func(q url.Values) { q.Set("client_id", "doesnotexist0000000000") }},
		{"client_id of another case", func(q url.Values) { q.Set("client_id", strings.ToUpper(f.spa.ID)) }},
		{"missing client_id", func(q url.Values) { q.Del("client_id") }},
		{"empty client_id", func(q url.Values) { q.Set("client_id", "") }},
		{"duplicated client_id", func(q url.Values) { q["client_id"] = []string{f.spa.ID, f.web.ID} }},
		{"missing redirect_uri", func(q url.Values) { q.Del("redirect_uri") }},
		{"empty redirect_uri", func(q url.Values) { q.Set("redirect_uri", "") }},
		{"machine-to-machine client", func(q url.Values) { q.Set("client_id", f.m2m.ID) }},
		// Errors that would redirect for a valid client must not for an
		// unknown one.
		{"unknown client and bad response_type", func(q url.Values) {
			q.Set("client_id", "doesnotexist0000000000")
			q.Set("response_type", "token")
		}},
		{"unknown client and prompt=none", func(q url.Values) {
			q.Set("client_id", "doesnotexist0000000000")
			q.Set("prompt", "none")
		}},
		{"missing redirect_uri and no openid", func(q url.Values) {
			q.Del("redirect_uri")
			q.Set("scope", "profile")
		}},
		{"bad redirect_uri and response_mode=form_post", func(q url.Values) {
			q.Set("redirect_uri", "https://evil.example/cb")
			q.Set("response_mode", "form_post")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := authParams(f.spa.ID, ch)
			tc.mod(q)
			r := get(t, nil, f.authURL(q))
			wantErrorPage(t, "GET", r)
			if strings.Contains(string(r.body), "evil.example") && strings.Contains(string(r.body), "action=") {
				t.Errorf("the error page carries a form to the rejected redirect URI")
			}
		})
	}
}

// TestSecurityAuthorizeErrorsRedirectWithIss: once the client and the
// redirect URI are valid, every error goes back to the client with error,
// state and iss equal to the issuer (spec/security.md items 2 and 6, RFC 9207).
func TestSecurityAuthorizeErrorsRedirectWithIss(t *testing.T) {
	f := newFixture(t)
	_, ch := newVerifier()
	cases := []struct {
		name   string
		public bool // use the SPA, else the Traditional application
		mod    func(q url.Values)
		want   string
	}{
		{"response_type token", false, func(q url.Values) { q.Set("response_type", "token") }, "unsupported_response_type"},
		{"response_type id_token", false, func(q url.Values) { q.Set("response_type", "id_token") }, "unsupported_response_type"},
		{"missing response_type", false, func(q url.Values) { q.Del("response_type") }, "invalid_request"},
		{"missing openid scope", false, func(q url.Values) { q.Set("scope", "profile email") }, "invalid_scope"},
		{"empty scope", false, func(q url.Values) { q.Del("scope") }, "invalid_scope"},
		{"public client without code_challenge", true, func(q url.Values) {
			q.Del("code_challenge")
			q.Del("code_challenge_method")
		}, "invalid_request"},
		{"public client with method but no challenge", true, func(q url.Values) { q.Del("code_challenge") }, "invalid_request"},
		{"code_challenge_method plain", true, func(q url.Values) { q.Set("code_challenge_method", "plain") }, "invalid_request"},
		{"code_challenge_method missing", true, func(q url.Values) { q.Del("code_challenge_method") }, "invalid_request"},
		{"code_challenge_method lower case", true, func(q url.Values) { q.Set("code_challenge_method", "s256") }, "invalid_request"},
		{"confidential client with plain", false, func(q url.Values) {
			q.Set("code_challenge", ch)
			q.Set("code_challenge_method", "plain")
		}, "invalid_request"},
		{"code_challenge too short", true, func(q url.Values) { q.Set("code_challenge", "abc") }, "invalid_request"},
		{"unknown resource", false, func(q url.Values) { q.Set("resource", "https://unknown.example") }, "invalid_target"},
		{"one unknown resource of two", false, func(q url.Values) { q["resource"] = []string{apiIndicator, "https://unknown.example"} }, "invalid_target"},
		{"resource with fragment", false, func(q url.Values) { q.Set("resource", apiIndicator+"#x") }, "invalid_target"},
		{"relative resource", false, func(q url.Values) { q.Set("resource", "api") }, "invalid_target"},
		{"prompt=none without session", false, func(q url.Values) { q.Set("prompt", "none") }, "login_required"},
		{"prompt=none with consent", false, func(q url.Values) { q.Set("prompt", "none consent") }, "invalid_request"},
		{"unknown prompt", false, func(q url.Values) { q.Set("prompt", "bogus") }, "invalid_request"},
		{"negative max_age", false, func(q url.Values) { q.Set("max_age", "-1") }, "invalid_request"},
		{"non-numeric max_age", false, func(q url.Values) { q.Set("max_age", "soon") }, "invalid_request"},
		{"overflowing max_age", false, func(q url.Values) { q.Set("max_age", "99999999999999999999999") }, "invalid_request"},
		{"unknown response_mode", false, func(q url.Values) { q.Set("response_mode", "web_message") }, "invalid_request"},
		{"request object", false, func(q url.Values) { q.Set("request", "eyJhbGciOiJub25lIn0.e30.") }, "request_not_supported"},
		{"request_uri", false, func(q url.Values) { q.Set("request_uri", "https://evil.example/req") }, "request_uri_not_supported"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := f.web
			if tc.public {
				app = f.spa
			}
			q := authParams(app.ID, ch)
			if !tc.public {
				q.Del("code_challenge")
				q.Del("code_challenge_method")
			}
			tc.mod(q)
			r := get(t, nil, f.authURL(q))
			cb := wantClientRedirect(t, f, r)
			p := cb.Query()
			if p.Get("error") != tc.want || p.Get("state") != testState || p.Get("iss") != f.env.Issuer || p.Has("code") {
				t.Errorf("callback %s: want error=%s, state=%q and iss=%q and no code", cb, tc.want, testState, f.env.Issuer)
			}
		})
	}

	// The other response modes carry iss too.
	t.Run("fragment", func(t *testing.T) {
		q := authParams(f.web.ID, "")
		q.Set("response_mode", "fragment")
		q.Set("scope", "profile")
		cb := wantClientRedirect(t, f, get(t, nil, f.authURL(q)))
		p, _ := url.ParseQuery(cb.Fragment)
		if cb.RawQuery != "" || p.Get("error") != "invalid_scope" || p.Get("state") != testState || p.Get("iss") != f.env.Issuer {
			t.Errorf("fragment callback %s", cb)
		}
	})
	t.Run("form_post", func(t *testing.T) {
		q := authParams(f.web.ID, "")
		q.Set("response_mode", "form_post")
		q.Set("scope", "profile")
		r := get(t, nil, f.authURL(q))
		if r.StatusCode != 200 || r.Header.Get("Location") != "" {
			t.Fatalf("form_post: %d Location %q", r.StatusCode, r.Header.Get("Location"))
		}
		action, p := testenv.ParseForm(string(r.body))
		if action != redirect || p.Get("error") != "invalid_scope" || p.Get("state") != testState || p.Get("iss") != f.env.Issuer {
			t.Errorf("form_post to %q with %v", action, p)
		}
	})
	// No state sent: the error still has iss, and no invented state.
	t.Run("without state", func(t *testing.T) {
		q := authParams(f.web.ID, "")
		q.Del("state")
		q.Set("prompt", "none")
		cb := wantClientRedirect(t, f, get(t, nil, f.authURL(q)))
		p := cb.Query()
		if p.Get("error") != "login_required" || p.Has("state") || p.Get("iss") != f.env.Issuer {
			t.Errorf("callback %s", cb)
		}
	})
	// A successful response has iss as well.
	t.Run("success", func(t *testing.T) {
		p := f.signIn(t, nil, authParams(f.spa.ID, ch))
		if p.Get("iss") != f.env.Issuer || p.Get("state") != testState {
			t.Errorf("success callback: %v", p)
		}
	})
}

// wantClientRedirect asserts a redirect to the registered redirect URI and
// returns its URL.
func wantClientRedirect(t *testing.T, f *fixture, r *response) *url.URL {
	t.Helper()
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusFound && r.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want a redirect to the client; body:\n%.300s", r.StatusCode, r.body)
	}
	u, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(loc, redirect) || (len(loc) > len(redirect) && loc[len(redirect)] != '?' && loc[len(redirect)] != '#') {
		t.Fatalf("Location %q is not the registered redirect URI %q", loc, redirect)
	}
	return u
}

// TestSecurityPromptNoneWithoutSession: prompt=none and no session is a
// login_required redirect, with no sign-in page on the way and no
// interaction left behind (spec/security.md item 7).
func TestSecurityPromptNoneWithoutSession(t *testing.T) {
	f := newFixture(t)
	_, ch := newVerifier()
	for _, app := range []string{f.spa.ID, f.web.ID} {
		q := authParams(app, ch)
		q.Set("prompt", "none")
		b := testenv.Browser()
		r := get(t, b, f.authURL(q))
		cb := wantClientRedirect(t, f, r)
		if p := cb.Query(); p.Get("error") != "login_required" || p.Get("iss") != f.env.Issuer || p.Get("state") != testState {
			t.Errorf("callback %s", cb)
		}
		if strings.Contains(string(r.body), `type="password"`) {
			t.Errorf("prompt=none showed a sign-in form")
		}
		if c := r.Header.Values("Set-Cookie"); len(c) != 0 {
			t.Errorf("prompt=none without a session started an interaction: Set-Cookie %q", c)
		}
	}
	// The control: with a session, prompt=none issues a code without UI.
	b := testenv.Browser()
	f.signIn(t, b, authParams(f.spa.ID, ch))
	q := authParams(f.spa.ID, ch)
	q.Set("prompt", "none")
	cb := wantClientRedirect(t, f, get(t, b, f.authURL(q)))
	if cb.Query().Get("code") == "" {
		t.Errorf("prompt=none with a session: %s", cb)
	}
}

// TestSecurityMaxAgeForcesReauthentication: max_age=0 with a live session
// sends the browser to the sign-in form again, and the new ID token's
// auth_time moves forward (spec/security.md item 7, OIDC Core §3.1.2.1).
func TestSecurityMaxAgeForcesReauthentication(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := testenv.Browser()
	authTime := func(code, verifier string) int64 {
		t.Helper()
		r := f.exchange(t, f.web, f.webSecret, code, verifier)
		if r.StatusCode != 200 {
			t.Fatalf("exchange: %d %s", r.StatusCode, r.body)
		}
		_, c := jwtParts(t, r.json(t)["id_token"].(string))
		n, err := c["auth_time"].(json.Number).Int64()
		if err != nil {
			t.Fatalf("auth_time %v", c["auth_time"])
		}
		return n
	}
	v1, ch1 := newVerifier()
	first := authTime(f.signIn(t, b, authParams(f.web.ID, ch1)).Get("code"), v1)

	time.Sleep(1100 * time.Millisecond)

	// Control: without max_age the session is reused (SSO), no form, the
	// same auth_time.
	v2, ch2 := newVerifier()
	r := get(t, b, f.authURL(authParams(f.web.ID, ch2)))
	cb := wantClientRedirect(t, f, r)
	if got := authTime(cb.Query().Get("code"), v2); got != first {
		t.Fatalf("SSO without max_age: auth_time %d, want %d", got, first)
	}

	for _, maxAge := range []string{"0"} {
		v3, ch3 := newVerifier()
		q := authParams(f.web.ID, ch3)
		q.Set("max_age", maxAge)
		r = get(t, b, f.authURL(q))
		loc := r.Header.Get("Location")
		if r.StatusCode != http.StatusFound || !strings.HasPrefix(loc, f.env.Endpoint+"/sign-in") {
			t.Fatalf("max_age=%s with an older session: %d Location %q, want the sign-in page", maxAge, r.StatusCode, loc)
		}
		// The same browser must fill in the form again.
		page := get(t, b, loc)
		if !strings.Contains(string(page.body), `type="password"`) {
			t.Fatalf("max_age=%s: the sign-in page shows no password form", maxAge)
		}
		cb, err := f.env.Authorize(b, loc, userName, userPassword)
		if err != nil {
			t.Fatal(err)
		}
		if got := authTime(cb.Query().Get("code"), v3); got <= first {
			t.Errorf("max_age=%s: auth_time %d did not move forward from %d", maxAge, got, first)
		}
	}
	// prompt=login likewise.
	q := authParams(f.web.ID, "")
	q.Set("prompt", "login")
	r = get(t, b, f.authURL(q))
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, f.env.Endpoint+"/sign-in") {
		t.Errorf("prompt=login with a session: Location %q, want the sign-in page", loc)
	}
	// max_age with prompt=none and a too old session: login_required, no UI.
	time.Sleep(1100 * time.Millisecond)
	q = authParams(f.web.ID, "")
	q.Set("max_age", "1")
	q.Set("prompt", "none")
	cb = wantClientRedirect(t, f, get(t, b, f.authURL(q)))
	if cb.Query().Get("error") != "login_required" {
		t.Errorf("max_age + prompt=none with an old session: %s", cb)
	}
}
