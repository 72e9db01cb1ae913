package account

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/account/policy"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// UserPatch is a partial update of a user's profile; nil members are left
// as they are, and a pointer to "" clears an identifier. Names follow
// Logto's API.
type UserPatch struct {
	Username     *string
	PrimaryEmail *string
	PrimaryPhone *string
	Name         *string
	Avatar       *string
	CustomData   map[string]any // nil: unchanged
	Profile      map[string]any // nil: unchanged
}

// UpdateUser applies p to the user with that id. Identifiers are checked
// as CreateUser checks them, and a taken one is a field error naming it
// (Code ..._already_in_use). Nothing is written when it fails.
func (s *Service) UpdateUser(ctx context.Context, userID string, p UserPatch) (*store.User, error) {
	var errs validate.Errors
	if p.Username != nil && *p.Username != "" && (!usernamePattern.MatchString(*p.Username) || len(*p.Username) > 128) {
		errs.Add("username", "user.invalid_username", "must start with a letter or underscore and contain only letters, digits and underscores (at most 128)")
	}
	if p.PrimaryEmail != nil && *p.PrimaryEmail != "" && (!emailPattern.MatchString(*p.PrimaryEmail) || len(*p.PrimaryEmail) > 254) {
		errs.Add("primaryEmail", "user.invalid_email", "must be an email address")
	}
	if p.PrimaryPhone != nil && *p.PrimaryPhone != "" && !phonePattern.MatchString(*p.PrimaryPhone) {
		errs.Add("primaryPhone", "user.invalid_phone", "must be a phone number in international format, e.g. +81901234567")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var out *store.User
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		u, err := tx.GetUser(ctx, userID)
		if err != nil {
			return err
		}
		taken := func(found *store.User, err error) bool { return err == nil && found.ID != u.ID }
		if p.Username != nil {
			if *p.Username != "" && taken(tx.GetUserByUsername(ctx, *p.Username)) {
				return validate.FieldError{Field: "username", Code: "user.username_already_in_use", Message: "this username is already in use"}
			}
			u.Username = *p.Username
		}
		if p.PrimaryEmail != nil {
			if *p.PrimaryEmail != "" && taken(tx.GetUserByEmail(ctx, *p.PrimaryEmail)) {
				return validate.FieldError{Field: "primaryEmail", Code: "user.email_already_in_use", Message: "this email is already in use"}
			}
			u.PrimaryEmail = *p.PrimaryEmail
		}
		if p.PrimaryPhone != nil {
			if *p.PrimaryPhone != "" && taken(tx.GetUserByPhone(ctx, *p.PrimaryPhone)) {
				return validate.FieldError{Field: "primaryPhone", Code: "user.phone_already_in_use", Message: "this phone number is already in use"}
			}
			u.PrimaryPhone = *p.PrimaryPhone
		}
		if p.Name != nil {
			u.Name = *p.Name
		}
		if p.Avatar != nil {
			u.Avatar = *p.Avatar
		}
		if p.CustomData != nil {
			u.CustomData = p.CustomData
		}
		if p.Profile != nil {
			u.Profile = p.Profile
		}
		u.UpdatedAt = s.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		out = u
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, validate.FieldError{Field: "username", Code: "user.identifier_already_in_use", Message: "an identifier of this user is already in use"}
	}
	if err != nil {
		return nil, fmt.Errorf("update user: %w", err)
	}
	return out, nil
}

// DeleteUser removes the user, ending their sessions first
// (store.ErrNotFound if none).
func (s *Service) DeleteUser(ctx context.Context, userID string) error {
	return s.Store.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.GetUser(ctx, userID); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, userID); err != nil {
			return err
		}
		return tx.DeleteUser(ctx, userID)
	})
}

// SetPassword replaces the user's password, after checking it against pol
// (the sign-in experience's password policy; every violation is a field
// error on "password" with the rule's code), and ends the user's sessions.
func (s *Service) SetPassword(ctx context.Context, userID, pw string, pol policy.Policy) error {
	u, err := s.Store.GetUser(ctx, userID)
	if err != nil {
		return err
	}
	var errs validate.Errors
	if pw == "" || strings.TrimSpace(pw) == "" {
		errs.Add("password", "password.required", "must not be empty")
	} else if len(pw) > MaxPasswordLength {
		errs.Add("password", "password.too_long", fmt.Sprintf("must be at most %d bytes", MaxPasswordLength))
	} else {
		for _, v := range pol.Check(pw, policy.UserInfo{Username: u.Username, Email: u.PrimaryEmail, Phone: u.PrimaryPhone, Name: u.Name}) {
			errs.Add("password", v.Code, v.Message)
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.ResetPassword(ctx, userID, pw)
}

// VerifyPassword checks the user's password without signing in: nil if it
// is right, ErrInvalidCredentials if not (or the user has none),
// store.ErrNotFound for an unknown user.
func (s *Service) VerifyPassword(ctx context.Context, userID, pw string) error {
	u, err := s.Store.GetUser(ctx, userID)
	if err != nil {
		return err
	}
	if u.PasswordHash == "" || len(pw) > MaxPasswordLength {
		return ErrInvalidCredentials
	}
	var ok, rehash bool
	var verr error
	if lerr := s.limit(ctx, func() { ok, rehash, verr = password.Verify(pw, u.PasswordHash, s.Params) }); lerr != nil {
		return lerr
	}
	if verr != nil || !ok {
		s.spendDummy(ctx, pw, u.PasswordHash)
		return ErrInvalidCredentials
	}
	if rehash {
		// As at sign-in: an imported or weaker hash becomes Argon2id. A
		// concurrent change of the user wins (ErrStale); the next check
		// upgrades it.
		if h, err := s.hash(ctx, pw); err == nil {
			u.PasswordHash = h
			u.UpdatedAt = s.now()
			if err := s.Store.UpdateUser(ctx, u); err != nil && !errors.Is(err, store.ErrStale) {
				return err
			}
		}
	}
	return nil
}

// SetSuspended suspends or reinstates the user; suspending also ends every
// session of the user.
func (s *Service) SetSuspended(ctx context.Context, userID string, suspended bool) (*store.User, error) {
	var out *store.User
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		u, err := tx.GetUser(ctx, userID)
		if err != nil {
			return err
		}
		u.IsSuspended = suspended
		u.UpdatedAt = s.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if suspended {
			if err := tx.DeleteUserSessions(ctx, userID); err != nil {
				return err
			}
		}
		out = u
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set suspended: %w", err)
	}
	return out, nil
}

// ErrIdentityNotFound: the user has no identity for that target.
var ErrIdentityNotFound = errors.New("account: no identity for that target")

// UnlinkIdentity removes the user's external identity for target
// (store.ErrNotFound for an unknown user, ErrIdentityNotFound for a target
// the user has no identity of).
func (s *Service) UnlinkIdentity(ctx context.Context, userID, target string) error {
	return s.Store.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.GetUser(ctx, userID); err != nil {
			return err
		}
		ids, err := tx.ListUserIdentities(ctx, userID)
		if err != nil {
			return err
		}
		for _, i := range ids {
			if i.Target == target {
				return tx.DeleteIdentity(ctx, userID, target)
			}
		}
		return ErrIdentityNotFound
	})
}
