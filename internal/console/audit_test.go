package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/console"
	"github.com/monban-dev/monban/internal/store"
)

// The console's sign-ins and actions go into the audit log, as the
// Management API's writes do, without the form values.
func TestConsoleActionsAudited(t *testing.T) {
	env := deployment(t, false)
	admin(t, env, "root")
	b := newBrowser(t, env)
	if p := b.submit("/console/sign-in", "/console/sign-in", url.Values{"identifier": {"root"}, "password": {"wrong password 1"}}); p.status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", p.status)
	}
	b.signIn("root")
	root, err := env.D.Store.GetUserByUsername(context.Background(), "root")
	if err != nil {
		t.Fatal(err)
	}
	if p := b.submit("/console/users/new", "/console/users", url.Values{"username": {"carol"}, "password": {"Ab1!"}}); p.status != http.StatusBadRequest {
		t.Fatalf("refused create: %d", p.status)
	}
	if p := b.submit("/console/users/new", "/console/users", url.Values{"username": {"carol"}, "password": {"violet-Staple-93"}}); p.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", p.status, p.body)
	}

	list := func(key string) []*store.AuditLog {
		t.Helper()
		entries, _, err := env.D.Audit.List(context.Background(), audit.Filter{Key: key}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return entries
	}
	signIns := list(console.KeySignIn) // newest first
	if len(signIns) != 2 || signIns[0].Result != store.AuditSuccess || signIns[0].UserID != root.ID ||
		signIns[1].Result != store.AuditError || signIns[1].UserID != "" {
		t.Fatalf("console sign-ins: %+v", signIns)
	}
	actions := list(console.KeyAction)
	if len(actions) != 2 {
		t.Fatalf("console actions: %d entries, want 2 (the refused create and the create)", len(actions))
	}
	for i, want := range []struct {
		result store.AuditResult
		status float64
	}{{store.AuditSuccess, 303}, {store.AuditError, 400}} {
		e := actions[i]
		if e.Result != want.result || e.UserID != root.ID || e.Payload["route"] != "/console/users" ||
			e.Payload["method"] != "POST" || e.Payload["status"] != want.status || e.Payload["ip"] == "" {
			t.Errorf("action %d: %+v", i, e)
		}
	}
	raw, _ := json.Marshal(append(signIns, actions...))
	for _, secret := range []string{"wrong password 1", adminPassword, "violet-Staple-93", "Ab1!"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("a password is in the audit log: %q", secret)
		}
	}
}
