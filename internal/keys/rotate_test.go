package keys_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/keys"
	"github.com/monban-dev/monban/internal/store"
)

func TestRotate(t *testing.T) {
	path := dbPath(t)
	s := openStore(t, path)
	clk := newClock()
	m := open(t, path, keys.Options{Store: s, Now: clk.Now, RetireAfter: time.Hour})
	before := m.Published()
	oldCur, oldNext := before[0].ID, before[1].ID
	oldTok, err := m.Sign([]byte(`{"n":1}`), "JWT")
	if err != nil {
		t.Fatal(err)
	}
	_, etag := m.JWKS()

	kid, err := m.Rotate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if kid != oldNext || m.Current().ID != oldNext {
		t.Errorf("Rotate() = %s, current %s, want the old next key %s", kid, m.Current().ID, oldNext)
	}
	pub := m.Published()
	if len(pub) != 3 {
		t.Fatalf("published = %+v, want current, next, retired", pub)
	}
	if pub[0].ID != oldNext || pub[0].Status != store.KeyCurrent {
		t.Errorf("published[0] = %+v, want old next as current", pub[0])
	}
	if pub[1].Status != store.KeyNext || pub[1].ID == oldCur || pub[1].ID == oldNext {
		t.Errorf("published[1] = %+v, want a new next key", pub[1])
	}
	wantExp := clk.Now().Add(time.Hour)
	if pub[2].ID != oldCur || pub[2].Status != store.KeyRetired || pub[2].ExpiresAt == nil || !pub[2].ExpiresAt.Equal(wantExp) {
		t.Errorf("published[2] = %+v, want old current retired until %v", pub[2], wantExp)
	}
	if got := kids(t, m); !slices.Contains(got, oldCur) || len(got) != 3 {
		t.Errorf("JWKS kids = %v, want 3 including the retired %s", got, oldCur)
	}
	if _, e := m.JWKS(); e == etag {
		t.Error("ETag unchanged by rotation")
	}
	if got := statuses(t, s); got[store.KeyCurrent] != 1 || got[store.KeyNext] != 1 || got[store.KeyRetired] != 1 {
		t.Errorf("stored statuses = %v", got)
	}

	newTok, err := m.Sign([]byte(`{"n":2}`), "JWT")
	if err != nil {
		t.Fatal(err)
	}
	if h := header(t, newTok); h["kid"] != oldNext {
		t.Errorf("new token kid = %v, want %s", h["kid"], oldNext)
	}
	for _, tok := range []string{oldTok, newTok} {
		if _, err := m.Verify(tok); err != nil {
			t.Errorf("Verify after rotation: %v", err)
		}
	}

	// Past RetireAfter the retired key no longer verifies, at once, and
	// leaves the JWKS at the next Reload.
	clk.Advance(time.Hour + time.Second)
	if _, err := m.Verify(oldTok); !errors.Is(err, keys.ErrInvalidToken) {
		t.Errorf("Verify with an expired retired key = %v, want ErrInvalidToken", err)
	}
	if err := m.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := kids(t, m); slices.Contains(got, oldCur) || len(got) != 2 {
		t.Errorf("JWKS kids after expiry = %v, want 2 without %s", got, oldCur)
	}
	if _, err := m.Verify(newTok); err != nil {
		t.Errorf("Verify of the current key's token: %v", err)
	}
}

// A process sees the rotation another one made once it reloads.
func TestReloadSeesOtherRotation(t *testing.T) {
	path := dbPath(t)
	a := open(t, path, keys.Options{})
	b := open(t, path, keys.Options{})
	_, etag := b.JWKS()
	if err := b.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, e := b.JWKS(); e != etag {
		t.Error("Reload without changes changed the JWKS")
	}

	kid, err := a.Rotate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// b already publishes the key a now signs with: the point of "next".
	tok, err := a.Sign([]byte(`{}`), "JWT")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Verify(tok); err != nil {
		t.Errorf("b, before Reload, rejects a's token: %v", err)
	}
	if err := b.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b.Current().ID != kid {
		t.Errorf("b signs with %s after Reload, want %s", b.Current().ID, kid)
	}
	ba, _ := a.JWKS()
	bb, _ := b.JWKS()
	if string(ba) != string(bb) {
		t.Errorf("JWKS differ after Reload:\n%s\n%s", ba, bb)
	}
}

// Two processes rotating from the same state: one wins, the other is told
// and reloaded, and a second try rotates again.
func TestRotateConcurrent(t *testing.T) {
	path := dbPath(t)
	s := openStore(t, path)
	a := open(t, path, keys.Options{Store: s})
	b := open(t, path, keys.Options{})
	won, err := a.Rotate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Rotate(context.Background()); !errors.Is(err, keys.ErrConcurrentRotation) {
		t.Fatalf("second Rotate = %v, want ErrConcurrentRotation", err)
	}
	if b.Current().ID != won {
		t.Errorf("b was not reloaded: current %s, want %s", b.Current().ID, won)
	}
	if got := statuses(t, s); got[store.KeyCurrent] != 1 || got[store.KeyNext] != 1 || got[store.KeyRetired] != 1 {
		t.Errorf("stored statuses after the failed rotation = %v", got)
	}
	if _, err := b.Rotate(context.Background()); err != nil {
		t.Errorf("Rotate after reload: %v", err)
	}
	if got := statuses(t, s); got[store.KeyCurrent] != 1 || got[store.KeyNext] != 1 || got[store.KeyRetired] != 2 {
		t.Errorf("stored statuses = %v", got)
	}
}

func TestRun(t *testing.T) {
	path := dbPath(t)
	a := open(t, path, keys.Options{})
	b := open(t, path, keys.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		b.Run(ctx, 5*time.Millisecond)
		close(done)
	}()
	kid, err := a.Rotate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); b.Current().ID != kid; {
		if time.Now().After(deadline) {
			t.Fatal("Run did not pick up the rotation")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}
