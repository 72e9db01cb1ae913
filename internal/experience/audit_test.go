package experience_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

// payloads is the JSON of the entries' keys and payloads.
func payloads(ls []*store.AuditLog) string {
	var out []any
	for _, l := range ls {
		out = append(out, l.Key, l.UserID, l.ApplicationID, l.Payload)
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// entries returns the audit log's entries of key, newest first.
func entries(t *testing.T, e *testenv.Env, key string) []*store.AuditLog {
	t.Helper()
	logs, _, err := e.D.Audit.List(context.Background(), audit.Filter{Key: key}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return logs
}

func TestAuditSocialSignUpThenSignIn(t *testing.T) {
	s := newSocialEnv(t, "")
	wantCode(t, s.signIn(testenv.Browser(), nil))
	wantCode(t, s.signIn(testenv.Browser(), nil))
	u := s.identityUser("32187")
	reg, in := entries(t, s.e, audit.KeyRegister), entries(t, s.e, audit.KeySignIn)
	if len(reg) != 1 || len(in) != 1 {
		t.Fatalf("%d sign-ups and %d sign-ins recorded, want 1 and 1", len(reg), len(in))
	}
	for _, l := range []*store.AuditLog{reg[0], in[0]} {
		p := l.Payload
		if l.Result != store.AuditSuccess || l.UserID != u.ID || l.ApplicationID != s.app.ID ||
			p["verification"] != "Social" || p["target"] != "patreon" || p["connectorId"] != s.cid {
			t.Errorf("%s: %+v", l.Key, l)
		}
	}
	// The provider's secrets never reach the log.
	if strings.Contains(payloads(append(reg, in...)), s.fake.ClientSecret) {
		t.Error("the connector's client secret is in the audit log")
	}
}

func TestAuditSocialRefusals(t *testing.T) {
	s := newSocialEnv(t, `{"socialSignInConnectorTargets": ["patreon"], "signInMode": "SignIn"}`)
	s.signIn(testenv.Browser(), nil) // no account, and sign-up is closed
	refused := entries(t, s.e, audit.KeySignIn)
	if len(refused) != 1 || refused[0].Result != store.AuditError || refused[0].UserID != "" {
		t.Fatalf("refused social sign-in: %+v", refused)
	}
	if e, _ := refused[0].Payload["error"].(map[string]any); e["code"] != audit.CodeIdentityNotExist {
		t.Errorf("error %v", refused[0].Payload["error"])
	}
}

// postForm GETs path, fills the page's first form with fields and posts it.
func postForm(t *testing.T, e *testenv.Env, b *http.Client, path string, fields url.Values) int {
	t.Helper()
	resp, err := b.Get(e.Endpoint + path)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	action, form := testenv.ParseForm(string(page))
	for k := range fields {
		form.Set(k, fields.Get(k))
	}
	target, _ := url.Parse(e.Endpoint + path)
	target, _ = target.Parse(action)
	resp, err = b.PostForm(target.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestAuditSignInByCode(t *testing.T) {
	box := &outbox{}
	e := testenv.New(t, testenv.Options{Email: box,
		Experience: `{"signIn":{"methods":[{"identifier":"email","password":false,"verificationCode":true,"isPasswordPrimary":false}]}}`})
	alice := e.User("alice", "Correct-horse-battery-9")
	b := testenv.Browser()
	if st := postForm(t, e, b, "/sign-in", url.Values{"identifier": {"alice@example.com"}}); st != 303 {
		t.Fatalf("send code: %d", st)
	}
	sent := box.code("alice@example.com")
	wrong := "000000"
	if sent == wrong {
		wrong = "111111"
	}
	if st := postForm(t, e, b, "/sign-in/verify", url.Values{"code": {wrong}}); st != 400 {
		t.Fatalf("wrong code: %d", st)
	}
	if st := postForm(t, e, b, "/sign-in/verify", url.Values{"code": {""}}); st != 400 {
		t.Fatalf("empty code: %d", st)
	}
	if st := postForm(t, e, b, "/sign-in/verify", url.Values{"code": {sent}}); st != 303 {
		t.Fatalf("right code: %d", st)
	}
	failed := entries(t, e, audit.VerificationKey(audit.SignIn, audit.EmailVerificationCode))
	// One entry: the empty field is a form mistake, not an attempt.
	if len(failed) != 1 || failed[0].Result != store.AuditError || failed[0].UserID != alice.ID {
		t.Fatalf("failed code entries: %+v", failed)
	}
	if c, _ := failed[0].Payload["error"].(map[string]any); c["code"] != audit.CodeCodeMismatch {
		t.Errorf("error %v", failed[0].Payload["error"])
	}
	ok := entries(t, e, audit.KeySignIn)
	if len(ok) != 1 || ok[0].Result != store.AuditSuccess || ok[0].UserID != alice.ID || ok[0].Payload["verification"] != "EmailVerificationCode" {
		t.Fatalf("sign-in entries: %+v", ok)
	}
	all, _, _ := e.D.Audit.List(context.Background(), audit.Filter{}, store.Page{})
	dump := payloads(all) // not the timestamps: their digits could match a code
	if strings.Contains(dump, sent) {
		t.Errorf("the audit log holds the code %s", sent)
	}
}
