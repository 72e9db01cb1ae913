package console_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/testenv"
)

// deployment starts a whole deployment (real SQLite, or PostgreSQL with
// pg=true when MONBAN_TEST_POSTGRES_DSN is set).
func deployment(t *testing.T, pg bool) *testenv.Env {
	t.Helper()
	var o testenv.Options
	if pg {
		o.Postgres = storetesting.PostgresDSN(t)
	}
	return testenv.New(t, o)
}

// backends runs fn on SQLite, and on PostgreSQL when it is available.
func backends(t *testing.T, fn func(t *testing.T, pg bool)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, false) })
	t.Run("postgres", func(t *testing.T) { fn(t, true) })
}

const adminPassword = "correct horse battery"

// admin creates an administrator.
func admin(t *testing.T, env *testenv.Env, username string) {
	t.Helper()
	if _, err := env.D.Accounts.CreateUser(context.Background(), account.NewUser{Username: username,
		Password: adminPassword, IsAdmin: true}); err != nil {
		t.Fatal(err)
	}
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	t   *testing.T
	env *testenv.Env
	c   *http.Client
}

func newBrowser(t *testing.T, env *testenv.Env) *browser {
	return &browser{t: t, env: env, c: testenv.Browser()}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.env.Endpoint+path, nil)
	return b.do(req)
}

// post sends form to path as a same-origin browser would (Origin header).
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.env.Endpoint+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin(b.env.Endpoint))
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

func origin(endpoint string) string {
	u, _ := url.Parse(endpoint)
	return u.Scheme + "://" + u.Host
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf reads the CSRF token of the page at path.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	p := b.get(path)
	m := csrfRe.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("no csrf_token on %s (%d):\n%s", path, p.status, p.body)
	}
	return m[1]
}

// submit reads the CSRF token of the page at formPath, then posts form
// with it to action.
func (b *browser) submit(formPath, action string, form url.Values) page {
	b.t.Helper()
	form.Set("csrf_token", b.csrf(formPath))
	return b.post(action, form)
}

// signIn signs the browser in to the console.
func (b *browser) signIn(username string) {
	b.t.Helper()
	p := b.submit("/console/sign-in", "/console/sign-in", url.Values{"identifier": {username}, "password": {adminPassword}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/console/dashboard" {
		b.t.Fatalf("sign-in: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
}

// signedIn returns a deployment with an admin "root" and a browser signed
// in as them.
func signedIn(t *testing.T, pg bool) (*testenv.Env, *browser) {
	env := deployment(t, pg)
	admin(t, env, "root")
	b := newBrowser(t, env)
	b.signIn("root")
	return env, b
}
