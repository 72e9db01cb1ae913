package oidc_test

import (
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

// TestCodeExpires: an authorization code lives 60 s (spec/security.md item 4).
func TestCodeExpires(t *testing.T) {
	var (
		mu  sync.Mutex
		now = time.Now()
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	env := testenv.New(t, testenv.Options{Now: clock})
	app, secret := env.App(store.AppTraditional, redirect)
	env.User("alice", "correct horse battery")
	code := func() string {
		q := url.Values{"client_id": {app.ID}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {"openid"}, "state": {"s"}}
		cb, err := env.Authorize(testenv.Browser(), env.Issuer+"/auth?"+q.Encode(), "alice", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		return cb.Query().Get("code")
	}
	exchange := func(c string) (int, map[string]any) {
		return postForm(t, env.Issuer+"/token", url.Values{"grant_type": {"authorization_code"}, "code": {c},
			"redirect_uri": {redirect}}, app.ID, secret)
	}
	fresh := code()
	advance(59 * time.Second)
	if st, body := exchange(fresh); st != 200 {
		t.Fatalf("code at 59 s: %d %v", st, body)
	}
	stale := code()
	advance(61 * time.Second)
	if st, body := exchange(stale); st != 400 || body["error"] != "invalid_grant" {
		t.Fatalf("code at 61 s: %d %v, want invalid_grant", st, body)
	}
}
