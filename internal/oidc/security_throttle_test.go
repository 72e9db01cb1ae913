package oidc_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

// throttleEnv is a deployment on a clock the test moves.
func throttleEnv(t *testing.T) (*testenv.Env, func(time.Duration)) {
	var (
		mu  sync.Mutex
		now = time.Now()
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	return testenv.New(t, testenv.Options{Now: clock}), advance
}

// wantLocked: invalid_client, 401, with Retry-After and the wait in the
// description.
func wantLocked(t *testing.T, what string, r *response, seconds string) {
	t.Helper()
	wantOAuthError(t, what, r, 401, "invalid_client")
	desc, _ := r.json(t)["error_description"].(string)
	if r.Header.Get("Retry-After") != seconds || !strings.Contains(desc, "retry after "+seconds+" seconds") {
		t.Fatalf("%s: Retry-After %q, error_description %q; want %s seconds", what, r.Header.Get("Retry-After"), desc, seconds)
	}
}

func wantNotLocked(t *testing.T, what string, r *response) {
	t.Helper()
	wantOAuthError(t, what, r, 401, "invalid_client")
	if ra := r.Header.Get("Retry-After"); ra != "" {
		t.Fatalf("%s: Retry-After %q on a plain failure", what, ra)
	}
}

// TestSecurityClientSecretLockout (spec/security.md item 18): wrong secrets
// of a client lock it (at that address) after the free allowance, and
// during the lock even the right secret is refused, by every client
// authentication method and at every endpoint that authenticates clients;
// after the wait the right secret works and clears the counter. Unknown
// client ids and other clients are not affected.
func TestSecurityClientSecretLockout(t *testing.T) {
	env, advance := throttleEnv(t)
	m2m, secret := env.App(store.AppMachineToMachine)
	other, otherSecret := env.App(store.AppMachineToMachine)
	tokenURL := env.Issuer + "/token"
	cc := url.Values{"grant_type": {"client_credentials"}}

	for i := range 10 {
		wantNotLocked(t, "unknown client", post(t, tokenURL, cc, "nobody", "guess"))
		if i < 6 {
			wantNotLocked(t, "wrong secret", post(t, tokenURL, cc, m2m.ID, "guess"))
		}
	}
	for _, tc := range []struct {
		name string
		r    func() *response
	}{
		{"right secret, Basic", func() *response { return post(t, tokenURL, cc, m2m.ID, secret) }},
		{"right secret, client_secret_post", func() *response {
			return post(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {m2m.ID}, "client_secret": {secret}})
		}},
		{"introspection", func() *response {
			return post(t, env.Issuer+"/token/introspection", url.Values{"token": {"x"}}, m2m.ID, secret)
		}},
	} {
		wantLocked(t, tc.name+" while locked", tc.r(), "1")
	}
	if r := post(t, tokenURL, cc, other.ID, otherSecret); r.StatusCode != 200 {
		t.Fatalf("another client while the first is locked: %d %s", r.StatusCode, r.body)
	}

	advance(time.Second)
	if r := post(t, tokenURL, cc, m2m.ID, secret); r.StatusCode != 200 {
		t.Fatalf("right secret after the wait: %d %s", r.StatusCode, r.body)
	}
	// The success cleared the counter: five failures are free again.
	for range 5 {
		wantNotLocked(t, "wrong secret after the success", post(t, tokenURL, cc, m2m.ID, "guess"))
	}
	if r := post(t, tokenURL, cc, m2m.ID, secret); r.StatusCode != 200 {
		t.Fatalf("right secret after five failures: %d %s", r.StatusCode, r.body)
	}
	// Without the success, the back-off doubles.
	for range 6 {
		post(t, tokenURL, cc, m2m.ID, "guess")
	}
	advance(time.Second)
	post(t, tokenURL, cc, m2m.ID, "guess")
	wantLocked(t, "after the seventh failure", post(t, tokenURL, cc, m2m.ID, secret), "2")
}

// TestSecurityClientIPLockout: one address failing with many clients is
// locked for every confidential client after 20 failures; public clients,
// which have no secret, are never throttled.
func TestSecurityClientIPLockout(t *testing.T) {
	env, _ := throttleEnv(t)
	tokenURL := env.Issuer + "/token"
	cc := url.Values{"grant_type": {"client_credentials"}}
	spa, _ := env.App(store.AppSPA, redirect)
	for range 4 {
		app, _ := env.App(store.AppMachineToMachine)
		for range 5 {
			wantNotLocked(t, "spraying", post(t, tokenURL, cc, app.ID, "guess"))
		}
	}
	fresh, secret := env.App(store.AppMachineToMachine)
	wantNotLocked(t, "21st failure", post(t, tokenURL, cc, fresh.ID, "guess"))
	wantLocked(t, "another client's right secret from the address", post(t, tokenURL, cc, fresh.ID, secret), "1")
	r := post(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {spa.ID}})
	wantOAuthError(t, "public client from the locked address", r, 400, "unauthorized_client")
}
