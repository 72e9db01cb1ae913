package oidc_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// TestSecurityPKCE: S256 only, required for public clients, and both
// downgrades (a verifier without a challenge, a challenge without a
// verifier) are invalid_grant (spec/security.md item 3).
func TestSecurityPKCE(t *testing.T) {
	f := newFixture(t)
	other, _ := newVerifier()
	cases := []struct {
		name      string
		app       *store.Application
		secret    string
		challenge bool   // send the S256 challenge of the verifier at /auth
		send      string // the code_verifier sent; "=" means the right one
		status    int
		want      string
	}{
		{"confidential without PKCE", f.web, f.webSecret, false, "", 200, ""},
		{"confidential, verifier without challenge", f.web, f.webSecret, false, "=", 400, "invalid_grant"},
		{"confidential, challenge without verifier", f.web, f.webSecret, true, "", 400, "invalid_grant"},
		{"confidential, wrong verifier", f.web, f.webSecret, true, other, 400, "invalid_grant"},
		{"confidential, right verifier", f.web, f.webSecret, true, "=", 200, ""},
		{"public, challenge without verifier", f.spa, "", true, "", 400, "invalid_grant"},
		{"public, wrong verifier", f.spa, "", true, other, 400, "invalid_grant"},
		{"public, challenge as verifier (plain)", f.spa, "", true, "challenge", 400, "invalid_grant"},
		{"public, verifier with a changed last character", f.spa, "", true, "flip", 400, "invalid_grant"},
		{"public, too short verifier", f.spa, "", true, "abc", 400, "invalid_grant"},
		{"public, verifier with invalid characters", f.spa, "", true, strings.Repeat("é", 43), 400, "invalid_grant"},
		{"public, right verifier", f.spa, "", true, "=", 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, ch := newVerifier()
			q := authParams(tc.app.ID, "")
			if tc.challenge {
				q.Set("code_challenge", ch)
				q.Set("code_challenge_method", "S256")
			}
			code := f.signIn(t, nil, q).Get("code")
			send := tc.send
			switch send {
			case "=":
				send = v
			case "challenge":
				send = ch
			case "flip":
				last := v[len(v)-1]
				if last == 'A' {
					last = 'B'
				} else {
					last = 'A'
				}
				send = v[:len(v)-1] + string(last)
			}
			r := f.exchange(t, tc.app, tc.secret, code, send)
			if tc.status == 200 {
				if r.StatusCode != 200 {
					t.Fatalf("got %d %s, want 200", r.StatusCode, r.body)
				}
				return
			}
			wantOAuthError(t, tc.name, r, tc.status, tc.want)
		})
	}
}

// TestSecurityCodeReplayRevokesTokens: a code works once; the second
// exchange is invalid_grant and the tokens of the first stop working at
// once: userinfo, refresh and introspection (spec/security.md item 4).
func TestSecurityCodeReplayRevokesTokens(t *testing.T) {
	f := newFixture(t)
	for _, withResource := range []bool{false, true} {
		name := "opaque access token"
		if withResource {
			name = "JWT access token"
		}
		t.Run(name, func(t *testing.T) {
			v, _ := newVerifier()
			code := f.code(t, f.web, v, func(q url.Values) {
				if withResource {
					q.Set("resource", apiIndicator)
				}
			})
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {v}}
			if withResource {
				form.Set("resource", apiIndicator)
			}
			first := f.token(t, f.web, f.webSecret, cloneValues(form))
			if first.StatusCode != 200 {
				t.Fatalf("first exchange: %d %s", first.StatusCode, first.body)
			}
			tok := first.json(t)
			at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
			// Before the replay everything works: the checks below are
			// about the replay alone.
			if in := f.introspect(t, at); in["active"] != true {
				t.Fatalf("access token inactive before the replay: %v", in)
			}
			if in := f.introspect(t, rt); in["active"] != true {
				t.Fatalf("refresh token inactive before the replay: %v", in)
			}
			if !withResource {
				if st := f.userinfo(t, at); st != 200 {
					t.Fatalf("userinfo before the replay: %d", st)
				}
			}

			second := f.token(t, f.web, f.webSecret, cloneValues(form))
			wantOAuthError(t, "replay", second, 400, "invalid_grant")

			if in := f.introspect(t, at); in["active"] != false {
				t.Errorf("access token still active after the replay: %v", in)
			}
			if in := f.introspect(t, rt); in["active"] != false {
				t.Errorf("refresh token still active after the replay: %v", in)
			}
			if !withResource {
				if st := f.userinfo(t, at); st != 401 {
					t.Errorf("userinfo after the replay: %d, want 401", st)
				}
			}
			wantOAuthError(t, "refresh after the replay", f.refresh(t, f.web, f.webSecret, rt), 400, "invalid_grant")
			// A third attempt is still refused.
			wantOAuthError(t, "third exchange", f.token(t, f.web, f.webSecret, cloneValues(form)), 400, "invalid_grant")
		})
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestSecurityCodeBinding: a code is bound to the client and the redirect
// URI of its request (spec/security.md item 4).
func TestSecurityCodeBinding(t *testing.T) {
	f := newFixture(t)
	v, _ := newVerifier()
	cases := []struct {
		name   string
		app    *store.Application
		secret string
		form   url.Values
		status int
		want   string
	}{
		{"other confidential client", f.other, f.otherSec, nil, 400, "invalid_grant"},
		{"public client", f.spa, "", nil, 400, "invalid_grant"},
		{"machine-to-machine client", f.m2m, f.m2mSecret, nil, 400, "invalid_grant"},
		{"right client, wrong secret", f.web, "wrong-secret", nil, 401, "invalid_client"},
		{"right client, no secret", f.web, "", nil, 401, "invalid_client"},
		{"other registered redirect URI", f.web, f.webSecret, url.Values{"redirect_uri": {secondRedirect}}, 400, "invalid_grant"},
		{"redirect URI with trailing slash", f.web, f.webSecret, url.Values{"redirect_uri": {redirect + "/"}}, 400, "invalid_grant"},
		{"redirect URI with query", f.web, f.webSecret, url.Values{"redirect_uri": {redirect + "?a=b"}}, 400, "invalid_grant"},
		{"missing redirect URI", f.web, f.webSecret, url.Values{"redirect_uri": {""}}, 400, "invalid_request"},
		{"resource not requested at /auth", f.web, f.webSecret, url.Values{"resource": {apiIndicator}}, 400, "invalid_target"},
		{"unknown code", f.web, f.webSecret, url.Values{"code": {"x"}}, 400, "invalid_grant"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code := f.code(t, f.web, v)
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {v}}
			for k, vs := range tc.form {
				form[k] = vs
			}
			wantOAuthError(t, tc.name, f.token(t, tc.app, tc.secret, form), tc.status, tc.want)
		})
	}
	// A code issued for secondRedirect is redeemed with secondRedirect only.
	t.Run("issued for the second redirect URI", func(t *testing.T) {
		code := f.code(t, f.web, v, func(q url.Values) { q.Set("redirect_uri", secondRedirect) })
		form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {v}}
		wantOAuthError(t, "with the first URI", f.token(t, f.web, f.webSecret, form), 400, "invalid_grant")
	})
}

// TestSecurityCodeConcurrentRedemption: 20 goroutines redeem one code at
// once; exactly one gets tokens, the others invalid_grant, none a 5xx, and
// being replays the others revoke what the winner got (spec/security.md
// item 4).
func TestSecurityCodeConcurrentRedemption(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for round := 0; round < 3; round++ {
		v, _ := newVerifier()
		code := f.code(t, f.web, v)
		const n = 20
		form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {v}}
		res := concurrently(t, n, func() (*response, error) { return tryDo(nil, f.tokenRequest(form, f.web.ID, f.webSecret)) })
		ok, winner := 0, ""
		for i, r := range res {
			switch {
			case r.StatusCode == 200:
				ok++
				winner, _ = r.json(t)["refresh_token"].(string)
			case r.StatusCode >= 500:
				t.Errorf("round %d, request %d: %d %s", round, i, r.StatusCode, r.body)
			default:
				wantOAuthError(t, "concurrent loser", r, 400, "invalid_grant")
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d of %d concurrent redemptions succeeded, want exactly 1", round, ok, n)
		}
		// The losers are replays: the winner's tokens are revoked.
		if in := f.introspect(t, winner); in["active"] != false {
			t.Errorf("round %d: the winner's refresh token survived %d replays: %v", round, n-1, in)
		}
	}
}

// concurrently runs fn n times at once (released together) and returns the
// responses; a transport error fails the test.
func concurrently(t *testing.T, n int, fn func() (*response, error)) []*response {
	t.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		res   = make([]*response, n)
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res[i], errs[i] = fn()
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return res
}

// TestSecurityRefreshBoundToClient: a refresh token works only for the
// client it was issued to (spec/security.md item 5).
func TestSecurityRefreshBoundToClient(t *testing.T) {
	f := newFixture(t)
	rt := f.tokens(t)["refresh_token"].(string)
	for _, tc := range []struct {
		name   string
		app    *store.Application
		secret string
		status int
		want   string
	}{
		{"other confidential client", f.other, f.otherSec, 400, "invalid_grant"},
		{"public client", f.spa, "", 400, "invalid_grant"},
		{"machine-to-machine client", f.m2m, f.m2mSecret, 400, "invalid_grant"},
		{"right client without secret", f.web, "", 401, "invalid_client"},
	} {
		wantOAuthError(t, tc.name, f.refresh(t, tc.app, tc.secret, rt), tc.status, tc.want)
	}
	// The owner still can (and gets a new refresh token).
	r := f.refresh(t, f.web, f.webSecret, rt)
	if r.StatusCode != 200 {
		t.Fatalf("owner refresh: %d %s", r.StatusCode, r.body)
	}
	// A refresh token is not an access token, nor the other way round.
	tok := f.tokens(t)
	wantOAuthError(t, "access token as refresh token", f.refresh(t, f.web, f.webSecret, tok["access_token"].(string)), 400, "invalid_grant")
	wantOAuthError(t, "ID token as refresh token", f.refresh(t, f.web, f.webSecret, tok["id_token"].(string)), 400, "invalid_grant")
	if st := f.userinfo(t, tok["refresh_token"].(string)); st != 401 {
		t.Errorf("refresh token at userinfo: %d, want 401", st)
	}
}

// TestSecurityRefreshRotationAndReuse: every refresh rotates; a consumed
// token works again within the 3 s grace window; after it, reuse is
// invalid_grant and revokes the whole family, newest token included
// (spec/security.md item 5, RFC 9700 §4.14.2).
func TestSecurityRefreshRotationAndReuse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.tokens(t)
	rt0 := tok["refresh_token"].(string)

	r1 := f.refresh(t, f.web, f.webSecret, rt0)
	if r1.StatusCode != 200 {
		t.Fatalf("refresh: %d %s", r1.StatusCode, r1.body)
	}
	rt1 := r1.json(t)["refresh_token"].(string)
	if rt1 == "" || rt1 == rt0 {
		t.Fatalf("no rotation: %q after %q", rt1, rt0)
	}
	if in := f.introspect(t, rt0); in["active"] != false {
		t.Errorf("consumed refresh token introspects as active: %v", in)
	}
	// Within the grace window the consumed token works again.
	r2 := f.refresh(t, f.web, f.webSecret, rt0)
	if r2.StatusCode != 200 {
		t.Fatalf("reuse within the grace window: %d %s", r2.StatusCode, r2.body)
	}
	tok2 := r2.json(t)
	rt2, at2 := tok2["refresh_token"].(string), tok2["access_token"].(string)
	if rt2 == rt1 || rt2 == rt0 {
		t.Fatalf("grace reuse returned an old refresh token")
	}
	if st := f.userinfo(t, at2); st != 200 {
		t.Fatalf("userinfo with the refreshed access token: %d", st)
	}

	time.Sleep(3200 * time.Millisecond) // past the 3 s grace window

	wantOAuthError(t, "reuse after the grace window", f.refresh(t, f.web, f.webSecret, rt0), 400, "invalid_grant")
	// The whole family is revoked: the newest tokens and their access token.
	for name, rt := range map[string]string{"rt1": rt1, "rt2 (newest)": rt2} {
		if in := f.introspect(t, rt); in["active"] != false {
			t.Errorf("%s still active after the reuse: %v", name, in)
		}
		wantOAuthError(t, name+" after the reuse", f.refresh(t, f.web, f.webSecret, rt), 400, "invalid_grant")
	}
	if st := f.userinfo(t, at2); st != 401 {
		t.Errorf("access token of the family after the reuse: userinfo %d, want 401", st)
	}
	// Another sign-in's grant is untouched: revocation is per family.
	if r := f.refresh(t, f.web, f.webSecret, f.tokens(t)["refresh_token"].(string)); r.StatusCode != 200 {
		t.Errorf("an unrelated family: %d %s", r.StatusCode, r.body)
	}
}

// TestSecurityRefreshConcurrent: 50 concurrent refreshes of one token give
// no 5xx, and the family is consistent afterwards: either every request
// succeeded (all within the grace window) and every refresh token returned
// is distinct and works exactly once, or the family was revoked as a whole
// and none works (spec/security.md item 5).
func TestSecurityRefreshConcurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rt := f.tokens(t)["refresh_token"].(string)
	const n = 50
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	res := concurrently(t, n, func() (*response, error) { return tryDo(nil, f.tokenRequest(form, f.web.ID, f.webSecret)) })

	var issued []string
	failed := 0
	seen := map[string]bool{}
	for i, r := range res {
		switch {
		case r.StatusCode >= 500:
			t.Fatalf("request %d: %d %s", i, r.StatusCode, r.body)
		case r.StatusCode == 200:
			next, _ := r.json(t)["refresh_token"].(string)
			if next == "" || seen[next] {
				t.Fatalf("request %d: refresh token %q missing or handed out twice", i, next)
			}
			seen[next] = true
			issued = append(issued, next)
		default:
			wantOAuthError(t, "concurrent refresh", r, 400, "invalid_grant")
			failed++
		}
	}
	if len(issued) == 0 {
		t.Fatalf("no concurrent refresh succeeded")
	}
	t.Logf("%d succeeded, %d invalid_grant", len(issued), failed)
	if failed == 0 {
		// Every returned token is live and works exactly once.
		for i, next := range issued {
			r := f.refresh(t, f.web, f.webSecret, next)
			if r.StatusCode != 200 {
				t.Fatalf("issued token %d: %d %s", i, r.StatusCode, r.body)
			}
		}
		return
	}
	// Some were refused: that only happens as a reuse after the window,
	// which must have revoked the family as a whole.
	for i, next := range issued {
		if in := f.introspect(t, next); in["active"] != false {
			t.Errorf("family half revoked: issued token %d still active", i)
		}
	}
}

// TestSecurityTokenResponseShape pins what Logto's SDKs parse: aud a JSON
// string, token_type exactly "Bearer", expires_in an integer, scope always
// present, Cache-Control no-store (spec/logto-compat.md "Pinned details").
func TestSecurityTokenResponseShape(t *testing.T) {
	f := newFixture(t)
	v, _ := newVerifier()
	code := f.code(t, f.web, v, func(q url.Values) { q.Set("resource", apiIndicator) })
	responses := map[string]*response{}
	responses["authorization_code"] = f.exchange(t, f.web, f.webSecret, code, v)
	rt := responses["authorization_code"].json(t)["refresh_token"].(string)
	responses["refresh_token"] = f.refresh(t, f.web, f.webSecret, rt)
	rt = responses["refresh_token"].json(t)["refresh_token"].(string)
	responses["refresh_token with resource"] = f.token(t, f.web, f.webSecret,
		url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "resource": {apiIndicator}})
	responses["client_credentials"] = f.token(t, f.m2m, f.m2mSecret, url.Values{"grant_type": {"client_credentials"}})
	responses["client_credentials with resource"] = f.token(t, f.m2m, f.m2mSecret,
		url.Values{"grant_type": {"client_credentials"}, "resource": {apiIndicator}})
	v2, _ := newVerifier()
	responses["public client"] = f.exchange(t, f.spa, "", f.code(t, f.spa, v2), v2)

	for name, r := range responses {
		t.Run(name, func(t *testing.T) {
			if r.StatusCode != 200 {
				t.Fatalf("%d %s", r.StatusCode, r.body)
			}
			if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(r.body, &raw); err != nil {
				t.Fatal(err)
			}
			if string(raw["token_type"]) != `"Bearer"` {
				t.Errorf("token_type %s, want exactly \"Bearer\"", raw["token_type"])
			}
			if e := raw["expires_in"]; len(e) == 0 || bytes.ContainsAny(e, ".eE\"") || e[0] == '-' || string(e) == "0" {
				t.Errorf("expires_in %s, want a positive integer", e)
			}
			if s := raw["scope"]; len(s) == 0 || s[0] != '"' {
				t.Errorf("scope %s, want a string, always present", s)
			}
			var tok map[string]any
			json.Unmarshal(r.body, &tok)
			at := tok["access_token"].(string)
			jwtAccess := strings.Contains(name, "resource") || strings.HasPrefix(name, "client_credentials")
			if jwtAccess {
				h, c := jwtParts(t, at)
				if h["typ"] != "at+jwt" {
					t.Errorf("access token typ %v, want at+jwt", h["typ"])
				}
				if _, ok := c["aud"].(string); !ok {
					t.Errorf("access token aud %#v, want a JSON string", c["aud"])
				}
				if strings.Contains(name, "resource") && c["aud"] != apiIndicator {
					t.Errorf("access token aud %v, want %s", c["aud"], apiIndicator)
				}
				if c["iss"] != f.env.Issuer {
					t.Errorf("access token iss %v", c["iss"])
				}
			} else if strings.Contains(at, ".") {
				t.Errorf("access token without resource is not opaque: %q", at)
			}
			if idt, ok := tok["id_token"].(string); ok {
				h, c := jwtParts(t, idt)
				if aud, ok := c["aud"].(string); !ok || (aud != f.web.ID && aud != f.spa.ID) {
					t.Errorf("ID token aud %#v, want the client id as a JSON string", c["aud"])
				}
				if c["iss"] != f.env.Issuer || h["kid"] == nil || h["alg"] == nil {
					t.Errorf("ID token header %v iss %v", h, c["iss"])
				}
				for _, k := range []string{"iat", "exp", "auth_time"} {
					if n, ok := c[k].(json.Number); !ok || strings.ContainsAny(string(n), ".eE") {
						t.Errorf("ID token %s %#v, want an integer", k, c[k])
					}
				}
			} else if !strings.HasPrefix(name, "client_credentials") {
				t.Errorf("no id_token in a user grant with openid")
			}
			if strings.HasPrefix(name, "refresh_token") {
				if rt, _ := tok["refresh_token"].(string); rt == "" {
					t.Errorf("refresh response without refresh_token")
				}
			}
		})
	}
	// Error responses are no-store JSON too.
	r := f.token(t, f.web, f.webSecret, url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}, "redirect_uri": {redirect}})
	if r.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("error response headers: %v", r.Header)
	}
}

// TestSecurityClientSecrets: secrets are stored as digests only, Basic
// credentials are URL-decoded, a body client_id that contradicts Basic is
// invalid_client, and Python's literal "None" means "no secret" for public
// clients only (spec/security.md item 11, spec/logto-compat.md).
func TestSecurityClientSecrets(t *testing.T) {
	f := newFixture(t)
	for _, app := range []struct {
		id, secret string
	}{{f.web.ID, f.webSecret}, {f.m2m.ID, f.m2mSecret}, {f.other.ID, f.otherSec}} {
		if len(app.secret) < 43 {
			t.Errorf("secret of %s has %d characters; 256 bits of [A-Za-z0-9] need 43", app.id, len(app.secret))
		}
		secrets, err := f.env.D.Store.ListApplicationSecrets(t.Context(), app.id)
		if err != nil || len(secrets) == 0 {
			t.Fatalf("ListApplicationSecrets(%s): %v %v", app.id, secrets, err)
		}
		for _, s := range secrets {
			if bytes.Equal(s.Hash, []byte(app.secret)) || bytes.Contains(s.Hash, []byte(app.secret)) ||
				strings.Contains(string(s.Hash), app.secret[:16]) || len(s.Hint) > 8 || strings.Contains(s.Name, app.secret) {
				t.Errorf("application %s: the store keeps the secret in the clear: %+v", app.id, s)
			}
		}
	}

	cc := url.Values{"grant_type": {"client_credentials"}}
	tokenURL := f.env.Issuer + "/token"
	pctAll := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteString("%" + strings.ToUpper(hex2(s[i])))
		}
		return b.String()
	}
	ok := []struct {
		name string
		r    func() *response
	}{
		{"Basic", func() *response { return post(t, tokenURL, cc, f.m2m.ID, f.m2mSecret) }},
		{"Basic, URL-encoded", func() *response { return post(t, tokenURL, cc, pctAll(f.m2m.ID), pctAll(f.m2mSecret)) }},
		{"Basic and the same client_id in the body (Go SDK)", func() *response {
			return post(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.m2m.ID}}, f.m2m.ID, f.m2mSecret)
		}},
		{"client_secret_post", func() *response {
			return post(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.m2m.ID}, "client_secret": {f.m2mSecret}})
		}},
	}
	for _, tc := range ok {
		if r := tc.r(); r.StatusCode != 200 {
			t.Errorf("%s: %d %s", tc.name, r.StatusCode, r.body)
		}
	}
	bad := []struct {
		name   string
		r      func() *response
		status int
		code   string
	}{
		{"Basic, wrong secret", func() *response { return post(t, tokenURL, cc, f.m2m.ID, f.m2mSecret+"x") }, 401, "invalid_client"},
		{"Basic, secret prefix", func() *response { return post(t, tokenURL, cc, f.m2m.ID, f.m2mSecret[:42]) }, 401, "invalid_client"},
		{"Basic, another application's secret", func() *response { return post(t, tokenURL, cc, f.m2m.ID, f.webSecret) }, 401, "invalid_client"},
		{"Basic, empty secret", func() *response { return post(t, tokenURL, cc, f.m2m.ID, "") }, 401, "invalid_client"},
		{"Basic, unknown client", func() *response { return post(t, tokenURL, cc, "nobody", f.m2mSecret) }, 401, "invalid_client"},
		{"Basic, bad percent-encoding", func() *response { return post(t, tokenURL, cc, f.m2m.ID+"%zz", f.m2mSecret) }, 401, "invalid_client"},
		{"body client_id mismatching Basic", func() *response {
			return post(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.web.ID}}, f.m2m.ID, f.m2mSecret)
		}, 401, "invalid_client"},
		{"body client_id mismatching Basic (public client)", func() *response {
			return post(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.spa.ID}}, f.m2m.ID, f.m2mSecret)
		}, 401, "invalid_client"},
		{"client_secret_post, wrong secret", func() *response {
			return post(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.m2m.ID}, "client_secret": {"wrong"}})
		}, 401, "invalid_client"},
		{"confidential client with client_secret=None", func() *response {
			return post(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.m2m.ID}, "client_secret": {"None"}})
		}, 401, "invalid_client"},
		{"confidential client without secret", func() *response {
			return post(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.m2m.ID}})
		}, 401, "invalid_client"},
		{"no client at all", func() *response { return post(t, tokenURL, cc) }, 401, "invalid_client"},
		{"public client may not use client_credentials", func() *response {
			return post(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.spa.ID}})
		}, 400, "unauthorized_client"},
	}
	for _, tc := range bad {
		r := tc.r()
		wantOAuthError(t, tc.name, r, tc.status, tc.code)
		if tc.status == 401 && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Basic") {
			t.Errorf("%s: 401 without a Basic challenge", tc.name)
		}
	}

	// Python's "client_secret=None" for a public client is no secret.
	v, _ := newVerifier()
	code := f.code(t, f.spa, v)
	r := post(t, tokenURL, url.Values{"grant_type": {"authorization_code"}, "client_id": {f.spa.ID}, "client_secret": {"None"},
		"code": {code}, "code_verifier": {v}, "redirect_uri": {redirect}})
	if r.StatusCode != 200 {
		t.Errorf("public client with client_secret=None: %d %s", r.StatusCode, r.body)
	}
	// And the Python flavour of a confidential exchange: client_secret_post.
	v, _ = newVerifier()
	code = f.code(t, f.web, v)
	r = post(t, tokenURL, url.Values{"grant_type": {"authorization_code"}, "client_id": {f.web.ID}, "client_secret": {f.webSecret},
		"code": {code}, "code_verifier": {v}, "redirect_uri": {redirect}})
	if r.StatusCode != 200 {
		t.Errorf("client_secret_post code exchange: %d %s", r.StatusCode, r.body)
	}
}

func hex2(b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[b>>4], digits[b&15]})
}

// TestSecurityRevocationBoundToClient: a client revokes only its own
// tokens (RFC 7009 §2.1); another client's attempt answers 200, as RFC 7009
// §2.2 wants, and changes nothing. Introspection needs a confidential
// client.
func TestSecurityRevocationBoundToClient(t *testing.T) {
	f := newFixture(t)
	tok := f.tokens(t)
	at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
	revURL := f.env.Issuer + "/token/revocation"
	for _, tc := range []struct {
		name   string
		r      func(tok string) *response
		status int
	}{
		{"public client by id", func(tok string) *response {
			return post(t, revURL, url.Values{"token": {tok}, "client_id": {f.spa.ID}})
		}, 200},
		{"other confidential client", func(tok string) *response {
			return post(t, revURL, url.Values{"token": {tok}}, f.other.ID, f.otherSec)
		}, 200},
		{"owner without its secret", func(tok string) *response {
			return post(t, revURL, url.Values{"token": {tok}, "client_id": {f.web.ID}})
		}, 401},
		{"owner with a wrong secret", func(tok string) *response {
			return post(t, revURL, url.Values{"token": {tok}}, f.web.ID, "wrong")
		}, 401},
	} {
		for name, tk := range map[string]string{"refresh token": rt, "access token": at} {
			if r := tc.r(tk); r.StatusCode != tc.status {
				t.Errorf("%s revoking the %s: %d %s, want %d", tc.name, name, r.StatusCode, r.body, tc.status)
			}
		}
		if in := f.introspect(t, rt); in["active"] != true {
			t.Fatalf("%s revoked the refresh token of another client", tc.name)
		}
		if st := f.userinfo(t, at); st != 200 {
			t.Fatalf("%s revoked the access token of another client (userinfo %d)", tc.name, st)
		}
	}
	// The owner can; revoking the refresh token revokes its access tokens.
	if r := post(t, revURL, url.Values{"token": {rt}, "token_type_hint": {"refresh_token"}}, f.web.ID, f.webSecret); r.StatusCode != 200 {
		t.Fatalf("owner revocation: %d %s", r.StatusCode, r.body)
	}
	if in := f.introspect(t, rt); in["active"] != false {
		t.Errorf("revoked refresh token still active: %v", in)
	}
	if st := f.userinfo(t, at); st != 401 {
		t.Errorf("access token of a revoked grant: userinfo %d, want 401", st)
	}
	// Introspection is for confidential clients (resource servers).
	r := post(t, f.env.Issuer+"/token/introspection", url.Values{"token": {at}, "client_id": {f.spa.ID}})
	wantOAuthError(t, "introspection by a public client", r, 401, "invalid_client")
	r = post(t, f.env.Issuer+"/token/introspection", url.Values{"token": {at}})
	wantOAuthError(t, "anonymous introspection", r, 401, "invalid_client")
}
