package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/monban-dev/monban/internal/store"
)

func testApplications(t *testing.T, s store.Store) {
	a := &store.Application{
		ID: uid("app"), Name: "Bookstore", Description: "books", Type: store.AppTraditional,
		RedirectURIs:           []string{"http://localhost:3000/callback", "https://books.example/cb"},
		PostLogoutRedirectURIs: []string{"http://localhost:3000/"},
		CORSAllowedOrigins:     []string{"https://books.example"},
		IsThirdParty:           true,
		CustomData:             map[string]any{"plan": "gold", "n": 3.0},
		CreatedAt:              base, UpdatedAt: base,
	}
	mustNil(t, "create", s.CreateApplication(ctx(), a))
	if a.Version != 1 {
		t.Fatalf("Version after create = %d, want 1", a.Version)
	}
	got, err := s.GetApplication(ctx(), a.ID)
	mustNil(t, "get", err)
	if diff := cmp.Diff(a, got); diff != "" {
		t.Fatalf("read back differs (-want +got):\n%s", diff)
	}

	dup := *a
	mustIs(t, "create with a taken id", s.CreateApplication(ctx(), &dup), store.ErrConflict)
	_, err = s.GetApplication(ctx(), "nope")
	mustIs(t, "get unknown", err, store.ErrNotFound)

	// Empty lists and maps read back empty, not nil.
	m2m := &store.Application{ID: uid("app"), Name: "cron", Type: store.AppMachineToMachine,
		CreatedAt: base.Add(time.Second), UpdatedAt: base}
	mustNil(t, "create m2m", s.CreateApplication(ctx(), m2m))
	got, err = s.GetApplication(ctx(), m2m.ID)
	mustNil(t, "get m2m", err)
	if got.RedirectURIs == nil || got.CustomData == nil {
		t.Fatalf("m2m read back as %+v", got)
	}

	got.Name = "Bookstore 2"
	got.RedirectURIs = []string{"https://new.example/cb"}
	got.UpdatedAt = base.Add(time.Minute)
	mustNil(t, "update", s.UpdateApplication(ctx(), got))
	if got.Version != 2 {
		t.Fatalf("Version after update = %d, want 2", got.Version)
	}
	again, err := s.GetApplication(ctx(), m2m.ID)
	mustNil(t, "get updated", err)
	if again.Name != "Bookstore 2" || again.RedirectURIs[0] != "https://new.example/cb" || again.Version != 2 {
		t.Fatalf("update not stored: %+v", again)
	}
	stale := *again
	stale.Version = 1
	mustIs(t, "update with stale version", s.UpdateApplication(ctx(), &stale), store.ErrStale)
	ghost := *again
	ghost.ID = "ghost"
	mustIs(t, "update unknown", s.UpdateApplication(ctx(), &ghost), store.ErrNotFound)

	list, total, err := s.ListApplications(ctx(), store.Page{Number: 1, Size: 1})
	mustNil(t, "list", err)
	if total != 2 || len(list) != 1 || list[0].ID != a.ID {
		t.Fatalf("page 1 = %d items (first %v), total %d; want 1 item %s, total 2", len(list), list, total, a.ID)
	}
	list, _, err = s.ListApplications(ctx(), store.Page{Number: 2, Size: 1})
	mustNil(t, "list page 2", err)
	if len(list) != 1 || list[0].ID != m2m.ID {
		t.Fatalf("page 2 = %v, want %s", list, m2m.ID)
	}
	list, _, err = s.ListApplications(ctx(), store.Page{})
	mustNil(t, "list all", err)
	if len(list) != 2 {
		t.Fatalf("list all = %d, want 2", len(list))
	}

	mustNil(t, "delete", s.DeleteApplication(ctx(), a.ID))
	mustIs(t, "delete again", s.DeleteApplication(ctx(), a.ID), store.ErrNotFound)
	_, err = s.GetApplication(ctx(), a.ID)
	mustIs(t, "get deleted", err, store.ErrNotFound)
}

func testApplicationSecrets(t *testing.T, s store.Store) {
	a := newApp(t, s)
	exp := base.Add(24 * time.Hour)
	s1 := &store.ApplicationSecret{ID: uid("sec"), ApplicationID: a.ID, Name: "default", Hash: []byte("hash-1"),
		Hint: "abcd", CreatedAt: base}
	s2 := &store.ApplicationSecret{ID: uid("sec"), ApplicationID: a.ID, Name: "rotation", Hash: []byte("hash-2"),
		CreatedAt: base.Add(time.Second), ExpiresAt: &exp}
	mustNil(t, "create secret 1", s.CreateApplicationSecret(ctx(), s1))
	mustNil(t, "create secret 2", s.CreateApplicationSecret(ctx(), s2))

	dupHash := &store.ApplicationSecret{ID: uid("sec"), ApplicationID: a.ID, Name: "x", Hash: []byte("hash-1"), CreatedAt: base}
	mustIs(t, "secret with a taken hash", s.CreateApplicationSecret(ctx(), dupHash), store.ErrConflict)
	orphan := &store.ApplicationSecret{ID: uid("sec"), ApplicationID: "missing", Name: "x", Hash: []byte("h3"), CreatedAt: base}
	mustIs(t, "secret of a missing application", s.CreateApplicationSecret(ctx(), orphan), store.ErrNotFound)

	list, err := s.ListApplicationSecrets(ctx(), a.ID)
	mustNil(t, "list secrets", err)
	if diff := cmp.Diff([]*store.ApplicationSecret{s1, s2}, list); diff != "" {
		t.Fatalf("secrets differ (-want +got):\n%s", diff)
	}
	withApp, withSecrets, err := s.GetApplicationWithSecrets(ctx(), a.ID)
	mustNil(t, "get with secrets", err)
	if withApp.ID != a.ID || len(withSecrets) != 2 {
		t.Fatalf("GetApplicationWithSecrets = %v, %d secrets", withApp, len(withSecrets))
	}
	if diff := cmp.Diff([]*store.ApplicationSecret{s1, s2}, withSecrets); diff != "" {
		t.Fatalf("joined secrets differ (-want +got):\n%s", diff)
	}
	lone := newApp(t, s)
	_, none, err := s.GetApplicationWithSecrets(ctx(), lone.ID)
	mustNil(t, "get app without secrets", err)
	if len(none) != 0 {
		t.Fatalf("app without secrets has %d", len(none))
	}
	_, _, err = s.GetApplicationWithSecrets(ctx(), "missing")
	mustIs(t, "get missing with secrets", err, store.ErrNotFound)

	mustNil(t, "delete secret", s.DeleteApplicationSecret(ctx(), a.ID, s1.ID))
	mustIs(t, "delete secret again", s.DeleteApplicationSecret(ctx(), a.ID, s1.ID), store.ErrNotFound)
	mustIs(t, "delete secret of another app", s.DeleteApplicationSecret(ctx(), "other", s2.ID), store.ErrNotFound)
	list, err = s.ListApplicationSecrets(ctx(), a.ID)
	mustNil(t, "list after delete", err)
	if len(list) != 1 || list[0].ID != s2.ID {
		t.Fatalf("after delete: %v", list)
	}
}

func testUsers(t *testing.T, s store.Store) {
	last := base.Add(-time.Hour)
	u := &store.User{
		ID: uid("user"), Username: "Alice", PrimaryEmail: "Alice@Example.com", PrimaryPhone: "+81901234567",
		Name: "Alice A.", Avatar: "https://img.example/a.png", PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$x$y",
		CustomData: map[string]any{"tier": "pro"}, Profile: map[string]any{"givenName": "Alice"},
		IsAdmin: true, LastSignInAt: &last, CreatedAt: base, UpdatedAt: base,
	}
	mustNil(t, "create", s.CreateUser(ctx(), u))
	got, err := s.GetUser(ctx(), u.ID)
	mustNil(t, "get", err)
	if diff := cmp.Diff(u, got); diff != "" {
		t.Fatalf("read back differs (-want +got):\n%s", diff)
	}
	got, err = s.GetUserByPhone(ctx(), "+81901234567")
	mustNil(t, "get by phone", err)
	if got.ID != u.ID {
		t.Fatalf("by phone: got %s", got.ID)
	}
	_, err = s.GetUserByPhone(ctx(), "+10000000000")
	mustIs(t, "unknown phone", err, store.ErrNotFound)
	_, err = s.GetUser(ctx(), "nobody")
	mustIs(t, "get unknown", err, store.ErrNotFound)

	// Users without username or email do not collide with each other.
	newUser(t, s, "", "")
	newUser(t, s, "", "")
	phoneTwin := &store.User{ID: uid("user"), PrimaryPhone: "+81901234567", CreatedAt: base, UpdatedAt: base}
	mustIs(t, "taken phone", s.CreateUser(ctx(), phoneTwin), store.ErrConflict)

	n, err := s.CountAdmins(ctx())
	mustNil(t, "count admins", err)
	if n != 1 {
		t.Fatalf("CountAdmins = %d, want 1", n)
	}
	list, total, err := s.ListUsers(ctx(), store.Page{Number: 1, Size: 2})
	mustNil(t, "list", err)
	if total != 3 || len(list) != 2 {
		t.Fatalf("list page 1: %d items, total %d; want 2 and 3", len(list), total)
	}
	rest, _, err := s.ListUsers(ctx(), store.Page{Number: 2, Size: 2})
	mustNil(t, "list page 2", err)
	seen := map[string]bool{}
	for _, x := range append(list, rest...) {
		seen[x.ID] = true
	}
	if len(rest) != 1 || len(seen) != 3 || !seen[u.ID] {
		t.Fatalf("pages overlap or miss users: page 2 has %d, distinct %d", len(rest), len(seen))
	}

	mustNil(t, "delete", s.DeleteUser(ctx(), u.ID))
	mustIs(t, "delete again", s.DeleteUser(ctx(), u.ID), store.ErrNotFound)
	_, err = s.GetUserByEmail(ctx(), "alice@example.com")
	mustIs(t, "deleted user by email", err, store.ErrNotFound)
}

func testUsersCaseInsensitive(t *testing.T, s store.Store) {
	u := newUser(t, s, "BookWorm", "Book.Worm@Example.COM")
	for _, name := range []string{"bookworm", "BOOKWORM", "BookWorm"} {
		got, err := s.GetUserByUsername(ctx(), name)
		mustNil(t, "by username "+name, err)
		if got.ID != u.ID || got.Username != "BookWorm" {
			t.Fatalf("by username %q: got %s/%q", name, got.ID, got.Username)
		}
	}
	for _, email := range []string{"book.worm@example.com", "BOOK.WORM@EXAMPLE.COM"} {
		got, err := s.GetUserByEmail(ctx(), email)
		mustNil(t, "by email "+email, err)
		if got.ID != u.ID || got.PrimaryEmail != "Book.Worm@Example.COM" {
			t.Fatalf("by email %q: got %s/%q", email, got.ID, got.PrimaryEmail)
		}
	}
	twin := &store.User{ID: uid("user"), Username: "BOOKWORM", CreatedAt: base, UpdatedAt: base}
	mustIs(t, "username differing only by case", s.CreateUser(ctx(), twin), store.ErrConflict)
	twin = &store.User{ID: uid("user"), PrimaryEmail: "book.worm@example.com", CreatedAt: base, UpdatedAt: base}
	mustIs(t, "email differing only by case", s.CreateUser(ctx(), twin), store.ErrConflict)
}

func testUserUpdateConflicts(t *testing.T, s store.Store) {
	a := newUser(t, s, "anna", "anna@example.com")
	b := newUser(t, s, "bob", "bob@example.com")
	b.PrimaryEmail = "ANNA@example.com"
	mustIs(t, "update to a taken email", s.UpdateUser(ctx(), b), store.ErrConflict)
	got, err := s.GetUser(ctx(), b.ID)
	mustNil(t, "get b", err)
	if got.PrimaryEmail != "bob@example.com" || got.Version != 1 {
		t.Fatalf("failed update changed the row: %+v", got)
	}
	a.Username = ""
	a.Name = "Anna"
	mustNil(t, "clear username", s.UpdateUser(ctx(), a))
	_, err = s.GetUserByUsername(ctx(), "anna")
	mustIs(t, "cleared username", err, store.ErrNotFound)
	c := newUser(t, s, "anna", "")
	if c.ID == "" {
		t.Fatal("freed username not reusable")
	}
	ghost := &store.User{ID: "ghost", Version: 1}
	mustIs(t, "update unknown", s.UpdateUser(ctx(), ghost), store.ErrNotFound)
}
