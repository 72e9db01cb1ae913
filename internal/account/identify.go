package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// ErrNoPassword: the password is empty, too long or only spaces; the hosted
// pages check the sign-in experience's policy before calling.
var ErrNoPassword = errors.New("account: unusable password")

// CheckNewUser reports what CreateUser would refuse in in, without storing
// anything: malformed identifiers and identifiers already in use, each as
// a field error naming it. The hosted registration page calls it to show
// every problem of a form at once, and before sending a verification code
// to an address that could not be registered anyway. CreateUser checks
// again, so a race between the two is still caught.
func (s *Service) CheckNewUser(ctx context.Context, in NewUser) error {
	if err := validateNewUser(in); err != nil {
		return err
	}
	var errs validate.Errors
	if in.Username != "" {
		if _, err := s.Store.GetUserByUsername(ctx, in.Username); err == nil {
			errs.Add("username", "user.username_already_in_use", "this username is already in use")
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if in.PrimaryEmail != "" {
		if _, err := s.Store.GetUserByEmail(ctx, in.PrimaryEmail); err == nil {
			errs.Add("primaryEmail", "user.email_already_in_use", "this email is already in use")
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if in.PrimaryPhone != "" {
		if _, err := s.Store.GetUserByPhone(ctx, in.PrimaryPhone); err == nil {
			errs.Add("primaryPhone", "user.phone_already_in_use", "this phone number is already in use")
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return errs.Err()
}

// FindUser returns the user an identifier names (username, email or phone,
// told apart as Authenticate does), or store.ErrNotFound. It checks no
// credential: callers have proved ownership otherwise (a verification code
// sent to the email or phone).
func (s *Service) FindUser(ctx context.Context, identifier string) (*store.User, error) {
	return s.lookup(ctx, strings.TrimSpace(identifier))
}

// ResetPassword replaces the password of userID, after the owner proved
// control of the account's email or phone, and ends every browser session
// of the user: whoever knew the old password is signed out everywhere.
// The password must already satisfy the sign-in experience's policy; only
// the bounds that protect the hash are checked here (ErrNoPassword).
func (s *Service) ResetPassword(ctx context.Context, userID, pw string) error {
	if pw == "" || strings.TrimSpace(pw) == "" || len(pw) > MaxPasswordLength || !utf8.ValidString(pw) {
		return ErrNoPassword
	}
	h, err := s.hash(ctx, pw)
	if err != nil {
		return err
	}
	for range 3 { // a concurrent profile change bumps the version: retry
		u, err := s.Store.GetUser(ctx, userID)
		if err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		u.PasswordHash = h
		u.UpdatedAt = s.now()
		err = s.Store.UpdateUser(ctx, u)
		if errors.Is(err, store.ErrStale) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		if err := s.Store.DeleteUserSessions(ctx, userID); err != nil {
			return fmt.Errorf("reset password: end sessions: %w", err)
		}
		return nil
	}
	return fmt.Errorf("reset password: %w", store.ErrStale)
}
