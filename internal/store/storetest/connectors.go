package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/monban-dev/monban/internal/store"
)

func testConnectors(t *testing.T, s store.Store) {
	c := &store.Connector{ID: uid("conn"), FactoryID: "patreon-universal", Target: "patreon",
		Config: []byte(`{"clientId":"abc"}`), Metadata: map[string]any{"name": map[string]any{"en": "Patreon"}},
		SyncProfile: true, Enabled: true, CreatedAt: base, UpdatedAt: base}
	mustNil(t, "create", s.CreateConnector(ctx(), c))
	got, err := s.GetConnector(ctx(), c.ID)
	mustNil(t, "get", err)
	if diff := cmp.Diff(c, got); diff != "" {
		t.Fatalf("read back differs (-want +got):\n%s", diff)
	}
	mustIs(t, "duplicate id", s.CreateConnector(ctx(), c), store.ErrConflict)
	got.Enabled = false
	got.Config = []byte(`{"clientId":"xyz"}`)
	mustNil(t, "update", s.UpdateConnector(ctx(), got))
	stale := *c
	mustIs(t, "stale update", s.UpdateConnector(ctx(), &stale), store.ErrStale)
	list, err := s.ListConnectors(ctx())
	mustNil(t, "list", err)
	if len(list) != 1 || list[0].Enabled || string(list[0].Config) != `{"clientId":"xyz"}` {
		t.Fatalf("list after update: %+v", list)
	}
	mustNil(t, "delete", s.DeleteConnector(ctx(), c.ID))
	_, err = s.GetConnector(ctx(), c.ID)
	mustIs(t, "get deleted", err, store.ErrNotFound)
	mustIs(t, "delete again", s.DeleteConnector(ctx(), c.ID), store.ErrNotFound)
}

func testIdentities(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice-id", "")
	bob := newUser(t, s, "bob-id", "")
	id := &store.Identity{UserID: alice.ID, Target: "patreon", UpstreamID: "p-1",
		Details: map[string]any{"email": "a@example.com"}, CreatedAt: base, UpdatedAt: base}
	mustNil(t, "put", s.PutIdentity(ctx(), id))
	got, err := s.GetIdentity(ctx(), "patreon", "p-1")
	mustNil(t, "get", err)
	if diff := cmp.Diff(id, got); diff != "" {
		t.Fatalf("read back differs (-want +got):\n%s", diff)
	}
	// The same upstream account cannot belong to another user.
	steal := &store.Identity{UserID: bob.ID, Target: "patreon", UpstreamID: "p-1", CreatedAt: base, UpdatedAt: base}
	mustIs(t, "another user's upstream account", s.PutIdentity(ctx(), steal), store.ErrConflict)
	// One identity per target: a second put replaces it.
	again := &store.Identity{UserID: alice.ID, Target: "patreon", UpstreamID: "p-2", CreatedAt: base, UpdatedAt: base.Add(time.Hour)}
	mustNil(t, "replace", s.PutIdentity(ctx(), again))
	_, err = s.GetIdentity(ctx(), "patreon", "p-1")
	mustIs(t, "old upstream id", err, store.ErrNotFound)
	mustNil(t, "put google", s.PutIdentity(ctx(), &store.Identity{UserID: alice.ID, Target: "google", UpstreamID: "g-1", CreatedAt: base, UpdatedAt: base}))
	list, err := s.ListUserIdentities(ctx(), alice.ID)
	mustNil(t, "list", err)
	if len(list) != 2 || list[0].Target != "google" || list[1].UpstreamID != "p-2" {
		t.Fatalf("identities: %+v", list)
	}
	mustNil(t, "delete", s.DeleteIdentity(ctx(), alice.ID, "google"))
	mustIs(t, "delete again", s.DeleteIdentity(ctx(), alice.ID, "google"), store.ErrNotFound)
	mustNil(t, "delete user", s.DeleteUser(ctx(), alice.ID))
	_, err = s.GetIdentity(ctx(), "patreon", "p-2")
	mustIs(t, "identity after user delete", err, store.ErrNotFound)
}

func testConnectorSessions(t *testing.T, s store.Store) {
	c := &store.Connector{ID: uid("conn"), FactoryID: "patreon-universal", Target: "patreon", Config: []byte(`{}`),
		Enabled: true, CreatedAt: base, UpdatedAt: base}
	mustNil(t, "create connector", s.CreateConnector(ctx(), c))
	cs := &store.ConnectorSession{StateHash: []byte("state-1"), InteractionIDHash: []byte("ih"), ConnectorID: c.ID,
		RedirectURI: "http://localhost:3001/callback/" + c.ID, Data: []byte("sealed"), CreatedAt: base, ExpiresAt: base.Add(10 * time.Minute)}
	mustNil(t, "create", s.CreateConnectorSession(ctx(), cs))
	wins, consumed, other := race(10, func() error {
		_, err := s.ConsumeConnectorSession(ctx(), cs.StateHash, base)
		return err
	})
	if wins != 1 || consumed != 9 || len(other) > 0 {
		t.Fatalf("wins=%d consumed=%d other=%v", wins, consumed, other)
	}
	_, err := s.ConsumeConnectorSession(ctx(), []byte("unknown"), base)
	mustIs(t, "unknown state", err, store.ErrNotFound)
	n, err := s.DeleteExpired(ctx(), base.Add(time.Hour))
	mustNil(t, "delete expired", err)
	if n < 1 {
		t.Fatalf("expired connector session not deleted")
	}
}
