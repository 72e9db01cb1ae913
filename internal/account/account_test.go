package account

import (
	"context"
	"net/netip"
	"testing"

	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/validate"
)

var fast = password.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// testIP is the client address of the tests' sign-ins.
var testIP = netip.MustParseAddr("192.0.2.1")

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

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	s := &Service{Store: storetesting.SQLite(t), Params: fast}
	u, err := s.CreateUser(ctx, NewUser{Username: "reader", Password: "open sesame", PrimaryEmail: "Reader@Example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"reader", "READER", "reader@example.com"} {
		got, err := s.Authenticate(ctx, id, "open sesame", testIP)
		if err != nil || got.ID != u.ID || got.LastSignInAt == nil {
			t.Errorf("Authenticate(%q): %v", id, err)
		}
	}
	for _, tc := range [][2]string{{"reader", "wrong"}, {"nobody", "open sesame"}, {"", ""}} {
		if _, err := s.Authenticate(ctx, tc[0], tc[1], testIP); err != ErrInvalidCredentials {
			t.Errorf("Authenticate(%q, %q) = %v, want ErrInvalidCredentials", tc[0], tc[1], err)
		}
	}
	// Stronger parameters rehash the stored password on the next sign-in.
	s.Params.Time = 2
	if _, err := s.Authenticate(ctx, "reader", "open sesame", testIP); err != nil {
		t.Fatal(err)
	}
	stored, _ := s.Store.GetUser(ctx, u.ID)
	if _, rehash, _ := password.Verify("open sesame", stored.PasswordHash, s.Params); rehash {
		t.Error("hash not upgraded after sign-in")
	}
	stored.IsSuspended = true
	if err := s.Store.UpdateUser(ctx, stored); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "reader", "open sesame", testIP); err != ErrSuspended {
		t.Errorf("suspended user: %v", err)
	}
	if _, err := s.Authenticate(ctx, "reader", "wrong", testIP); err != ErrInvalidCredentials {
		t.Errorf("suspended user, wrong password must not reveal suspension: %v", err)
	}
}

// TestCreateUserWithProfile: avatar, custom data and profile are stored
// with the user in the same write.
func TestCreateUserWithProfile(t *testing.T) {
	ctx := context.Background()
	s := &Service{Store: storetesting.SQLite(t), Params: fast}
	u, err := s.CreateUser(ctx, NewUser{Username: "zoe", Avatar: "https://img.example/z.png",
		CustomData: map[string]any{"tier": "pro"}, Profile: map[string]any{"givenName": "Zoe"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Store.GetUser(ctx, u.ID)
	if err != nil || got.Avatar != "https://img.example/z.png" || got.CustomData["tier"] != "pro" ||
		got.Profile["givenName"] != "Zoe" || got.Version != 1 {
		t.Fatalf("stored user = %+v, %v", got, err)
	}
}
