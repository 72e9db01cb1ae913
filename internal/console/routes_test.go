package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/console"
)

// recorder is a Mux that keeps the patterns registered on it.
type recorder struct{ patterns []string }

func (m *recorder) HandleFunc(p string, _ func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, p)
}

// routes are every pattern the console registers, with their method.
func routes(t *testing.T) [][2]string {
	t.Helper()
	m := &recorder{}
	console.New(console.Options{CSRFKey: make([]byte, console.MinCSRFKeyLen)}).Routes(m)
	var out [][2]string
	for _, p := range m.patterns {
		method, path, ok := strings.Cut(p, " ")
		if !ok || (method != "GET" && method != "POST") {
			t.Fatalf("pattern %q: every console route must name GET or POST", p)
		}
		out = append(out, [2]string{method, strings.ReplaceAll(path, "{$}", "")})
	}
	if len(out) < 60 {
		t.Fatalf("only %d routes recorded", len(out))
	}
	return out
}

// TestEveryRouteGuarded walks every registered route, Public ones
// included: without a session a GET is redirected to sign-in (the
// sign-in page itself excepted) and shows nothing; every POST without the
// CSRF token is 403, signed in or not.
func TestEveryRouteGuarded(t *testing.T) {
	env, signed := signedIn(t, false)
	anon := newBrowser(t, env)
	for _, rt := range routes(t) {
		method, path := rt[0], strings.ReplaceAll(rt[1], "{id}", "some-id")
		switch {
		case strings.HasPrefix(path, "/console/static/"):
			continue
		case method == "GET":
			got := anon.get(path)
			want := "/console/sign-in"
			if path == want {
				if got.status != http.StatusOK || strings.Contains(got.body, `aria-current="page"`) {
					t.Errorf("GET %s = %d", path, got.status)
				}
				continue
			}
			if got.status != http.StatusSeeOther || got.header.Get("Location") != want {
				t.Errorf("anonymous GET %s = %d %q, want 303 to %s", path, got.status, got.header.Get("Location"), want)
			}
		case method == "POST":
			for who, b := range map[string]*browser{"anonymous": anon, "signed-in": signed} {
				if got := b.post(path, url.Values{"name": {"x"}, "lang": {"ja"}}); got.status != http.StatusForbidden {
					t.Errorf("%s POST %s without CSRF token = %d, want 403", who, path, got.status)
				}
			}
		}
	}
	if got := signed.get("/console/get-started"); got.status != http.StatusOK {
		t.Errorf("the token-less POSTs signed the admin out: %d", got.status)
	}
}

// TestMalformedInputIsNot5xx sends every route garbage with a valid token:
// ids, query parameters and form fields that are not UTF-8 or hold NUL
// (which PostgreSQL refuses as text), huge and repeated values. None is a
// 5xx.
func TestMalformedInputIsNot5xx(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		env, b := signedIn(t, pg)
		tok := b.csrf("/console/get-started")
		ids := []string{"%ff", "a%00b", strings.Repeat("x", 3000)}
		queries := []string{"", "?search=%ff", "?search=a%00b", "?page=-1&page_size=99999999", "?page=%ff&page=2",
			"?framework=%ff&factory=a%00b", "?tab=%ff&from=%ff&to=%ff&userId=%ff&applicationId=%ff&logKey=%ff&result=%ff"}
		forms := []url.Values{
			{},
			{"name": {"\xff\xfe"}, "username": {"\xff"}, "email": {"a\x00@example.com"}, "identifier": {"\xff"}, "password": {"\xff\xff\xff\xff\xff\xff\xff\xff"},
				"customData": {"\xff"}, "confirmName": {"\xff"}, "indicator": {"https://\xff"}, "description": {"a\x00b"}, "search": {"\xff"}},
			{"name": {strings.Repeat("n", 100000)}, "username": {strings.Repeat("u", 100000)}},
			{"name": {"a", "b"}, "roleIds": {"\xff", "x"}, "userIds": {"\xff", "a\x00"}, "applicationIds": {"\xff"}, "scopes": {"\xff"},
				"factory": {"\xff"}, "framework": {"\xff"}, "permissionId": {"a\x00"}, "secret": {"\xff"}, "identityTarget": {"\xff"}},
		}
		for _, rt := range routes(t) {
			method, path := rt[0], rt[1]
			if strings.HasPrefix(path, "/console/static/") || path == "/console/sign-out" {
				continue
			}
			variants := []string{path}
			if strings.Contains(path, "{id}") {
				variants = nil
				for _, id := range ids {
					variants = append(variants, strings.ReplaceAll(path, "{id}", id))
				}
			}
			for _, p := range variants {
				if method == "GET" {
					for _, q := range queries {
						if got := b.get(p + q); got.status >= 500 {
							t.Errorf("GET %s%s = %d", p, q, got.status)
						}
					}
					continue
				}
				for i, f := range forms {
					form := url.Values{}
					for k, v := range f {
						form[k] = v
					}
					switch p {
					case "/console/sign-in", "/console/setup":
						anon := newBrowser(t, env)
						form.Set("csrf_token", anon.csrf("/console/sign-in"))
						if got := anon.post(p, form); got.status >= 500 {
							t.Errorf("POST %s with form %d = %d", p, i, got.status)
						}
						continue
					}
					form.Set("csrf_token", tok)
					if got := b.post(p, form); got.status >= 500 {
						t.Errorf("POST %s with form %d = %d", p, i, got.status)
					}
				}
			}
		}
		if got := b.get("/console/get-started"); got.status != http.StatusOK {
			t.Errorf("signed out along the way: %d", got.status)
		}
	})
}

// TestNoticeBeforeFragment: a redirect to a section of a page (#...)
// keeps its success notice in the query, before the fragment (after it,
// the browser never sends it and the notice is lost).
func TestNoticeBeforeFragment(t *testing.T) {
	env, b := signedIn(t, false)
	u := env.User("erin", adminPassword)
	path := "/console/users/" + u.ID
	p := b.submit(path, path+"/custom-data", url.Values{"customData": {`{"plan": "pro"}`}})
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || loc != path+"?done=notice.saved#custom-data" {
		t.Fatalf("custom data saved: %d %q", p.status, loc)
	}
	req, _ := http.NewRequest("GET", env.Endpoint+loc, nil) // the client drops the fragment, as browsers do
	if got := b.do(req); !strings.Contains(got.body, `role="status">Saved.</p>`) {
		t.Errorf("no notice after the redirect:\n%s", got.body)
	}
}

// TestDomainErrorsInJapanese: the domain core's field errors (application,
// redirect URI, set-up codes) are shown in Japanese on Japanese pages, a
// message about one line of a list still naming the line.
func TestDomainErrorsInJapanese(t *testing.T) {
	env := deployment(t, false)
	b := newBrowser(t, env)
	b.post("/console/language", url.Values{"csrf_token": {b.csrf("/console/setup")}, "lang": {"ja"}, "back": {"/console/setup"}})
	p := b.submit("/console/setup", "/console/setup", url.Values{"password": {adminPassword}, "confirm": {adminPassword}})
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "管理者にはサインインに使うユーザー名かメールアドレスが必要です") ||
		strings.Contains(p.body, "an administrator needs") {
		t.Errorf("set-up without an identifier, in Japanese: %d\n%s", p.status, p.body)
	}
	admin(t, env, "root")
	b.signIn("root")
	p = b.submit("/console/applications/new?framework=flask", "/console/applications", url.Values{"framework": {"flask"},
		"name": {""}, "redirectUris": {"http://localhost:3000/callback#x"}, "postLogoutRedirectUris": {"ftp://x/"}})
	if p.status != http.StatusBadRequest {
		t.Fatalf("bad create: %d", p.status)
	}
	for _, want := range []string{"名前: 必須です", "&#34;http://localhost:3000/callback#x&#34;: フラグメント", "&#34;ftp://x/&#34;: このスキームは使えません"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("Japanese page lacks %q", want)
		}
	}
	for _, english := range []string{"must not be empty", "must not contain a fragment", "is not allowed"} {
		if strings.Contains(p.body, english) {
			t.Errorf("Japanese page shows English %q", english)
		}
	}
}
