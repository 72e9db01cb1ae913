// Package testenv runs a whole Monban deployment (real SQLite store, real
// keys, every front door) on an httptest server, for tests that drive the
// protocol end to end the way clients do.
package testenv

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/boot"
	"github.com/monban-dev/monban/internal/config"
	"github.com/monban-dev/monban/internal/metrics"
	"github.com/monban-dev/monban/internal/notify"
	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/store"
)

// Env is a running deployment.
type Env struct {
	T        testing.TB
	Endpoint string // http://127.0.0.1:PORT[/base]
	Issuer   string
	D        *boot.Deployment
	Server   *httptest.Server
}

// Options tune New.
type Options struct {
	// BasePath puts the endpoint under a prefix, e.g. "/auth".
	BasePath string
	// Postgres, when set, is a PostgreSQL DSN to use instead of SQLite.
	Postgres string
	// Now is the OIDC provider's clock (codes, tokens); nil means time.Now.
	Now func() time.Time
	// Email and SMS, when set, are the deployment's email and SMS
	// connectors (verification codes), e.g. a notify.SMTP pointed at a
	// test's SMTP sink, or a recorder.
	Email, SMS notify.Sender
	// Experience, when set, is a PATCH of the sign-in experience (Logto's
	// /api/sign-in-exp body) applied before the server starts.
	Experience string
	// ConnectorEndpointOverrides is --connector-endpoint-overrides, e.g.
	// "patreon=http://127.0.0.1:PORT" to point a connector at a fake.
	ConnectorEndpointOverrides string
	// TrustedProxies is --trusted-proxies: peers whose X-Forwarded-For is
	// believed (the test client is 127.0.0.1).
	TrustedProxies []netip.Prefix
}

// New starts a deployment in t's temporary directory.
func New(t testing.TB, o Options) *Env {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Endpoint = "http://" + ln.Addr().String() + o.BasePath
	cfg.Database = o.Postgres
	cfg.ConnectorEndpointOverrides = o.ConnectorEndpointOverrides
	if o.Postgres != "" {
		cfg.MasterSecret = "test-master-secret-0123456789-abcdefghijklmnop"
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := boot.Open(context.Background(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	// Fast hashing keeps tests quick; production parameters are tested in
	// package password.
	d.Accounts.Params = password.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}
	if o.Email != nil {
		d.Email = o.Email
	}
	if o.SMS != nil {
		d.SMS = o.SMS
	}
	if o.Experience != "" {
		if _, err := d.SignInExperience.Patch(context.Background(), []byte(o.Experience)); err != nil {
			d.Close()
			t.Fatalf("sign-in experience: %v", err)
		}
	}
	m := metrics.New()
	srv := server.New(server.Options{BasePath: cfg.BasePath(), Logger: logger, Metrics: m, Ready: d.Store.Ping,
		TrustedProxies: o.TrustedProxies})
	d.Mount(srv, m, logger, o.Now)
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	t.Cleanup(func() { hs.Close(); d.Close() })
	return &Env{T: t, Endpoint: cfg.Endpoint, Issuer: cfg.Issuer(), D: d, Server: hs}
}

// App creates an application and returns it with its secret.
func (e *Env) App(typ store.ApplicationType, redirectURIs ...string) (*store.Application, string) {
	e.T.Helper()
	in := application.NewApplication{Name: "test " + string(typ), Type: typ, RedirectURIs: redirectURIs}
	if typ != store.AppMachineToMachine {
		in.PostLogoutRedirectURIs = []string{"http://localhost:3000/"}
	}
	app, secret, err := e.D.Applications.Create(context.Background(), in)
	if err != nil {
		e.T.Fatal(err)
	}
	return app, secret
}

// User creates a user with a password.
func (e *Env) User(username, pw string) *store.User {
	e.T.Helper()
	u, err := e.D.Accounts.CreateUser(context.Background(), account.NewUser{Username: username, Password: pw,
		PrimaryEmail: username + "@example.com", Name: "Test " + username})
	if err != nil {
		e.T.Fatal(err)
	}
	return u
}

// Experience patches the sign-in experience (Logto's PATCH /api/sign-in-exp
// body); the running server sees it on its next request.
func (e *Env) Experience(patch string) {
	e.T.Helper()
	if _, err := e.D.SignInExperience.Patch(context.Background(), []byte(patch)); err != nil {
		e.T.Fatalf("sign-in experience: %v", err)
	}
}

// Resource registers an API resource.
func (e *Env) Resource(indicator string) *store.Resource {
	e.T.Helper()
	r, err := e.D.RBAC.CreateResource(context.Background(), rbac.NewResource{Name: indicator, Indicator: indicator})
	if err != nil {
		e.T.Fatal(err)
	}
	return r
}

// Browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see every hop.
func Browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Authorize follows the browser through /oidc/auth, the hosted sign-in form
// (filled with username and password when it appears) and back, until a
// redirect leaves the server; it returns that redirect's URL.
func (e *Env) Authorize(b *http.Client, authURL, username, pw string) (*url.URL, error) {
	next, err := url.Parse(authURL)
	if err != nil {
		return nil, err
	}
	method, form := http.MethodGet, url.Values(nil)
	for hop := 0; hop < 20; hop++ {
		var resp *http.Response
		if method == http.MethodPost {
			resp, err = b.PostForm(next.String(), form)
		} else {
			resp, err = b.Get(next.String())
		}
		if err != nil {
			return nil, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			loc, err := next.Parse(resp.Header.Get("Location"))
			if err != nil {
				return nil, err
			}
			if !strings.HasPrefix(loc.String(), e.Endpoint) {
				return loc, nil
			}
			next, method, form = loc, http.MethodGet, nil
		case resp.StatusCode == 200 && strings.Contains(string(body), `type="password"`):
			action, fields := ParseForm(string(body))
			if username == "" {
				return nil, fmt.Errorf("sign-in form shown but no credentials given (at %s)", next)
			}
			fields.Set("identifier", username)
			fields.Set("password", pw)
			loc, err := next.Parse(action)
			if err != nil {
				return nil, err
			}
			next, method, form = loc, http.MethodPost, fields
		default:
			return nil, fmt.Errorf("%s %s: %d\n%s", method, next, resp.StatusCode, body)
		}
	}
	return nil, fmt.Errorf("too many hops")
}

var (
	formRe  = regexp.MustCompile(`(?is)<form[^>]*action="([^"]*)"`)
	inputRe = regexp.MustCompile(`(?is)<input[^>]*>`)
	attrRe  = regexp.MustCompile(`(?is)(name|value)="([^"]*)"`)
)

// ParseForm returns the first form's action and its named inputs' values.
func ParseForm(html string) (string, url.Values) {
	action := ""
	if m := formRe.FindStringSubmatch(html); m != nil {
		action = unescape(m[1])
	}
	fields := url.Values{}
	for _, in := range inputRe.FindAllString(html, -1) {
		var name, value string
		for _, a := range attrRe.FindAllStringSubmatch(in, -1) {
			if strings.EqualFold(a[1], "name") {
				name = unescape(a[2])
			} else {
				value = unescape(a[2])
			}
		}
		if name != "" {
			fields.Set(name, value)
		}
	}
	return action, fields
}

func unescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}
