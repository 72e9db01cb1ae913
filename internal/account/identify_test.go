package account

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/validate"
)

func TestCheckNewUser(t *testing.T) {
	ctx := context.Background()
	s := &Service{Store: storetesting.SQLite(t), Params: fast}
	if _, err := s.CreateUser(ctx, NewUser{Username: "alice", PrimaryEmail: "alice@example.com", PrimaryPhone: "+819012345678"}); err != nil {
		t.Fatal(err)
	}
	err := s.CheckNewUser(ctx, NewUser{Username: "ALICE", PrimaryEmail: "Alice@example.com", PrimaryPhone: "+819012345678"})
	fe, ok := validate.As(err)
	if !ok || len(fe) != 3 || fe[0].Code != "user.username_already_in_use" || fe[1].Code != "user.email_already_in_use" ||
		fe[2].Code != "user.phone_already_in_use" {
		t.Fatalf("taken identifiers: %v", err)
	}
	if err := s.CheckNewUser(ctx, NewUser{Username: "bob", PrimaryEmail: "bob@example.com"}); err != nil {
		t.Fatalf("free identifiers: %v", err)
	}
	if _, n, _ := s.Store.ListUsers(ctx, store.Page{}); n != 1 {
		t.Errorf("CheckNewUser stored something: %d users", n)
	}
}

// ResetPassword sets the new password and ends every session of the user.
func TestResetPassword(t *testing.T) {
	ctx := context.Background()
	s := &Service{Store: storetesting.SQLite(t), Params: fast}
	u, err := s.CreateUser(ctx, NewUser{Username: "alice", Password: "correct horse", PrimaryEmail: "alice@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := s.Store.CreateSession(ctx, &store.Session{IDHash: []byte("h"), UserID: u.ID, AuthTime: now, CreatedAt: now,
		ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "   "} {
		if err := s.ResetPassword(ctx, u.ID, bad); !errors.Is(err, ErrNoPassword) {
			t.Errorf("ResetPassword(%q) = %v", bad, err)
		}
	}
	if err := s.ResetPassword(ctx, u.ID, "a brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "alice", "correct horse", testIP); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("old password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "alice@example.com", "a brand new passphrase", testIP); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := s.Store.GetSession(ctx, []byte("h")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session survived the reset: %v", err)
	}
	if got, err := s.FindUser(ctx, " alice@example.com "); err != nil || got.ID != u.ID {
		t.Errorf("FindUser: %v %v", got, err)
	}
}
