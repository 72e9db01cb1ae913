package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/monban-dev/monban/internal/store"
)

func testInteractions(t *testing.T, s store.Store) {
	a := newApp(t, s)
	u := newUser(t, s, "inter", "")
	in := &store.Interaction{IDHash: []byte("ih-1"), ApplicationID: a.ID, Request: []byte(`{"state":"xyz"}`),
		CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	mustNil(t, "create", s.CreateInteraction(ctx(), in))
	got, err := s.GetInteraction(ctx(), in.IDHash)
	mustNil(t, "get", err)
	if diff := cmp.Diff(in, got); diff != "" {
		t.Fatalf("read back differs (-want +got):\n%s", diff)
	}
	login := base.Add(time.Minute)
	got.UserID, got.LoginAt, got.Consented = u.ID, &login, true
	mustNil(t, "update", s.UpdateInteraction(ctx(), got))
	stale := *in
	mustIs(t, "stale update", s.UpdateInteraction(ctx(), &stale), store.ErrStale)
	again, err := s.GetInteraction(ctx(), in.IDHash)
	mustNil(t, "get updated", err)
	if again.UserID != u.ID || !again.LoginAt.Equal(login) || !again.Consented || again.Version != 2 {
		t.Fatalf("update not stored: %+v", again)
	}
	mustNil(t, "delete", s.DeleteInteraction(ctx(), in.IDHash))
	_, err = s.GetInteraction(ctx(), in.IDHash)
	mustIs(t, "get deleted", err, store.ErrNotFound)
	mustIs(t, "delete again", s.DeleteInteraction(ctx(), in.IDHash), store.ErrNotFound)
}

func testConsents(t *testing.T, s store.Store) {
	a := newApp(t, s)
	u := newUser(t, s, "consenter", "")
	_, err := s.GetConsent(ctx(), u.ID, a.ID)
	mustIs(t, "get missing", err, store.ErrNotFound)
	c := &store.Consent{UserID: u.ID, ApplicationID: a.ID, Scopes: []string{"openid", "email"}, CreatedAt: base, UpdatedAt: base}
	mustNil(t, "put", s.PutConsent(ctx(), c))
	c2 := &store.Consent{UserID: u.ID, ApplicationID: a.ID, Scopes: []string{"openid"}, CreatedAt: base.Add(time.Hour), UpdatedAt: base.Add(time.Hour)}
	mustNil(t, "replace", s.PutConsent(ctx(), c2))
	got, err := s.GetConsent(ctx(), u.ID, a.ID)
	mustNil(t, "get", err)
	if len(got.Scopes) != 1 || !got.CreatedAt.Equal(base) || !got.UpdatedAt.Equal(base.Add(time.Hour)) {
		t.Fatalf("consent after replace: %+v", got)
	}
}

func testRevokedTokens(t *testing.T, s store.Store) {
	ok, err := s.IsTokenRevoked(ctx(), "jti-1")
	mustNil(t, "check", err)
	if ok {
		t.Fatal("unknown jti reported revoked")
	}
	mustNil(t, "revoke", s.RevokeToken(ctx(), "jti-1", base.Add(time.Hour)))
	mustNil(t, "revoke again", s.RevokeToken(ctx(), "jti-1", base.Add(time.Hour)))
	ok, err = s.IsTokenRevoked(ctx(), "jti-1")
	mustNil(t, "check revoked", err)
	if !ok {
		t.Fatal("revoked jti not reported")
	}
	n, err := s.DeleteExpired(ctx(), base.Add(2*time.Hour))
	mustNil(t, "delete expired", err)
	if n != 1 {
		t.Fatalf("DeleteExpired removed %d, want 1", n)
	}
}

func testResources(t *testing.T, s store.Store) {
	r := &store.Resource{ID: uid("res"), Name: "Bookstore API", Indicator: "https://api.bookstore.example",
		AccessTokenTTL: 2 * time.Hour, CreatedAt: base}
	mustNil(t, "create", s.CreateResource(ctx(), r))
	got, err := s.GetResourceByIndicator(ctx(), r.Indicator)
	mustNil(t, "by indicator", err)
	if diff := cmp.Diff(r, got); diff != "" {
		t.Fatalf("read back differs (-want +got):\n%s", diff)
	}
	_, err = s.GetResource(ctx(), r.ID)
	mustNil(t, "by id", err)
	dup := *r
	dup.ID = uid("res")
	mustIs(t, "taken indicator", s.CreateResource(ctx(), &dup), store.ErrConflict)
	_, err = s.GetResourceByIndicator(ctx(), "https://unknown.example")
	mustIs(t, "unknown indicator", err, store.ErrNotFound)
	_, err = s.GetDefaultResource(ctx())
	mustIs(t, "no default resource", err, store.ErrNotFound)
	def := &store.Resource{ID: uid("res"), Name: "Default", Indicator: "https://default.example", AccessTokenTTL: time.Hour,
		IsDefault: true, CreatedAt: base}
	mustNil(t, "create default", s.CreateResource(ctx(), def))
	got, err = s.GetDefaultResource(ctx())
	mustNil(t, "get default", err)
	if got.ID != def.ID {
		t.Fatalf("default resource = %s", got.ID)
	}
	list, err := s.ListResources(ctx())
	mustNil(t, "list", err)
	if len(list) != 3 { // the two, and the Management API every store starts with
		t.Fatalf("list = %v", list)
	}
}
