package experience_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/experience"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/notify"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/session"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/store/sqlstore"
	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/verification"
)

// fast argon2 parameters: the tests exercise the pages, not the hash cost.
var fast = password.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

const alicePassword = "correct horse battery"

// env is a real server (base path handling, middleware) with the pages
// mounted on a fresh SQLite store, one application and one user, alice.
type env struct {
	t     *testing.T
	base  string
	st    *sqlstore.Store
	pages *experience.Pages
	h     http.Handler
	app   *store.Application
	alice *store.User
	logs  *syncBuffer
	// outbox receives the verification codes (email and SMS).
	outbox *outbox
}

func newEnv(t *testing.T, base string) *env {
	t.Helper()
	ctx := context.Background()
	st := storetesting.SQLite(t)
	e := &env{t: t, base: base, st: st, logs: &syncBuffer{}, outbox: &outbox{}}
	apps := &application.Service{Store: st}
	accounts := &account.Service{Store: st, Params: fast}
	e.pages = &experience.Pages{
		Accounts:         accounts,
		Applications:     apps,
		Sessions:         &session.Service{Store: st, CookiePath: base + "/"},
		Interactions:     &interaction.Service{Store: st, CookiePath: base + "/"},
		SignInExperience: &signinexp.Service{Store: st},
		Verification:     &verification.Service{Store: st, Email: e.outbox, SMS: e.outbox},
		Base:             base,
		CSRFKey:          bytes.Repeat([]byte("k"), 32),
	}
	srv := server.New(server.Options{BasePath: base,
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	e.pages.Routes(srv)
	e.h = srv.Handler()

	var err error
	e.app, _, err = apps.Create(ctx, application.NewApplication{Name: "Photo Album", Type: store.AppTraditional,
		RedirectURIs: []string{"https://album.example/callback"}})
	if err != nil {
		t.Fatal(err)
	}
	e.alice, err = accounts.CreateUser(ctx, account.NewUser{Username: "alice", Password: alicePassword, PrimaryEmail: "alice@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// browser keeps cookies between requests, as a browser would.
type browser struct {
	e       *env
	cookies map[string]string
}

func (e *env) browser() *browser { return &browser{e: e, cookies: map[string]string{}} }

func (b *browser) keep(cs []*http.Cookie) {
	for _, c := range cs {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
}

// startInteraction parks an authorization request as /oidc/auth would and
// keeps its cookie.
func (b *browser) startInteraction(req interaction.Request) *interaction.Interaction {
	b.e.t.Helper()
	if req.ClientID == "" {
		req.ClientID = b.e.app.ID
	}
	if req.RedirectURI == "" {
		req.RedirectURI = "https://album.example/callback"
	}
	rec := httptest.NewRecorder()
	it, err := b.e.pages.Interactions.Start(context.Background(), rec, req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	b.keep(rec.Result().Cookies())
	return it
}

type response struct {
	*http.Response
	body string
}

// do sends a request for path (below the base path) through the server.
// Like a browser's same-origin form post, it carries Sec-Fetch-Site:
// same-origin unless header says otherwise.
func (b *browser) do(method, path string, form url.Values, header http.Header) *response {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, "http://monban.example"+b.e.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, vs := range header {
		req.Header.Del(k)
		for _, v := range vs {
			if v != "" {
				req.Header.Add(k, v)
			}
		}
	}
	for n, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: n, Value: v})
	}
	rec := httptest.NewRecorder()
	b.e.h.ServeHTTP(rec, req)
	resp := rec.Result()
	b.keep(resp.Cookies())
	return &response{Response: resp, body: rec.Body.String()}
}

func (b *browser) get(path string) *response { return b.do(http.MethodGet, path, nil, nil) }

var tokenRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// token loads the form at path and returns its CSRF token.
func (b *browser) token(path string) string {
	b.e.t.Helper()
	r := b.get(path)
	m := tokenRE.FindStringSubmatch(r.body)
	if m == nil {
		b.e.t.Fatalf("GET %s (%d): no csrf_token in\n%s", path, r.StatusCode, r.body)
	}
	return m[1]
}

// post submits the form at path the way a user would: load it, then POST
// fields with its CSRF token.
func (b *browser) post(path string, fields url.Values) *response {
	b.e.t.Helper()
	fields.Set("csrf_token", b.token(path))
	return b.do(http.MethodPost, path, fields, nil)
}

// signIn signs b in as alice.
func (b *browser) signIn() {
	b.e.t.Helper()
	r := b.post("/sign-in", url.Values{"identifier": {"alice"}, "password": {alicePassword}})
	if r.StatusCode != http.StatusSeeOther {
		b.e.t.Fatalf("sign-in: %d\n%s", r.StatusCode, r.body)
	}
}

// interaction reloads it from the store.
func (e *env) interaction(it *interaction.Interaction) *store.Interaction {
	e.t.Helper()
	rec, err := e.st.GetInteraction(context.Background(), it.Record.IDHash)
	if err != nil {
		e.t.Fatal(err)
	}
	return rec
}

func (e *env) userCount() int64 {
	e.t.Helper()
	_, n, err := e.st.ListUsers(context.Background(), store.Page{})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

var alertREs = []*regexp.Regexp{
	regexp.MustCompile(`(?s)<div[^>]*role="alert"[^>]*>(.*?)</div>`),
	regexp.MustCompile(`(?s)<p[^>]*role="alert"[^>]*>(.*?)</p>`),
}

// alert returns the content of the page's role="alert" element ("" if none).
func alert(body string) string {
	for _, re := range alertREs {
		if m := re.FindStringSubmatch(body); m != nil {
			return strings.TrimSpace(m[1])
		}
	}
	return ""
}

// syncBuffer collects the server's logs from its goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// outbox is the email and SMS connector of the tests: it keeps what it
// was asked to send.
type outbox struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (o *outbox) Send(_ context.Context, m notify.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

// code returns the last code sent to to ("" if none).
func (o *outbox) code(to string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.sent) - 1; i >= 0; i-- {
		if o.sent[i].To == to {
			return o.sent[i].Code
		}
	}
	return ""
}

func (o *outbox) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.sent)
}

// experience patches the sign-in experience (Logto's PATCH body).
func (e *env) experience(patch string) {
	e.t.Helper()
	if _, err := e.pages.SignInExperience.Patch(context.Background(), []byte(patch)); err != nil {
		e.t.Fatalf("patch sign-in experience: %v", err)
	}
}

func accountUser(name string) account.NewUser {
	return account.NewUser{Username: name, Password: alicePassword}
}
