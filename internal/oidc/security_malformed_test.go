package oidc_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/testenv"
)

// TestSecurityMalformedInputNever5xx sends garbage to every /oidc endpoint:
// bad content types, huge and duplicated parameters, invalid UTF-8 and
// percent-encoding, bogus tokens and credentials. Nothing may answer 5xx,
// and the back-channel endpoints answer JSON with an "error" member
// (spec/security.md item 22).
// It runs on PostgreSQL too, which refuses NUL bytes and invalid UTF-8 in
// text where SQLite stores them: the doors must refuse such input first.
func TestSecurityMalformedInputNever5xx(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testMalformedInputNever5xx(t, newFixture(t)) })
	t.Run("postgres", func(t *testing.T) {
		testMalformedInputNever5xx(t, newFixtureOn(t, testenv.Options{Postgres: storetesting.PostgresDSN(t)}))
	})
}

func testMalformedInputNever5xx(t *testing.T, f *fixture) {
	iss := f.env.Issuer
	huge := strings.Repeat("A", 70<<10)
	big := strings.Repeat("a", 8<<10)
	jwtish := "eyJhbGciOiJub25lIn0." + strings.Repeat("x", 300) + "."
	badB64JWT := "eyJhbGciOiJFUzM4NCIsImtpZCI6IngifQ.!!!!.????"
	nested := base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("[", 10000))) + ".e30.AA"
	basic := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	id, sec := f.web.ID, f.webSecret

	type req struct {
		name, method, path, query, ctype, body, auth string
		// jsonError: the answer must be JSON with an error member.
		jsonError bool
	}
	form := "application/x-www-form-urlencoded"
	var cases []req
	// The form endpoints share most garbage.
	for _, ep := range []string{"/token", "/token/introspection", "/token/revocation"} {
		auth := basic(id + ":" + sec)
		cases = append(cases,
			req{name: "no content type", method: "POST", path: ep, body: "grant_type=client_credentials", auth: auth, jsonError: true},
			req{name: "text/plain", method: "POST", path: ep, ctype: "text/plain", body: "grant_type=client_credentials", auth: auth, jsonError: true},
			req{name: "JSON body", method: "POST", path: ep, ctype: "application/json", body: `{"grant_type":"client_credentials","token":"x"}`, auth: auth, jsonError: true},
			req{name: "multipart", method: "POST", path: ep, ctype: "multipart/form-data; boundary=x", body: "--x\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nx\r\n--x--\r\n", auth: auth, jsonError: true},
			req{name: "bad media type", method: "POST", path: ep, ctype: "application/x-www-form-urlencoded; charset", body: "token=x", auth: auth, jsonError: true},
			req{name: "content type garbage", method: "POST", path: ep, ctype: ";;;=\"\xff", body: "token=x", auth: auth, jsonError: true},
			req{name: "huge body", method: "POST", path: ep, ctype: form, body: "token=" + huge, auth: auth, jsonError: true},
			req{name: "huge parameter name", method: "POST", path: ep, ctype: form, body: big + "=1&token=x&grant_type=refresh_token&refresh_token=x", auth: auth},
			req{name: "many parameters", method: "POST", path: ep, ctype: form, body: strings.Repeat("a=1&", 5000) + "token=x", auth: auth, jsonError: true},
			req{name: "duplicated parameters", method: "POST", path: ep, ctype: form, body: "grant_type=client_credentials&grant_type=refresh_token&token=a&token=b", auth: auth, jsonError: true},
			req{name: "bad percent-encoding", method: "POST", path: ep, ctype: form, body: "token=%zz&grant_type=%", auth: auth, jsonError: true},
			req{name: "invalid UTF-8", method: "POST", path: ep, ctype: form, body: "token=%ff%fe%80&grant_type=%c0%af&client_id=%ff", auth: auth, jsonError: true},
			req{name: "raw invalid UTF-8", method: "POST", path: ep, ctype: form, body: "token=\xff\xfe&refresh_token=\xc0\xaf&grant_type=refresh_token", auth: auth, jsonError: true},
			req{name: "NUL bytes", method: "POST", path: ep, ctype: form, body: "token=a%00b&grant_type=client%00_credentials&client_id=%00", jsonError: true},
			req{name: "semicolons", method: "POST", path: ep, ctype: form, body: "token=a;grant_type=client_credentials;x", auth: auth, jsonError: true},
			req{name: "Basic not base64", method: "POST", path: ep, ctype: form, body: "token=x&grant_type=client_credentials", auth: "Basic !!!", jsonError: true},
			req{name: "Basic without colon", method: "POST", path: ep, ctype: form, body: "token=x&grant_type=client_credentials", auth: basic("nocolon"), jsonError: true},
			req{name: "Basic huge", method: "POST", path: ep, ctype: form, body: "token=x&grant_type=client_credentials", auth: basic(big + ":" + big), jsonError: true},
			req{name: "Basic invalid UTF-8", method: "POST", path: ep, ctype: form, body: "token=x&grant_type=client_credentials", auth: basic("\xff\xfe:%ff%00"), jsonError: true},
			req{name: "Basic bad percent-encoding", method: "POST", path: ep, ctype: form, body: "token=x&grant_type=client_credentials", auth: basic("%zz:%"), jsonError: true},
			req{name: "Basic empty", method: "POST", path: ep, ctype: form, body: "token=x&grant_type=client_credentials", auth: "Basic ", jsonError: true},
			req{name: "Bearer instead of Basic", method: "POST", path: ep, ctype: form, body: "token=x&grant_type=client_credentials", auth: "Bearer x", jsonError: true},
			req{name: "client_id huge", method: "POST", path: ep, ctype: form, body: "token=x&grant_type=client_credentials&client_id=" + big + "&client_secret=" + big, jsonError: true},
			req{name: "bogus JWT token", method: "POST", path: ep, ctype: form, body: "token=" + jwtish + "&grant_type=refresh_token&refresh_token=" + jwtish, auth: auth},
			req{name: "bad base64 JWT", method: "POST", path: ep, ctype: form, body: "token=" + badB64JWT + "&grant_type=refresh_token&refresh_token=" + badB64JWT, auth: auth},
			req{name: "deeply nested JWT header", method: "POST", path: ep, ctype: form, body: "token=" + nested + "&grant_type=refresh_token&refresh_token=" + nested, auth: auth},
			req{name: "long token", method: "POST", path: ep, ctype: form, body: "token=" + big + "&grant_type=refresh_token&refresh_token=" + big, auth: auth},
			req{name: "GET", method: "GET", path: ep, query: "token=x&grant_type=client_credentials", auth: auth},
			req{name: "PUT", method: "PUT", path: ep, ctype: form, body: "token=x", auth: auth},
		)
	}
	tok := func(body string) req {
		return req{name: "token: " + body[:min(len(body), 60)], method: "POST", path: "/token", ctype: form, body: body,
			auth: basic(id + ":" + sec), jsonError: true}
	}
	cases = append(cases,
		tok("grant_type=authorization_code"),
		tok("grant_type=authorization_code&code=x"),
		tok("grant_type=authorization_code&code=x&redirect_uri="+redirect+"&code_verifier="+big),
		tok("grant_type=authorization_code&code="+big+"&redirect_uri="+big),
		tok("grant_type=authorization_code&code=x&redirect_uri=x&resource=%ff"),
		tok("grant_type=authorization_code&code=x&redirect_uri=x&resource=a&resource=b"),
		tok("grant_type=authorization_code&code=x&redirect_uri=x&resource=http://%41:1/"),
		tok("grant_type=refresh_token"),
		tok("grant_type=refresh_token&refresh_token=x&resource=::"),
		tok("grant_type=refresh_token&refresh_token=x&organization_id=x"),
		tok("grant_type=refresh_token&refresh_token=x&scope=openid"),
		tok("grant_type=client_credentials"),
		tok("grant_type=password&username=a&password=b"),
		tok("grant_type=urn:ietf:params:oauth:grant-type:device_code&device_code=x"),
		tok("grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=x"),
		tok("grant_type=implicit"),
		tok("grant_type="),
		tok(""),
		tok("grant_type="+big),
		tok("grant_type=%00"),
		tok("client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion="+jwtish+"&grant_type=client_credentials"),
	)
	// Public clients with garbage.
	cases = append(cases,
		req{name: "public client, code grant without code", method: "POST", path: "/token", ctype: form,
			body: "grant_type=authorization_code&client_id=" + f.spa.ID + "&client_secret=None", jsonError: true},
		req{name: "public client with a secret", method: "POST", path: "/token", ctype: form,
			body: "grant_type=authorization_code&client_id=" + f.spa.ID + "&client_secret=abc&code=x&redirect_uri=x", jsonError: true},
	)
	// userinfo
	for _, bearer := range []string{"", "x", "Bearer", "Bearer ", "Bearer " + jwtish, "Bearer " + badB64JWT, "Bearer " + nested,
		"Bearer " + big, "Bearer \xff\xfe", "Bearer a.b", "Bearer ====", "Bearer " + strings.Repeat("A", 2049),
		"Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+sec)), "bearer  x  ", "Bearer x, Bearer y"} {
		cases = append(cases,
			req{name: "userinfo GET " + bearer[:min(len(bearer), 40)], method: "GET", path: "/me", auth: bearer, jsonError: true},
			req{name: "userinfo POST " + bearer[:min(len(bearer), 40)], method: "POST", path: "/me", auth: bearer, ctype: form, body: "access_token=%ff", jsonError: true},
		)
	}
	cases = append(cases,
		req{name: "userinfo form token huge", method: "POST", path: "/me", ctype: form, body: "access_token=" + huge, jsonError: true},
		req{name: "userinfo form token JSON body", method: "POST", path: "/me", ctype: "application/json", body: "{}", jsonError: true},
		req{name: "userinfo query token", method: "GET", path: "/me", query: "access_token=x", jsonError: true},
	)
	// The browser endpoints answer HTML; only the status matters.
	for _, q := range []string{
		"", "%", "%zz", "client_id=%ff%fe&redirect_uri=%c0%af", "client_id=\xff&redirect_uri=\xfe",
		"client_id=" + f.spa.ID + "&redirect_uri=" + redirect + "&response_type=code&scope=openid&code_challenge=" + big + "&code_challenge_method=S256",
		"client_id=" + f.web.ID + "&redirect_uri=" + redirect + "&response_type=code&scope=openid&max_age=1e10",
		"client_id=" + f.web.ID + "&redirect_uri=" + redirect + "&response_type=code&scope=openid&max_age=9223372036854775807",
		"client_id=" + f.web.ID + "&redirect_uri=" + redirect + "&response_type=code&scope=openid&resource=%ff",
		"client_id=" + f.web.ID + "&redirect_uri=" + redirect + "&response_type=code&scope=" + big + "&state=" + big + "&nonce=" + big,
		"client_id=" + f.web.ID + "&redirect_uri=" + redirect + "&response_type=code&scope=openid&response_mode=form_post&state=%3Cscript%3E",
		"client_id=" + f.web.ID + "&redirect_uri=" + redirect + "&response_type=code&scope=openid&ui_locales=" + big + "&login_hint=%ff&first_screen=%00&identifier=" + big,
		"client_id=" + big + "&redirect_uri=" + big,
		strings.Repeat("a=1&", 3000),
		"client_id;redirect_uri;",
	} {
		cases = append(cases,
			req{name: "auth GET " + q[:min(len(q), 50)], method: "GET", path: "/auth", query: q},
			req{name: "auth POST " + q[:min(len(q), 50)], method: "POST", path: "/auth", ctype: form, body: q},
			req{name: "end session GET " + q[:min(len(q), 50)], method: "GET", path: "/session/end", query: q},
		)
	}
	cases = append(cases,
		req{name: "auth POST huge", method: "POST", path: "/auth", ctype: form, body: "client_id=" + huge},
		req{name: "auth POST multipart", method: "POST", path: "/auth", ctype: "multipart/form-data; boundary=x", body: "--x--"},
		req{name: "auth POST bad content type", method: "POST", path: "/auth", ctype: ";", body: "client_id=x"},
		req{name: "end session POST huge", method: "POST", path: "/session/end", ctype: form, body: "id_token_hint=" + huge},
		req{name: "end session hint nested", method: "GET", path: "/session/end", query: "id_token_hint=" + nested},
		req{name: "end session hint bad base64", method: "GET", path: "/session/end", query: "id_token_hint=" + badB64JWT},
		req{name: "end session hint long", method: "GET", path: "/session/end", query: "id_token_hint=" + big + "." + big + "." + big},
		req{name: "end session hint invalid UTF-8", method: "GET", path: "/session/end", query: "id_token_hint=%ff.%fe.%00&post_logout_redirect_uri=%ff&client_id=%ff"},
		req{name: "resume without interaction", method: "GET", path: "/auth/resume"},
		req{name: "resume with error", method: "GET", path: "/auth/resume", query: "error=access_denied"},
		req{name: "discovery POST", method: "POST", path: "/.well-known/openid-configuration"},
		req{name: "jwks POST", method: "POST", path: "/jwks"},
		req{name: "jwks with If-None-Match garbage", method: "GET", path: "/jwks"},
		req{name: "OPTIONS token", method: "OPTIONS", path: "/token"},
		req{name: "unknown endpoint", method: "GET", path: "/nope"},
	)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			r, err := http.NewRequest(c.method, iss+c.path, body)
			if err != nil {
				t.Fatal(err)
			}
			r.URL.RawQuery = c.query
			if c.ctype != "" {
				r.Header.Set("Content-Type", c.ctype)
			}
			if c.auth != "" {
				r.Header.Set("Authorization", c.auth)
			}
			r.Header.Set("If-None-Match", "\"\xff\"")
			r.Header.Add("Cookie", "monban_session=%ff; monban_interaction="+strings.Repeat("x", 200))
			resp := do(t, nil, r)
			if resp.StatusCode >= 500 {
				t.Fatalf("%d\n%.500s", resp.StatusCode, resp.body)
			}
			if c.jsonError && resp.StatusCode != 200 {
				var e map[string]any
				if err := json.Unmarshal(resp.body, &e); err != nil {
					t.Fatalf("%d: body is not JSON: %.300s", resp.StatusCode, resp.body)
				}
				if s, _ := e["error"].(string); s == "" {
					t.Fatalf("%d: JSON without error: %s", resp.StatusCode, resp.body)
				}
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
					t.Errorf("error Content-Type %q", resp.Header.Get("Content-Type"))
				}
			}
			if c.path == "/auth" || c.path == "/session/end" {
				if loc := resp.Header.Get("Location"); loc != "" && !strings.HasPrefix(loc, redirect) && !strings.HasPrefix(loc, f.env.Endpoint+"/") {
					t.Errorf("redirect to %q", loc)
				}
			}
		})
	}
}
