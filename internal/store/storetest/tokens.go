package storetest

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/monban-dev/monban/internal/store"
)

func testSessions(t *testing.T, s store.Store) {
	u := newUser(t, s, "sess", "")
	se := &store.Session{IDHash: []byte("session-hash-1"), UserID: u.ID, AuthTime: base, CreatedAt: base,
		ExpiresAt: base.Add(time.Hour), Data: map[string]any{"amr": []any{"pwd"}}}
	mustNil(t, "create", s.CreateSession(ctx(), se))
	got, err := s.GetSession(ctx(), se.IDHash)
	mustNil(t, "get", err)
	if diff := cmp.Diff(se, got); diff != "" {
		t.Fatalf("read back differs (-want +got):\n%s", diff)
	}
	mustIs(t, "duplicate id", s.CreateSession(ctx(), se), store.ErrConflict)
	orphan := &store.Session{IDHash: []byte("x"), UserID: "missing", AuthTime: base, CreatedAt: base, ExpiresAt: base}
	mustIs(t, "session of missing user", s.CreateSession(ctx(), orphan), store.ErrNotFound)

	later := base.Add(2 * time.Hour)
	mustNil(t, "touch", s.TouchSession(ctx(), se.IDHash, later))
	got, err = s.GetSession(ctx(), se.IDHash)
	mustNil(t, "get touched", err)
	if !got.ExpiresAt.Equal(later) {
		t.Fatalf("ExpiresAt = %v, want %v", got.ExpiresAt, later)
	}
	mustIs(t, "touch unknown", s.TouchSession(ctx(), []byte("nope"), later), store.ErrNotFound)

	mustNil(t, "delete", s.DeleteSession(ctx(), se.IDHash))
	_, err = s.GetSession(ctx(), se.IDHash)
	mustIs(t, "get deleted", err, store.ErrNotFound)
	mustIs(t, "delete again", s.DeleteSession(ctx(), se.IDHash), store.ErrNotFound)

	for _, h := range []string{"a", "b"} {
		mustNil(t, "create "+h, s.CreateSession(ctx(), &store.Session{IDHash: []byte(h), UserID: u.ID,
			AuthTime: base, CreatedAt: base, ExpiresAt: later}))
	}
	mustNil(t, "delete user sessions", s.DeleteUserSessions(ctx(), u.ID))
	_, err = s.GetSession(ctx(), []byte("a"))
	mustIs(t, "after DeleteUserSessions", err, store.ErrNotFound)
}

func newCode(t *testing.T, s store.Store, hash string, expires time.Time) *store.AuthorizationCode {
	t.Helper()
	a := newApp(t, s)
	u := newUser(t, s, "", "")
	c := &store.AuthorizationCode{CodeHash: []byte(hash), ApplicationID: a.ID, UserID: u.ID,
		SessionIDHash: []byte("sid"), RedirectURI: "http://localhost:3000/callback",
		Scopes: []string{"openid", "offline_access"}, Resources: []string{"https://api.example"},
		Nonce: "n-0S6_WzA2Mj", CodeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", CodeChallengeMethod: "S256",
		AuthTime: base, CreatedAt: base, ExpiresAt: expires}
	mustNil(t, "create code", s.CreateAuthorizationCode(ctx(), c))
	return c
}

func testAuthorizationCodes(t *testing.T, s store.Store) {
	c := newCode(t, s, "code-1", base.Add(time.Minute))
	now := base.Add(10 * time.Second)
	got, err := s.ConsumeAuthorizationCode(ctx(), c.CodeHash, now)
	mustNil(t, "consume", err)
	want := *c
	want.ConsumedAt = &now
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Fatalf("consumed code differs (-want +got):\n%s", diff)
	}
	again, err := s.ConsumeAuthorizationCode(ctx(), c.CodeHash, now.Add(time.Second))
	mustIs(t, "second consume", err, store.ErrConsumed)
	if again == nil || !again.ConsumedAt.Equal(now) {
		t.Fatalf("second consume must return the code with its first ConsumedAt, got %+v", again)
	}
	_, err = s.ConsumeAuthorizationCode(ctx(), []byte("unknown"), now)
	mustIs(t, "consume unknown", err, store.ErrNotFound)

	mustNil(t, "set grant", s.SetAuthorizationCodeGrant(ctx(), c.CodeHash, "grant-1"))
	again, _ = s.ConsumeAuthorizationCode(ctx(), c.CodeHash, now)
	if again.GrantID != "grant-1" {
		t.Fatalf("GrantID = %q", again.GrantID)
	}
	mustIs(t, "set grant of unknown code", s.SetAuthorizationCodeGrant(ctx(), []byte("nope"), "g"), store.ErrNotFound)
	mustIs(t, "duplicate code", s.CreateAuthorizationCode(ctx(), c), store.ErrConflict)
}

// testCodeConcurrentConsume: spec/security.md item 4, one code redeemed by
// 20 goroutines at once: exactly one wins.
func testCodeConcurrentConsume(t *testing.T, s store.Store) {
	c := newCode(t, s, "code-race", base.Add(time.Minute))
	wins, consumed, other := race(20, func() error {
		_, err := s.ConsumeAuthorizationCode(ctx(), c.CodeHash, base)
		return err
	})
	if wins != 1 || consumed != 19 || len(other) > 0 {
		t.Fatalf("wins=%d consumed=%d other=%v; want 1, 19, none", wins, consumed, other)
	}
}

// race runs fn n times at once and sorts the results.
func race(n int, fn func() error) (wins, consumed int, other []error) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		start = make(chan struct{})
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := fn()
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, store.ErrConsumed):
				consumed++
			default:
				other = append(other, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	return wins, consumed, other
}

func newGrant(t *testing.T, s store.Store, expires time.Time) *store.Grant {
	t.Helper()
	a := newApp(t, s)
	u := newUser(t, s, "", "")
	g := &store.Grant{ID: uid("grant"), ApplicationID: a.ID, UserID: u.ID, SessionIDHash: []byte("sid"),
		Scopes: []string{"openid", "offline_access"}, Resources: []string{}, AuthTime: base, CreatedAt: base,
		ExpiresAt: expires}
	mustNil(t, "create grant", s.CreateGrant(ctx(), g))
	return g
}

func testGrants(t *testing.T, s store.Store) {
	g := newGrant(t, s, base.Add(14*24*time.Hour))
	got, err := s.GetGrant(ctx(), g.ID)
	mustNil(t, "get grant", err)
	if diff := cmp.Diff(g, got); diff != "" {
		t.Fatalf("grant differs (-want +got):\n%s", diff)
	}
	// A client_credentials grant has no user.
	cc := &store.Grant{ID: uid("grant"), ApplicationID: g.ApplicationID, AuthTime: base, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	mustNil(t, "create user-less grant", s.CreateGrant(ctx(), cc))
	got, err = s.GetGrant(ctx(), cc.ID)
	mustNil(t, "get user-less grant", err)
	if got.UserID != "" {
		t.Fatalf("UserID = %q", got.UserID)
	}
	list, err := s.ListUserGrants(ctx(), g.UserID)
	mustNil(t, "list user grants", err)
	if len(list) != 1 || list[0].ID != g.ID {
		t.Fatalf("user grants = %v", list)
	}

	rt := &store.RefreshToken{TokenHash: []byte("rt-1"), GrantID: g.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	mustNil(t, "create refresh token", s.CreateRefreshToken(ctx(), rt))
	orphan := &store.RefreshToken{TokenHash: []byte("rt-x"), GrantID: "missing", CreatedAt: base, ExpiresAt: base}
	mustIs(t, "refresh token of missing grant", s.CreateRefreshToken(ctx(), orphan), store.ErrNotFound)
	now := base.Add(time.Minute)
	got2, err := s.ConsumeRefreshToken(ctx(), rt.TokenHash, now)
	mustNil(t, "consume refresh", err)
	if !bytes.Equal(got2.TokenHash, rt.TokenHash) || !got2.ConsumedAt.Equal(now) {
		t.Fatalf("consumed = %+v", got2)
	}
	again, err := s.ConsumeRefreshToken(ctx(), rt.TokenHash, now.Add(time.Second))
	mustIs(t, "reuse", err, store.ErrConsumed)
	if !again.ConsumedAt.Equal(now) {
		t.Fatalf("reuse must report the first ConsumedAt, got %v", again.ConsumedAt)
	}
	_, err = s.ConsumeRefreshToken(ctx(), []byte("nope"), now)
	mustIs(t, "consume unknown", err, store.ErrNotFound)

	later := base.Add(30 * 24 * time.Hour)
	mustNil(t, "extend", s.ExtendGrant(ctx(), g.ID, later))
	got, err = s.GetGrant(ctx(), g.ID)
	mustNil(t, "get extended", err)
	if !got.ExpiresAt.Equal(later) {
		t.Fatalf("ExpiresAt after extend = %v", got.ExpiresAt)
	}
	mustIs(t, "extend unknown", s.ExtendGrant(ctx(), "nope", later), store.ErrNotFound)

	mustNil(t, "revoke", s.RevokeGrant(ctx(), g.ID, now))
	mustNil(t, "revoke again", s.RevokeGrant(ctx(), g.ID, now.Add(time.Hour)))
	got, err = s.GetGrant(ctx(), g.ID)
	mustNil(t, "get revoked", err)
	if got.RevokedAt == nil || !got.RevokedAt.Equal(now) {
		t.Fatalf("RevokedAt = %v, want the first revocation %v", got.RevokedAt, now)
	}
	mustIs(t, "revoke unknown", s.RevokeGrant(ctx(), "nope", now), store.ErrNotFound)
}

func testRefreshConcurrentConsume(t *testing.T, s store.Store) {
	g := newGrant(t, s, base.Add(time.Hour))
	rt := &store.RefreshToken{TokenHash: []byte("rt-race"), GrantID: g.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	mustNil(t, "create", s.CreateRefreshToken(ctx(), rt))
	wins, consumed, other := race(50, func() error {
		_, err := s.ConsumeRefreshToken(ctx(), rt.TokenHash, base)
		return err
	})
	if wins != 1 || consumed != 49 || len(other) > 0 {
		t.Fatalf("wins=%d consumed=%d other=%v; want 1, 49, none", wins, consumed, other)
	}
}

func testSigningKeys(t *testing.T, s store.Store) {
	k1 := &store.SigningKey{ID: uid("kid"), Algorithm: "ES384", Status: store.KeyCurrent, SealedPrivateKey: []byte{1, 2, 3}, CreatedAt: base}
	k2 := &store.SigningKey{ID: uid("kid"), Algorithm: "ES384", Status: store.KeyNext, SealedPrivateKey: []byte{4, 5}, CreatedAt: base.Add(time.Second)}
	mustNil(t, "create k1", s.CreateSigningKey(ctx(), k1))
	mustNil(t, "create k2", s.CreateSigningKey(ctx(), k2))
	mustIs(t, "duplicate kid", s.CreateSigningKey(ctx(), k1), store.ErrConflict)
	list, err := s.ListSigningKeys(ctx())
	mustNil(t, "list", err)
	if diff := cmp.Diff([]*store.SigningKey{k1, k2}, list); diff != "" {
		t.Fatalf("keys differ (-want +got):\n%s", diff)
	}
	exp := base.Add(time.Hour)
	k1.Status, k1.ExpiresAt = store.KeyRetired, &exp
	mustNil(t, "retire k1", s.UpdateSigningKey(ctx(), k1))
	stale := *list[0]
	stale.Status = store.KeyCurrent
	mustIs(t, "stale key update", s.UpdateSigningKey(ctx(), &stale), store.ErrStale)
	list, _ = s.ListSigningKeys(ctx())
	if list[0].Status != store.KeyRetired || !list[0].ExpiresAt.Equal(exp) || list[0].Version != 2 {
		t.Fatalf("retired key = %+v", list[0])
	}
}

func testMeta(t *testing.T, s store.Store) {
	_, err := s.GetMeta(ctx(), "k")
	mustIs(t, "get missing", err, store.ErrNotFound)
	v, err := s.PutMetaIfAbsent(ctx(), "k", []byte("first"))
	mustNil(t, "put", err)
	if string(v) != "first" {
		t.Fatalf("put returned %q", v)
	}
	v, err = s.PutMetaIfAbsent(ctx(), "k", []byte("second"))
	mustNil(t, "put again", err)
	if string(v) != "first" {
		t.Fatalf("second put returned %q, want the first value", v)
	}
	mustNil(t, "put (replace)", s.PutMeta(ctx(), "k", []byte("third")))
	v, err = s.GetMeta(ctx(), "k")
	mustNil(t, "get replaced", err)
	if string(v) != "third" {
		t.Fatalf("after PutMeta: %q", v)
	}
	mustNil(t, "put new", s.PutMeta(ctx(), "k2", []byte("x")))
}

func testDeleteExpired(t *testing.T, s store.Store) {
	now := base.Add(time.Hour)
	past, future := now.Add(-time.Second), now.Add(time.Second)
	u := newUser(t, s, "exp", "")
	for h, exp := range map[string]time.Time{"s-old": past, "s-new": future} {
		mustNil(t, "session", s.CreateSession(ctx(), &store.Session{IDHash: []byte(h), UserID: u.ID, AuthTime: base, CreatedAt: base, ExpiresAt: exp}))
	}
	newCode(t, s, "c-old", past)
	newCode(t, s, "c-new", future)
	gOld := newGrant(t, s, past)
	gNew := newGrant(t, s, future)
	mustNil(t, "rt old", s.CreateRefreshToken(ctx(), &store.RefreshToken{TokenHash: []byte("rt-old"), GrantID: gOld.ID, CreatedAt: base, ExpiresAt: past}))
	mustNil(t, "rt new", s.CreateRefreshToken(ctx(), &store.RefreshToken{TokenHash: []byte("rt-new"), GrantID: gNew.ID, CreatedAt: base, ExpiresAt: future}))
	mustNil(t, "key old", s.CreateSigningKey(ctx(), &store.SigningKey{ID: "k-old", Algorithm: "ES384", Status: store.KeyRetired, SealedPrivateKey: []byte{1}, CreatedAt: base, ExpiresAt: &past}))
	mustNil(t, "key cur", s.CreateSigningKey(ctx(), &store.SigningKey{ID: "k-cur", Algorithm: "ES384", Status: store.KeyCurrent, SealedPrivateKey: []byte{1}, CreatedAt: base}))

	n, err := s.DeleteExpired(ctx(), now)
	mustNil(t, "DeleteExpired", err)
	if n != 5 {
		t.Fatalf("DeleteExpired removed %d rows, want 5 (session, code, refresh token, grant, key)", n)
	}
	_, err = s.GetSession(ctx(), []byte("s-old"))
	mustIs(t, "old session", err, store.ErrNotFound)
	_, err = s.GetSession(ctx(), []byte("s-new"))
	mustNil(t, "new session", err)
	_, err = s.ConsumeAuthorizationCode(ctx(), []byte("c-old"), now)
	mustIs(t, "old code", err, store.ErrNotFound)
	_, err = s.ConsumeAuthorizationCode(ctx(), []byte("c-new"), now)
	mustNil(t, "new code", err)
	_, err = s.GetGrant(ctx(), gOld.ID)
	mustIs(t, "old grant", err, store.ErrNotFound)
	_, err = s.GetRefreshToken(ctx(), []byte("rt-new"))
	mustNil(t, "new refresh token", err)
	keys, _ := s.ListSigningKeys(ctx())
	if len(keys) != 1 || keys[0].ID != "k-cur" {
		t.Fatalf("keys after clean-up: %v", keys)
	}
}

// testCascade: deleting an application removes what was issued to it.
func testCascade(t *testing.T, s store.Store) {
	g := newGrant(t, s, base.Add(time.Hour))
	mustNil(t, "rt", s.CreateRefreshToken(ctx(), &store.RefreshToken{TokenHash: []byte("rt-c"), GrantID: g.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}))
	mustNil(t, "secret", s.CreateApplicationSecret(ctx(), &store.ApplicationSecret{ID: uid("sec"), ApplicationID: g.ApplicationID, Name: "d", Hash: []byte("h-c"), CreatedAt: base}))
	mustNil(t, "delete app", s.DeleteApplication(ctx(), g.ApplicationID))
	_, err := s.GetGrant(ctx(), g.ID)
	mustIs(t, "grant after app delete", err, store.ErrNotFound)
	_, err = s.GetRefreshToken(ctx(), []byte("rt-c"))
	mustIs(t, "refresh token after app delete", err, store.ErrNotFound)
	secs, err := s.ListApplicationSecrets(ctx(), g.ApplicationID)
	mustNil(t, "list secrets", err)
	if len(secs) != 0 {
		t.Fatalf("secrets survived: %v", secs)
	}
}
