package storetest

import (
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// testSearchUsers: SearchUsers matches a case-insensitive substring of
// username, email, phone or name, pages in creation order, counts every
// match, and treats LIKE wildcards in the query literally.
func testSearchUsers(t *testing.T, s store.Store) {
	mk := func(i int, username, email, phone, name string) *store.User {
		at := base.Add(time.Duration(i) * time.Second)
		u := &store.User{ID: uid("user"), Username: username, PrimaryEmail: email, PrimaryPhone: phone, Name: name,
			CreatedAt: at, UpdatedAt: at}
		mustNil(t, "create", s.CreateUser(ctx(), u))
		return u
	}
	a := mk(1, "Alice", "", "", "")
	b := mk(2, "", "bob@ALICE.example", "", "")
	c := mk(3, "", "", "+81901230000", "Carol")
	d := mk(4, "dave", "", "", "Dalice Smith")
	mk(5, "eve_100", "", "", "Eve")

	ids := func(us []*store.User) []string {
		out := []string{}
		for _, u := range us {
			out = append(out, u.ID)
		}
		return out
	}
	check := func(what, q string, page store.Page, wantTotal int64, want ...*store.User) {
		t.Helper()
		got, total, err := s.SearchUsers(ctx(), q, page)
		mustNil(t, what, err)
		if total != wantTotal || len(got) != len(want) {
			t.Fatalf("%s: got %v (total %d), want %d items (total %d)", what, ids(got), total, len(want), wantTotal)
		}
		for i := range want {
			if got[i].ID != want[i].ID {
				t.Fatalf("%s: got %v, want %v in creation order", what, ids(got), ids(want))
			}
		}
	}
	check("username, email and name, any case", "aLiCe", store.Page{}, 3, a, b, d)
	check("phone", "90123", store.Page{}, 1, c)
	check("name", "carol", store.Page{}, 1, c)
	check("page 1", "alice", store.Page{Number: 1, Size: 2}, 3, a, b)
	check("page 2", "alice", store.Page{Number: 2, Size: 2}, 3, d)
	check("no match", "zzz", store.Page{}, 0)
	check("percent is literal", "%", store.Page{}, 0)
	check("underscore is literal", "e_1", store.Page{}, 1, &store.User{ID: idOf(t, s, "eve_100")})
}

func idOf(t *testing.T, s store.Store, username string) string {
	t.Helper()
	u, err := s.GetUserByUsername(ctx(), username)
	mustNil(t, "get "+username, err)
	return u.ID
}
