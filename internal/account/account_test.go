package account

import (
	"context"
	"testing"

	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/validate"
)

var fast = password.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestCreateUser(t *testing.T) {
	ctx := context.Background()
	s := &Service{Store: storetesting.SQLite(t), Params: fast}
	u, err := s.CreateUser(ctx, NewUser{Username: "alice", Password: "correct horse", PrimaryEmail: "Alice@Example.com", IsAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Store.GetUserByEmail(ctx, "alice@example.com")
	if err != nil || got.ID != u.ID || !got.IsAdmin {
		t.Fatalf("stored user: %+v, %v", got, err)
	}
	ok, _, err := password.Verify("correct horse", got.PasswordHash, fast)
	if err != nil || !ok {
		t.Fatalf("password hash does not verify: %v", err)
	}
	if got.PasswordHash == "correct horse" {
		t.Fatal("password stored in clear")
	}

	for _, tc := range []struct {
		in    NewUser
		field string
	}{
		{NewUser{Username: "ALICE", Password: "another pw"}, "username"},
		{NewUser{Username: "bob", PrimaryEmail: "alice@EXAMPLE.com"}, "primaryEmail"},
		{NewUser{Username: "9lives"}, "username"},
		{NewUser{Username: "carol", Password: "short"}, "password"},
		{NewUser{Username: "dave", PrimaryEmail: "not-an-email"}, "primaryEmail"},
		{NewUser{Password: "long enough"}, "username"},
	} {
		_, err := s.CreateUser(ctx, tc.in)
		errs, ok := validate.As(err)
		if !ok || errs[0].Field != tc.field {
			t.Errorf("CreateUser(%+v) = %v, want a field error on %q", tc.in, err, tc.field)
		}
	}
	_, total, _ := s.Store.ListUsers(ctx, store.Page{})
	if total != 1 {
		t.Fatalf("failed creates wrote users: total %d", total)
	}
}
