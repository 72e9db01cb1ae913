package oidc_test

// Fuzz targets of spec/security.md item 22. Each starts one deployment
// outside the fuzz loop and sends the fuzzed request straight to its
// handler (httptest.ResponseRecorder). Seeds are committed under
// testdata/fuzz/<FuzzName>/ and run with every `go test`; to fuzz:
//
//	go test ./internal/oidc -run '^$' -fuzz FuzzAuthorizationRequest -fuzztime 1m
//
// Client ids are random per deployment, so inputs name them with
// placeholders the targets replace: {spa}, {web}, {websecret}, {m2m},
// {m2msecret}, {code}, {verifier}, {refresh}.

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/testenv"
)

type fuzzEnv struct {
	*fixture
	handler http.Handler
	repl    *strings.Replacer
}

func newFuzzEnv(f *testing.F, tokens bool) *fuzzEnv {
	fx := newFixture(f)
	pairs := []string{"{spa}", fx.spa.ID, "{web}", fx.web.ID, "{websecret}", fx.webSecret,
		"{m2m}", fx.m2m.ID, "{m2msecret}", fx.m2mSecret}
	if tokens {
		// One live code and one live refresh token; the first seed that
		// uses them consumes them, and later ones exercise the replay paths.
		v, _ := newVerifier()
		code := fx.code(f, fx.web, v)
		rt := fx.tokens(f)["refresh_token"].(string)
		pairs = append(pairs, "{code}", code, "{verifier}", v, "{refresh}", rt)
	}
	return &fuzzEnv{fixture: fx, handler: fx.env.Server.Config.Handler, repl: strings.NewReplacer(pairs...)}
}

func (e *fuzzEnv) serve(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, r)
	return rec
}

// registeredFor is what each application registered as redirect URIs.
func (e *fuzzEnv) registeredFor(clientID string) []string {
	switch clientID {
	case e.web.ID:
		return []string{redirect, secondRedirect}
	case e.spa.ID, e.other.ID:
		return []string{redirect}
	}
	return nil
}

// FuzzAuthorizationRequest: any query string (or form body) at /oidc/auth
// never yields a 5xx, and never a way out to a client (Location or
// form_post) unless client_id and redirect_uri are each sent once and the
// redirect URI is exactly one registered for that client; a Location that
// is not Monban's own page starts with that redirect URI.
func FuzzAuthorizationRequest(f *testing.F) {
	e := newFuzzEnv(f, false)
	f.Fuzz(func(t *testing.T, raw string, usePost bool) {
		raw = e.repl.Replace(raw)
		var req *http.Request
		if usePost {
			req = httptest.NewRequest(http.MethodPost, e.env.Issuer+"/auth", strings.NewReader(raw))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req = httptest.NewRequest(http.MethodGet, e.env.Issuer+"/auth", nil)
			req.URL.RawQuery = raw
		}
		rec := e.serve(req)
		if rec.Code >= 500 {
			t.Fatalf("%d for %q\n%s", rec.Code, raw, rec.Body)
		}
		loc := rec.Header().Get("Location")
		formPost := rec.Code == 200 && strings.Contains(rec.Body.String(), "<form")
		if loc == "" && !formPost {
			return
		}
		q, _ := url.ParseQuery(raw)
		if len(q["client_id"]) != 1 || len(q["redirect_uri"]) != 1 {
			t.Fatalf("way out (Location %q) with client_id %q and redirect_uri %q", loc, q["client_id"], q["redirect_uri"])
		}
		ru := q.Get("redirect_uri")
		if !slices.Contains(e.registeredFor(q.Get("client_id")), ru) {
			t.Fatalf("way out (Location %q) for unregistered redirect_uri %q of client %q", loc, ru, q.Get("client_id"))
		}
		if formPost {
			if action, _ := testenv.ParseForm(rec.Body.String()); action != ru {
				t.Fatalf("form_post to %q, want %q", action, ru)
			}
			return
		}
		if !strings.HasPrefix(loc, e.env.Endpoint+"/") {
			rest, ok := strings.CutPrefix(loc, ru)
			if !ok || (rest != "" && rest[0] != '?' && rest[0] != '#' && rest[0] != '&') {
				t.Fatalf("Location %q is not the redirect URI %q", loc, ru)
			}
		}
	})
}

// FuzzTokenRequest: any form body, Basic credentials and content type at
// /oidc/token never yield a 5xx; the answer is always a JSON object, with
// tokens or with an error.
func FuzzTokenRequest(f *testing.F) {
	e := newFuzzEnv(f, true)
	f.Fuzz(func(t *testing.T, body, basic, contentType string) {
		body, basic = e.repl.Replace(body), e.repl.Replace(basic)
		req := httptest.NewRequest(http.MethodPost, e.env.Issuer+"/token", strings.NewReader(body))
		if contentType == "" {
			contentType = "application/x-www-form-urlencoded"
		}
		req.Header.Set("Content-Type", contentType)
		if basic != "" {
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(basic)))
		}
		rec := e.serve(req)
		if rec.Code >= 500 {
			t.Fatalf("%d for %q (Basic %q)\n%s", rec.Code, body, basic, rec.Body)
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("Content-Type %q", rec.Header().Get("Content-Type"))
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%d: not a JSON object: %v\n%s", rec.Code, err, rec.Body)
		}
		if rec.Code == 200 {
			if at, _ := out["access_token"].(string); at == "" || out["token_type"] != "Bearer" {
				t.Fatalf("200 without a Bearer access token: %s", rec.Body)
			}
			return
		}
		if s, _ := out["error"].(string); s == "" {
			t.Fatalf("%d without error: %s", rec.Code, rec.Body)
		}
	})
}

// FuzzRedirectURIMatch: with every other parameter valid, the server
// redirects (to its sign-in page) exactly when redirect_uri is
// byte-for-byte a registered one, and otherwise answers 400 with no
// Location (spec/security.md item 1).
func FuzzRedirectURIMatch(f *testing.F) {
	e := newFuzzEnv(f, false)
	_, ch := newVerifier()
	f.Fuzz(func(t *testing.T, ru string) {
		for _, app := range []string{e.spa.ID, e.web.ID} {
			q := authParams(app, ch)
			q.Set("redirect_uri", ru)
			req := httptest.NewRequest(http.MethodGet, e.env.Issuer+"/auth", nil)
			req.URL.RawQuery = q.Encode()
			rec := e.serve(req)
			loc := rec.Header().Get("Location")
			if slices.Contains(e.registeredFor(app), ru) {
				if rec.Code != http.StatusFound || !strings.HasPrefix(loc, e.env.Endpoint+"/sign-in") {
					t.Fatalf("registered %q: %d Location %q", ru, rec.Code, loc)
				}
				continue
			}
			if rec.Code != http.StatusBadRequest || loc != "" {
				t.Fatalf("redirect_uri %q for a client that registered %q: %d Location %q", ru, e.registeredFor(app), rec.Code, loc)
			}
		}
	})
}
