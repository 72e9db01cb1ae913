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

// testFindUsers: FindUsers runs Logto-shaped searches: like patterns ("%"
// a wildcard, a pattern without it a substring, "_" literal, any case),
// exact matches on one or more values (case-insensitive unless asked),
// per-field or across username, email, phone and name, joined by OR or
// AND, paged in creation order with the total.
func testFindUsers(t *testing.T, s store.Store) {
	mk := func(i int, username, email, phone, name string) *store.User {
		at := base.Add(time.Duration(i) * time.Second)
		u := &store.User{ID: uid("user"), Username: username, PrimaryEmail: email, PrimaryPhone: phone, Name: name,
			CreatedAt: at, UpdatedAt: at}
		mustNil(t, "create", s.CreateUser(ctx(), u))
		return u
	}
	a := mk(1, "Alice", "alice@example.com", "", "Alice Liddell")
	b := mk(2, "bob", "Bob@Example.org", "+81901230000", "")
	c := mk(3, "carol_1", "", "", "Carol")
	d := mk(4, "dave", "dave@example.com", "", "Dalice")

	type M = store.UserMatch
	check := func(what string, q store.UserQuery, page store.Page, wantTotal int64, want ...*store.User) {
		t.Helper()
		got, total, err := s.FindUsers(ctx(), q, page)
		mustNil(t, what, err)
		if total != wantTotal || len(got) != len(want) {
			t.Fatalf("%s: %d users (total %d), want %d (total %d)", what, len(got), total, len(want), wantTotal)
		}
		for i := range want {
			if got[i].ID != want[i].ID {
				t.Fatalf("%s: item %d is %s, want %s", what, i, got[i].Username, want[i].Username)
			}
		}
	}
	one := func(m M) store.UserQuery { return store.UserQuery{Matches: []M{m}} }
	check("everyone", store.UserQuery{}, store.Page{}, 4, a, b, c, d)
	check("substring anywhere", one(M{Values: []string{"ALICE"}}), store.Page{}, 2, a, d)
	check("like with %", one(M{Values: []string{"%@example.com"}}), store.Page{}, 2, a, d)
	check("like anchored", one(M{Field: store.UserFieldName, Values: []string{"ali%"}}), store.Page{}, 1, a)
	check("underscore literal", one(M{Values: []string{"l_1"}}), store.Page{}, 1, c)
	check("underscore no wildcard", one(M{Values: []string{"carol_"}}), store.Page{}, 1, c)
	check("phone field", one(M{Field: store.UserFieldPrimaryPhone, Values: []string{"9012"}}), store.Page{}, 1, b)
	check("exact email any case", one(M{Field: store.UserFieldPrimaryEmail, Exact: true, Values: []string{"bob@example.ORG"}}), store.Page{}, 1, b)
	check("exact several", one(M{Field: store.UserFieldUsername, Exact: true, Values: []string{"bob", "dave", "nobody"}}), store.Page{}, 2, b, d)
	check("exact is not substring", one(M{Field: store.UserFieldUsername, Exact: true, Values: []string{"bo"}}), store.Page{}, 0)
	check("exact case-sensitive", store.UserQuery{CaseSensitive: true, Matches: []M{{Field: store.UserFieldUsername, Exact: true, Values: []string{"alice"}}}}, store.Page{}, 0)
	check("exact case-sensitive hit", store.UserQuery{CaseSensitive: true, Matches: []M{{Field: store.UserFieldUsername, Exact: true, Values: []string{"Alice"}}}}, store.Page{}, 1, a)
	check("exact id", one(M{Field: store.UserFieldID, Exact: true, Values: []string{c.ID}}), store.Page{}, 1, c)
	or := store.UserQuery{Matches: []M{{Field: store.UserFieldUsername, Values: []string{"bob"}}, {Field: store.UserFieldName, Values: []string{"carol"}}}}
	check("or", or, store.Page{}, 2, b, c)
	and := store.UserQuery{All: true, Matches: []M{{Field: store.UserFieldPrimaryEmail, Values: []string{"example.com"}}, {Field: store.UserFieldName, Values: []string{"alice"}}}}
	check("and", and, store.Page{}, 2, a, d)
	and.Matches[1].Values = []string{"liddell"}
	check("and narrower", and, store.Page{}, 1, a)
	check("page 2", one(M{Values: []string{"%"}}), store.Page{Number: 2, Size: 3}, 4, d)
	check("wildcard-free no match", one(M{Values: []string{"zzz"}}), store.Page{}, 0)
	if _, _, err := s.FindUsers(ctx(), one(M{Field: "password_hash", Values: []string{"x"}}), store.Page{}); err == nil {
		t.Error("an unknown field was searched")
	}
}
