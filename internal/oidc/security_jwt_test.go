package oidc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/monban-dev/monban/internal/testenv"
)

// forger makes JWTs that look like the server's: its current key's kid and
// algorithm, signed (or not) as each attack needs.
type forger struct {
	t       *testing.T
	kid     string
	alg     string
	private any // the server's own private key, for the controls
	jwk     []byte
	pemPub  []byte
	derPub  []byte
	foreign *ecdsa.PrivateKey
}

func newForger(t *testing.T, f *fixture) *forger {
	cur := f.env.D.Keys.Current()
	jwk, err := json.Marshal(cur.Public)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(cur.Public.Key)
	if err != nil {
		t.Fatal(err)
	}
	curve := elliptic.P384()
	if k, ok := cur.Private.(*ecdsa.PrivateKey); ok {
		curve = k.Curve
	}
	foreign, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &forger{t: t, kid: cur.ID, alg: string(cur.Algorithm), private: cur.Private, jwk: jwk,
		pemPub: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), derPub: der, foreign: foreign}
}

// attack is one way to make a JWT the server must refuse.
type attack struct {
	name string
	make func(g *forger, typ string, claims map[string]any) string
}

func (g *forger) header(typ string) map[string]any {
	h := map[string]any{"alg": g.alg, "kid": g.kid}
	if typ != "" {
		h["typ"] = typ
	}
	return h
}

func with(h map[string]any, kv ...any) map[string]any {
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(h, kv[i].(string))
		} else {
			h[kv[i].(string)] = kv[i+1]
		}
	}
	return h
}

// validToken is the control: the same construction the attacks use, but
// honest. The server must accept it, else the attacks prove nothing.
func (g *forger) validToken(typ string, claims map[string]any) string {
	return signJWS(g.t, g.private, g.header(typ), claims)
}

// jwtAttacks are spec/security.md item 9's confusions, plus the classic
// embedded-key and tampering ones.
var jwtAttacks = []attack{
	{"alg none", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, nil, with(g.header(typ), "alg", "none"), c)
	}},
	{"alg None", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, nil, with(g.header(typ), "alg", "None"), c)
	}},
	{"alg none with the real signature kept", func(g *forger, typ string, c map[string]any) string {
		valid := g.validToken(typ, c)
		none := signJWS(g.t, nil, with(g.header(typ), "alg", "none"), c)
		return none + valid[strings.LastIndex(valid, ".")+1:]
	}},
	{"alg none without kid", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, nil, with(g.header(typ), "alg", "none", "kid", nil), c)
	}},
	{"HS256 keyed with the public key PEM", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, g.pemPub, with(g.header(typ), "alg", "HS256"), c)
	}},
	{"HS256 keyed with the public key DER", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, g.derPub, with(g.header(typ), "alg", "HS256"), c)
	}},
	{"HS256 keyed with the public JWK", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, g.jwk, with(g.header(typ), "alg", "HS256"), c)
	}},
	{"unknown kid, signed with the real key", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, g.private, with(g.header(typ), "kid", "unknown-kid"), c)
	}},
	{"crit header, signed with the real key", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, g.private, with(g.header(typ), "crit", []string{"x-monban-test"}, "x-monban-test", true), c)
	}},
	{"crit exp, signed with the real key", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, g.private, with(g.header(typ), "crit", []string{"exp"}, "exp", 1), c)
	}},
	{"b64 false, signed with the real key", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, g.private, with(g.header(typ), "crit", []string{"b64"}, "b64", false), c)
	}},
	{"foreign key under the server's kid", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, g.foreign, g.header(typ), c)
	}},
	{"foreign key with its own embedded jwk", func(g *forger, typ string, c map[string]any) string {
		pub := jose.JSONWebKey{Key: g.foreign.Public(), KeyID: "attacker", Algorithm: g.alg, Use: "sig"}
		return signJWS(g.t, g.foreign, with(g.header(typ), "kid", "attacker", "jwk", pub), c)
	}},
	{"foreign key with a jku", func(g *forger, typ string, c map[string]any) string {
		return signJWS(g.t, g.foreign, with(g.header(typ), "kid", "attacker", "jku", "https://evil.example/jwks"), c)
	}},
	{"tampered payload", func(g *forger, typ string, c map[string]any) string {
		valid := strings.Split(g.validToken(typ, c), ".")
		c2 := map[string]any{}
		for k, v := range c {
			c2[k] = v
		}
		c2["sub"] = "someone-else"
		p, _ := json.Marshal(c2)
		return valid[0] + "." + b64(p) + "." + valid[2]
	}},
	{"tampered signature", func(g *forger, typ string, c map[string]any) string {
		valid := g.validToken(typ, c)
		i := strings.LastIndex(valid, ".") + 5
		flip := byte('A')
		if valid[i] == 'A' {
			flip = 'B'
		}
		return valid[:i] + string(flip) + valid[i+1:]
	}},
	{"signature removed", func(g *forger, typ string, c map[string]any) string {
		valid := g.validToken(typ, c)
		return valid[:strings.LastIndex(valid, ".")+1]
	}},
	{"two signatures (JSON serialization)", func(g *forger, typ string, c map[string]any) string {
		valid := strings.Split(g.validToken(typ, c), ".")
		return `{"payload":"` + valid[1] + `","signatures":[{"protected":"` + valid[0] + `","signature":"` + valid[2] + `"}]}`
	}},
}

func (f *fixture) idTokenClaims(iss, aud string) map[string]any {
	now := time.Now().Unix()
	return map[string]any{"iss": iss, "aud": aud, "sub": f.user.ID, "iat": now, "exp": now + 3600, "auth_time": now}
}

func accessTokenClaims(iss, aud, clientID string) map[string]any {
	now := time.Now().Unix()
	return map[string]any{"jti": rand.Text(), "sub": clientID, "iat": now, "exp": now + 3600, "scope": "",
		"client_id": clientID, "iss": iss, "aud": aud}
}

// TestSecurityJWTIntrospectionRejectsForgeries: introspection verifies JWT
// access tokens; every forgery is {"active": false} while the honest
// control is active (spec/security.md item 9).
func TestSecurityJWTIntrospectionRejectsForgeries(t *testing.T) {
	f := newFixture(t)
	g := newForger(t, f)
	claims := accessTokenClaims(f.env.Issuer, apiIndicator, f.m2m.ID)
	if in := f.introspect(t, g.validToken("at+jwt", claims)); in["active"] != true {
		t.Fatalf("control: an honestly signed access token is inactive: %v", in)
	}
	for _, a := range jwtAttacks {
		t.Run(a.name, func(t *testing.T) {
			g.t = t
			r := post(t, f.env.Issuer+"/token/introspection", url.Values{"token": {a.make(g, "at+jwt", claims)}}, f.web.ID, f.webSecret)
			if r.StatusCode != 200 {
				t.Fatalf("introspection: %d %s", r.StatusCode, r.body)
			}
			if in := r.json(t); in["active"] != false || len(in) != 1 {
				t.Errorf("forged access token introspected as %v, want only active=false", in)
			}
		})
	}
	g.t = t
	// Honest signatures on claims the server must not accept.
	for name, c := range map[string]map[string]any{
		"foreign issuer":             accessTokenClaims("https://evil.example/oidc", apiIndicator, f.m2m.ID),
		"issuer with trailing slash": accessTokenClaims(f.env.Issuer+"/", apiIndicator, f.m2m.ID),
		"expired":                    with(accessTokenClaims(f.env.Issuer, apiIndicator, f.m2m.ID), "exp", time.Now().Add(-time.Minute).Unix()),
	} {
		if in := f.introspect(t, g.validToken("at+jwt", c)); in["active"] != false {
			t.Errorf("%s: introspected as %v", name, in)
		}
	}
}

// TestSecurityJWTIntrospectionTokenTypes: an ID token is not an access
// token (RFC 9068 §4: typ at+jwt), even though the same key signs both.
func TestSecurityJWTIntrospectionTokenTypes(t *testing.T) {
	f := newFixture(t)
	tok := f.tokens(t)
	if in := f.introspect(t, tok["id_token"].(string)); in["active"] != false {
		t.Errorf("an ID token introspects as an active access token: %v", in)
	}
	g := newForger(t, f)
	claims := accessTokenClaims(f.env.Issuer, apiIndicator, f.m2m.ID)
	for _, typ := range []string{"", "JWT", "logout+jwt"} {
		if in := f.introspect(t, g.validToken(typ, claims)); in["active"] != false {
			t.Errorf("typ %q introspects as an active access token: %v", typ, in)
		}
	}
	if in := f.introspect(t, g.validToken("application/at+jwt", claims)); in["active"] != true {
		t.Errorf("typ application/at+jwt (RFC 9068 §2.1) is inactive: %v", in)
	}
}

// TestSecurityLogout: post_logout_redirect_uri must be registered exactly,
// session or not; an id_token_hint is verified and forged ones refused
// (spec/security.md items 8 and 9).
func TestSecurityLogout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	end := f.env.Issuer + "/session/end"
	signedIn := func() *http.Client {
		b := testenv.Browser()
		f.signIn(t, b, authParams(f.web.ID, ""))
		return b
	}
	// hasSession: prompt=none still yields a code.
	hasSession := func(b *http.Client) bool {
		q := authParams(f.web.ID, "")
		q.Set("prompt", "none")
		return wantClientRedirect(t, f, get(t, b, f.authURL(q))).Query().Get("code") != ""
	}

	unregistered := []string{
		"https://evil.example/",
		"http://localhost:3000",
		"http://localhost:3000/?x=1",
		"http://localhost:3000/#",
		"HTTP://localhost:3000/",
		"http://LOCALHOST:3000/",
		"http://localhost:3000/.",
		"http://localhost:3000@evil.example/",
		"http://localhost:3001/",
		redirect, // a redirect_uri, not a post-logout one
		"javascript:alert(1)//http://localhost:3000/",
		"//evil.example/",
	}
	for _, session := range []bool{false, true} {
		for _, uri := range unregistered {
			var b *http.Client
			if session {
				b = signedIn()
			}
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				q := url.Values{"client_id": {f.web.ID}, "post_logout_redirect_uri": {uri}, "state": {"s"}}
				var r *response
				if method == http.MethodGet {
					r = get(t, b, end+"?"+q.Encode())
				} else {
					req, _ := http.NewRequest(method, end, strings.NewReader(q.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					r = do(t, b, req)
				}
				wantErrorPage(t, method+" "+uri+" (session "+map[bool]string{true: "yes", false: "no"}[session]+")", r)
			}
			if session && !hasSession(b) {
				t.Errorf("a refused sign-out (%s) ended the session", uri)
			}
		}
	}
	for name, q := range map[string]url.Values{
		"no client_id":      {"post_logout_redirect_uri": {postLogout}},
		"unknown client_id": {"client_id": {"nobody"}, "post_logout_redirect_uri": {postLogout}},
		"two URIs":          {"client_id": {f.web.ID}, "post_logout_redirect_uri": {"https://evil.example/", postLogout}},
	} {
		wantErrorPage(t, name, get(t, nil, end+"?"+q.Encode()))
	}

	// The registered one redirects with state and ends the session.
	b := signedIn()
	r := get(t, b, end+"?"+url.Values{"client_id": {f.web.ID}, "post_logout_redirect_uri": {postLogout}, "state": {"xyz"}}.Encode())
	if r.StatusCode != http.StatusFound || r.Header.Get("Location") != postLogout+"?state=xyz" {
		t.Fatalf("registered post-logout URI: %d Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	if hasSession(b) {
		t.Errorf("the session survived the sign-out")
	}

	// id_token_hint: a real one is accepted and names the client.
	g := newForger(t, f)
	realHint := f.tokens(t)["id_token"].(string)
	hints := map[string]string{
		"issued ID token": realHint,
		"control":         g.validToken("JWT", f.idTokenClaims(f.env.Issuer, f.web.ID)),
		"expired":         g.validToken("JWT", with(f.idTokenClaims(f.env.Issuer, f.web.ID), "exp", time.Now().Add(-2*time.Hour).Unix())),
	}
	for name, hint := range hints {
		for _, withClient := range []bool{false, true} {
			q := url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {postLogout}, "state": {"s"}}
			if withClient {
				q.Set("client_id", f.web.ID)
			}
			r := get(t, nil, end+"?"+q.Encode())
			if r.StatusCode != http.StatusFound || r.Header.Get("Location") != postLogout+"?state=s" {
				t.Errorf("valid id_token_hint (%s, client_id %v): %d Location %q", name, withClient, r.StatusCode, r.Header.Get("Location"))
			}
		}
	}
	// A real hint does not make an unregistered URI acceptable, nor another
	// client's id.
	wantErrorPage(t, "hint with unregistered URI", get(t, nil, end+"?"+url.Values{"id_token_hint": {realHint},
		"post_logout_redirect_uri": {"https://evil.example/"}}.Encode()))
	wantErrorPage(t, "hint with another client_id", get(t, nil, end+"?"+url.Values{"id_token_hint": {realHint},
		"client_id": {f.other.ID}, "post_logout_redirect_uri": {postLogout}}.Encode()))

	// Forged hints: a 400 page, with or without a redirect URI, and the
	// session stays.
	claims := f.idTokenClaims(f.env.Issuer, f.web.ID)
	forged := map[string]string{
		"foreign issuer":  g.validToken("JWT", f.idTokenClaims("https://evil.example/oidc", f.web.ID)),
		"aud array":       g.validToken("JWT", with(f.idTokenClaims(f.env.Issuer, f.web.ID), "aud", []string{f.web.ID})),
		"no aud":          g.validToken("JWT", with(f.idTokenClaims(f.env.Issuer, f.web.ID), "aud", nil)),
		"garbage":         "not-a-jwt",
		"empty segments":  "..",
		"JSON not object": g.validToken("JWT", nil),
		// Signed with the server's own key, but an access token.
		"at+jwt as hint": g.validToken("at+jwt", f.idTokenClaims(f.env.Issuer, f.web.ID)),
	}
	for _, a := range jwtAttacks {
		g.t = t
		forged[a.name] = a.make(g, "JWT", claims)
	}
	bs := signedIn()
	for name, hint := range forged {
		for _, q := range []url.Values{
			{"id_token_hint": {hint}, "post_logout_redirect_uri": {postLogout}},
			{"id_token_hint": {hint}, "post_logout_redirect_uri": {postLogout}, "client_id": {f.web.ID}},
			{"id_token_hint": {hint}},
		} {
			wantErrorPage(t, "forged hint: "+name, get(t, bs, end+"?"+q.Encode()))
		}
	}
	if !hasSession(bs) {
		t.Errorf("a sign-out with a forged id_token_hint ended the session")
	}
}

// TestSecurityJWKS: every key member is a JSON string (the Go SDK decodes
// into map[string]string), kids are distinct, use is sig or absent, and the
// ID token's kid is published (spec/security.md item 10, logto-compat
// "Tokens").
func TestSecurityJWKS(t *testing.T) {
	f := newFixture(t)
	r := get(t, nil, f.env.Issuer+"/jwks")
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/") {
		t.Fatalf("jwks: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(r.body, &set); err != nil {
		t.Fatalf("JWKS does not decode into []map[string]string: %v\n%s", err, r.body)
	}
	if len(set.Keys) < 2 {
		t.Errorf("JWKS has %d keys, want the current and the next", len(set.Keys))
	}
	kids := map[string]bool{}
	for _, k := range set.Keys {
		if k["kid"] == "" || kids[k["kid"]] {
			t.Errorf("kid %q empty or repeated", k["kid"])
		}
		kids[k["kid"]] = true
		if u, ok := k["use"]; ok && u != "sig" {
			t.Errorf("key %s: use %q", k["kid"], u)
		}
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
			if _, ok := k[private]; ok {
				t.Errorf("key %s publishes private member %q", k["kid"], private)
			}
		}
		switch k["alg"] {
		case "RS256", "PS256", "ES256", "ES384", "ES512":
		default:
			t.Errorf("key %s: alg %q outside Logto SDKs' allow-list", k["kid"], k["alg"])
		}
	}
	tok := f.tokens(t)
	cc := f.token(t, f.m2m, f.m2mSecret, url.Values{"grant_type": {"client_credentials"}, "resource": {apiIndicator}})
	for name, jwt := range map[string]string{"ID token": tok["id_token"].(string), "access token": cc.json(t)["access_token"].(string)} {
		h, _ := jwtParts(t, jwt)
		kid, _ := h["kid"].(string)
		if !kids[kid] {
			t.Errorf("%s kid %q is not in the JWKS", name, kid)
		}
		if !algOfKid(set.Keys, kid, h["alg"]) {
			t.Errorf("%s alg %v differs from its key's", name, h["alg"])
		}
	}
	// The current key signs; the discovery document names its algorithm.
	var disc map[string]any
	json.Unmarshal(get(t, nil, f.env.Issuer+"/.well-known/openid-configuration").body, &disc)
	h, _ := jwtParts(t, tok["id_token"].(string))
	algs, _ := disc["id_token_signing_alg_values_supported"].([]any)
	found := false
	for _, a := range algs {
		found = found || a == h["alg"]
	}
	if !found {
		t.Errorf("ID token alg %v not in discovery's %v", h["alg"], algs)
	}
}

func algOfKid(keys []map[string]string, kid string, alg any) bool {
	for _, k := range keys {
		if k["kid"] == kid {
			return k["alg"] == alg
		}
	}
	return false
}
