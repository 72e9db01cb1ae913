package mgmt_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/notify"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/testenv"
)

// The audit log end to end: sign-ins, a sign-up, a password reset, token
// errors and Management API writes, read back through /api/logs, on SQLite
// and PostgreSQL.

const (
	auditUA  = "audit-test-browser/1.0"
	clientIP = "203.0.113.9" // the browser's address, as the trusted proxy says
)

// mailbox is the deployment's email connector: it keeps the codes.
type mailbox struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (m *mailbox) Send(_ context.Context, msg notify.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

func (m *mailbox) last() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.sent) == 0 {
		return ""
	}
	return m.sent[len(m.sent)-1].Code
}

// viaProxy is a browser behind a trusted reverse proxy: every request
// carries its User-Agent and the proxy's X-Forwarded-For.
type viaProxy struct{ ua, forwardedFor string }

func (p viaProxy) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("User-Agent", p.ua)
	if p.forwardedFor != "" {
		r.Header.Set("X-Forwarded-For", p.forwardedFor)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func browserVia(forwardedFor string) *http.Client {
	b := testenv.Browser()
	b.Transport = viaProxy{ua: auditUA, forwardedFor: forwardedFor}
	return b
}

// submit GETs the page at path, fills its first form with fields and posts
// it; it returns the status and body of the answer.
func submit(t *testing.T, env *testenv.Env, b *http.Client, path string, fields map[string]string) (int, string) {
	t.Helper()
	resp, err := b.Get(env.Endpoint + path)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	action, form := testenv.ParseForm(string(page))
	for k, v := range fields {
		form.Set(k, v)
	}
	target, _ := url.Parse(env.Endpoint + path)
	target, _ = target.Parse(action)
	resp, err = b.PostForm(target.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func tokenRequest(t *testing.T, env *testenv.Env, user, pass string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", env.Issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestAuditLog(t *testing.T) {
	run := func(t *testing.T, pg string) {
		box := &mailbox{}
		env := testenv.New(t, testenv.Options{Postgres: pg, Email: box,
			Experience:     `{"forgotPasswordMethods":["EmailVerificationCode"]}`,
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		testAuditLog(t, env, box)
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	t.Run("postgres", func(t *testing.T) { run(t, storetesting.PostgresDSN(t)) })
}

func testAuditLog(t *testing.T, env *testenv.Env, box *mailbox) {
	const (
		alicePW, wrongPW, newPW = "Correct-horse-battery-9", "Wrong-horse-battery-9", "Fresh-staple-meadow-7"
		bobPW, carolPW          = "Quiet-lantern-river-5", "Hidden-orchard-phrase-3"
		redirect                = "http://localhost:3000/callback"
	)
	alice := env.User("alice", alicePW)
	app, appSecret := env.App(store.AppTraditional, redirect)
	secrets := []string{alicePW, wrongPW, newPW, bobPW, carolPW, appSecret}

	// 1. A wrong password, then a sign-in through the authorization flow.
	b := browserVia(clientIP)
	if status, body := submit(t, env, b, "/sign-in", map[string]string{"identifier": "alice", "password": wrongPW}); status != 400 {
		t.Fatalf("wrong password: %d %s", status, body)
	}
	authURL := env.Issuer + "/auth?" + url.Values{"client_id": {app.ID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid offline_access"}, "state": {"s1"}, "prompt": {"consent"}}.Encode()
	cb, err := env.Authorize(b, authURL, "alice", alicePW)
	if err != nil {
		t.Fatal(err)
	}
	code := cb.Query().Get("code")
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}
	status, tok := tokenRequest(t, env, app.ID, appSecret, exchange)
	if status != 200 {
		t.Fatalf("code exchange: %d %v", status, tok)
	}
	for _, k := range []string{"access_token", "refresh_token", "id_token"} {
		secrets = append(secrets, tok[k].(string))
	}
	secrets = append(secrets, code)
	if status, _ := tokenRequest(t, env, app.ID, appSecret, exchange); status != 400 {
		t.Fatalf("code replay: %d", status)
	}
	if status, _ := tokenRequest(t, env, app.ID, "not-the-secret-at-all", exchange); status != 401 {
		t.Fatalf("wrong client secret: %d", status)
	}
	secrets = append(secrets, "not-the-secret-at-all")

	// 2. A sign-up.
	b2 := browserVia(clientIP)
	if status, body := submit(t, env, b2, "/register", map[string]string{"username": "bob", "password": bobPW}); status != 303 {
		t.Fatalf("register: %d %s", status, body)
	}
	bob, err := env.D.Store.GetUserByUsername(context.Background(), "bob")
	if err != nil {
		t.Fatal(err)
	}

	// 3. Forgot password: a wrong code, then the right one.
	b3 := browserVia(clientIP)
	if status, body := submit(t, env, b3, "/reset-password", map[string]string{"identifier": "alice@example.com"}); status != 303 {
		t.Fatalf("reset: %d %s", status, body)
	}
	sent := box.last()
	wrongCode := "000000"
	if sent == wrongCode {
		wrongCode = "111111"
	}
	if status, body := submit(t, env, b3, "/reset-password/verify", map[string]string{"code": wrongCode, "password": newPW}); status != 400 {
		t.Fatalf("reset with a wrong code: %d %s", status, body)
	}
	if status, body := submit(t, env, b3, "/reset-password/verify", map[string]string{"code": sent, "password": newPW}); status != 303 {
		t.Fatalf("reset: %d %s", status, body)
	}
	secrets = append(secrets, sent)

	// 4. Management API writes, one of them refused. The token request
	// (client_credentials) is not recorded.
	c := newClient(t, env)
	secrets = append(secrets, c.token)
	r := c.do("POST", "/api/users", `{"username":"carol","password":"`+carolPW+`"}`)
	if r.status != 200 {
		t.Fatalf("create user: %d %s", r.status, r.raw)
	}
	carolID := r.object()["id"].(string)
	wantError(t, "taken username", c.do("POST", "/api/users", `{"username":"carol","password":"`+carolPW+`"}`), 409, "user.username_already_in_use")
	r = c.do("POST", "/api/applications/"+app.ID+"/secrets", `{"name":"rotation"}`)
	if r.status != 201 {
		t.Fatalf("create secret: %d %s", r.status, r.raw)
	}
	secrets = append(secrets, r.object()["value"].(string))
	if r := c.do("PATCH", "/api/users/"+carolID+"/password", `{"password":"`+carolPW+`-2"}`); r.status != 200 {
		t.Fatalf("set password: %d %s", r.status, r.raw)
	}
	actor := m2mClientOf(t, env, c.token)

	// --- Read back ---
	logs := func(query string) ([]map[string]any, string) {
		t.Helper()
		r := c.do("GET", "/api/logs?"+query, "")
		if r.status != 200 {
			t.Fatalf("GET /api/logs?%s: %d %s", query, r.status, r.raw)
		}
		return r.list(), r.header.Get("Total-Number")
	}
	one := func(key string) map[string]any {
		t.Helper()
		l, total := logs("logKey=" + url.QueryEscape(key))
		if len(l) != 1 || total != "1" {
			t.Fatalf("%s: %d entries (Total-Number %s), want 1", key, len(l), total)
		}
		if l[0]["key"] != key || l[0]["id"] == "" || l[0]["createdAt"] == nil {
			t.Fatalf("%s: entry %v", key, l[0])
		}
		return l[0]["payload"].(map[string]any)
	}
	// wantPayload checks members of a payload.
	wantPayload := func(what string, p map[string]any, want map[string]any) {
		t.Helper()
		for k, v := range want {
			if got := p[k]; got != v {
				t.Errorf("%s: payload.%s = %v, want %v (payload %v)", what, k, got, v, p)
			}
		}
	}

	p := one(audit.VerificationKey(audit.SignIn, audit.Password))
	wantPayload("wrong password", p, map[string]any{"result": "Error", "ip": clientIP, "userAgent": auditUA, "userId": alice.ID})
	if e, _ := p["error"].(map[string]any); e["code"] != "session.invalid_credentials" {
		t.Errorf("wrong password: error %v", p["error"])
	}
	wantPayload("sign-in", one(audit.KeySignIn), map[string]any{"result": "Success", "ip": clientIP, "userAgent": auditUA,
		"userId": alice.ID, "applicationId": app.ID, "verification": "Password"})
	wantPayload("sign-up", one(audit.KeyRegister), map[string]any{"result": "Success", "userId": bob.ID, "ip": clientIP})
	wantPayload("wrong reset code", one(audit.VerificationKey(audit.ForgotPassword, audit.EmailVerificationCode)),
		map[string]any{"result": "Error", "userId": alice.ID})
	wantPayload("reset", one(audit.KeyForgotPassword), map[string]any{"result": "Success", "userId": alice.ID})

	ex, total := logs("logKey=" + audit.KeyExchangeByAuthorizationCode)
	if len(ex) != 3 || total != "3" {
		t.Fatalf("code exchanges: %d entries, want success, replay, wrong secret", len(ex))
	}
	// Newest first: the wrong secret, the replay, the exchange.
	wantPayload("wrong client secret", ex[0]["payload"].(map[string]any), map[string]any{"result": "Error", "applicationId": app.ID, "status": float64(401)})
	wantPayload("code replay", ex[1]["payload"].(map[string]any), map[string]any{"result": "Error", "applicationId": app.ID, "status": float64(400)})
	wantPayload("code exchange", ex[2]["payload"].(map[string]any), map[string]any{"result": "Success", "applicationId": app.ID, "userId": alice.ID})
	if e, _ := ex[1]["payload"].(map[string]any)["error"].(map[string]any); e["code"] != "invalid_grant" {
		t.Errorf("code replay: error %v", e)
	}
	if l, _ := logs("logKey=" + audit.KeyExchangeByClientCredentials); len(l) != 0 {
		t.Errorf("successful client_credentials recorded: %v", l)
	}

	created, total := logs("logKey=ManagementApi.CreateUser")
	if len(created) != 2 || total != "2" {
		t.Fatalf("ManagementApi.CreateUser: %d entries, want 2", len(created))
	}
	failed, ok := created[0]["payload"].(map[string]any), created[1]["payload"].(map[string]any)
	wantPayload("refused write", failed, map[string]any{"result": "Error", "applicationId": actor, "method": "POST",
		"route": "/api/users", "status": float64(409)})
	if e, _ := failed["error"].(map[string]any); e["code"] != "user.username_already_in_use" {
		t.Errorf("refused write: error %v", failed["error"])
	}
	wantPayload("write", ok, map[string]any{"result": "Success", "applicationId": actor, "method": "POST", "route": "/api/users",
		"status": float64(200), "targetId": carolID, "userId": carolID, "ip": "127.0.0.1"})
	wantPayload("set password", one("ManagementApi.UpdateUserPassword"), map[string]any{"route": "/api/users/{id}/password",
		"targetId": carolID, "userId": carolID, "status": float64(200)})
	wantPayload("new secret", one("ManagementApi.CreateApplicationSecret"), map[string]any{"targetId": app.ID, "status": float64(201)})

	// Filters, and the user's own route.
	byUser, total := logs("userId=" + alice.ID)
	if len(byUser) != 5 || total != "5" { // wrong password, sign-in, code exchange, wrong code, reset
		t.Errorf("userId filter: %d entries (Total-Number %s), want 5", len(byUser), total)
	}
	r = c.do("GET", "/api/users/"+alice.ID+"/logs", "")
	if r.status != 200 || len(r.list()) != len(byUser) || r.header.Get("Total-Number") != total {
		t.Errorf("/api/users/{id}/logs: %d, %d entries, want %d", r.status, len(r.list()), len(byUser))
	}
	wantError(t, "logs of an unknown user", c.do("GET", "/api/users/nope/logs", ""), 404, "entity.not_exists_with_id")
	byApp, _ := logs("applicationId=" + app.ID + "&logKey=" + audit.KeySignIn)
	if len(byApp) != 1 {
		t.Errorf("applicationId and logKey: %d entries, want 1", len(byApp))
	}
	for _, l := range byUser {
		if l["payload"].(map[string]any)["userId"] != alice.ID {
			t.Errorf("userId filter let through %v", l)
		}
	}

	// Paging: newest first, Total-Number, Logto's bounds.
	all, total := logs("page_size=100")
	p1, t1 := logs("page=1&page_size=3")
	p2, _ := logs("page=2&page_size=3")
	if t1 != total || len(p1) != 3 || len(p2) != 3 || p1[0]["id"] != all[0]["id"] || p2[0]["id"] != all[3]["id"] {
		t.Errorf("paging: total %s/%s, pages %d+%d", t1, total, len(p1), len(p2))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1]["createdAt"].(float64) < all[i]["createdAt"].(float64) {
			t.Fatalf("not newest first at %d", i)
		}
	}
	if def, _ := logs(""); len(def) != min(20, len(all)) {
		t.Errorf("default page: %d entries", len(def))
	}
	wantFields(t, "page_size 0", c.do("GET", "/api/logs?page_size=0", ""), "page_size")
	wantFields(t, "page_size 101", c.do("GET", "/api/logs?page_size=101", ""), "page_size")

	// One entry by id.
	id := all[0]["id"].(string)
	r = c.do("GET", "/api/logs/"+id, "")
	if r.status != 200 || r.object()["id"] != id || r.object()["key"] != all[0]["key"] {
		t.Errorf("GET /api/logs/{id}: %d %s", r.status, r.raw)
	}
	wantError(t, "unknown log", c.do("GET", "/api/logs/nope", ""), 404, "entity.not_exists_with_id")
	wantError(t, "logs without a token", call(t, env, "", "GET", "/api/logs", ""), 401, "auth.unauthorized")

	// Nothing secret was stored: passwords, codes, tokens, client secrets.
	stored, _, err := env.D.Audit.List(context.Background(), audit.Filter{}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	// Keys and payloads (not the timestamps, whose digits could match a code).
	var kept []any
	for _, l := range stored {
		kept = append(kept, l.ID, l.Key, l.UserID, l.ApplicationID, l.Payload)
	}
	dump, _ := json.Marshal(kept)
	for _, s := range secrets {
		if s != "" && strings.Contains(string(dump), s) {
			t.Errorf("the audit log holds a secret %q", s)
		}
	}

	// Retention: 0 keeps everything; a retention prunes what is older.
	d := env.D.Audit
	d.Retention = 0
	if n, err := d.Prune(context.Background(), time.Now().Add(24*time.Hour)); n != 0 || err != nil {
		t.Fatalf("prune without retention: %d, %v", n, err)
	}
	d.Retention = time.Hour
	n, err := d.Prune(context.Background(), time.Now().Add(2*time.Hour))
	if err != nil || n != int64(len(stored)) {
		t.Fatalf("prune: %d, %v; want %d", n, err, len(stored))
	}
	// The read above is recorded nowhere: GETs are not writes.
	if rest, total := logs(""); len(rest) != 0 || total != "0" {
		t.Fatalf("after prune: %d entries", len(rest))
	}
}

// m2mClientOf reads the client_id claim of a Management API token.
func m2mClientOf(t *testing.T, env *testenv.Env, token string) string {
	t.Helper()
	body, err := env.D.Keys.Verify(token)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		ClientID string `json:"client_id"`
	}
	json.Unmarshal(body, &c)
	return c.ClientID
}

// TestAuditLogUntrustedProxy: without --trusted-proxies a forged
// X-Forwarded-For is ignored; the entry has the peer's address.
func TestAuditLogUntrustedProxy(t *testing.T) {
	env := testenv.New(t, testenv.Options{})
	env.User("alice", "Correct-horse-battery-9")
	b := browserVia("198.51.100.66")
	if status, _ := submit(t, env, b, "/sign-in", map[string]string{"identifier": "alice", "password": "nope-nope-nope"}); status != 400 {
		t.Fatalf("wrong password: %d", status)
	}
	logs, _, err := env.D.Audit.List(context.Background(), audit.Filter{}, store.Page{})
	if err != nil || len(logs) != 1 {
		t.Fatalf("entries: %d, %v", len(logs), err)
	}
	if ip := logs[0].Payload["ip"]; ip != "127.0.0.1" {
		t.Fatalf("ip = %v, want the peer 127.0.0.1", ip)
	}
}
