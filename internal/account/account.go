// Package account is the domain core for the people who sign in: creating
// users, their passwords (argon2id, see package password) and, in later
// issues, verification codes and MFA.
package account

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/throttle"
	"github.com/monban-dev/monban/internal/validate"
)

// Logto's username rule: a letter or underscore, then word characters.
var usernamePattern = regexp.MustCompile(`^[A-Za-z_]\w*$`)

// A deliberately loose address check: one "@", something on each side, a dot
// in the domain. The verification code (a later issue) is the real proof.
var emailPattern = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)

// E.164-ish: digits with an optional leading "+".
var phonePattern = regexp.MustCompile(`^\+?[0-9]{6,15}$`)

const (
	// MinPasswordLength is the floor before the sign-in experience's policy
	// (its own issue) adds character classes and the common-password list.
	MinPasswordLength = 8
	// MaxPasswordLength bounds the work one request can make argon2 do.
	MaxPasswordLength = 256
)

// Service creates users and checks their passwords.
type Service struct {
	Store store.Store
	// Params are the argon2id parameters for new hashes.
	Params password.Params
	// Limiter caps concurrent hashes (nil: no cap).
	Limiter *password.Limiter
	// Throttle holds password guessing back (spec/security.md item 18);
	// nil means throttle.Accounts(throttle.KindPassword, Store, Now).
	Throttle *throttle.Guard
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// NewUser is what CreateUser needs; names follow Logto's API.
type NewUser struct {
	Username     string
	Password     string
	PrimaryEmail string
	PrimaryPhone string
	Name         string
	Avatar       string
	CustomData   map[string]any
	Profile      map[string]any
	IsAdmin      bool
	// PasswordDigest and PasswordAlgorithm carry a hash exported by another
	// server instead of Password (Logto's passwordDigest and
	// passwordAlgorithm); see password.Import.
	PasswordDigest    string
	PasswordAlgorithm string
}

// CreateUser validates in, hashes the password and stores the user. A taken
// username or email is a field error naming it, as Logto reports it.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (*store.User, error) {
	u, err := s.prepareUser(ctx, in)
	if err != nil {
		return nil, err
	}
	err = s.Store.InTx(ctx, func(tx store.Store) error { return insertUser(ctx, tx, u) })
	if errors.Is(err, store.ErrConflict) {
		// Lost a race with a concurrent sign-up for the same identifier.
		return nil, validate.FieldError{Field: "username", Code: "user.identifier_already_in_use", Message: "an identifier of this user is already in use"}
	}
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// prepareUser validates in and builds the user to store, its password
// hashed (or its imported digest checked).
func (s *Service) prepareUser(ctx context.Context, in NewUser) (*store.User, error) {
	errs, _ := validate.As(validateNewUser(in))
	hash, derr := importedHash(in)
	if d, ok := validate.As(derr); ok {
		errs = append(errs, d...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if in.Password != "" {
		var err error
		if hash, err = s.hash(ctx, in.Password); err != nil {
			return nil, err
		}
	}
	now := s.now()
	u := &store.User{
		ID: id.New(), Username: in.Username, PrimaryEmail: in.PrimaryEmail, PrimaryPhone: in.PrimaryPhone,
		Name: in.Name, Avatar: in.Avatar, PasswordHash: hash, IsAdmin: in.IsAdmin, CreatedAt: now, UpdatedAt: now,
		CustomData: in.CustomData, Profile: in.Profile,
	}
	if u.CustomData == nil {
		u.CustomData = map[string]any{}
	}
	if u.Profile == nil {
		u.Profile = map[string]any{}
	}
	return u, nil
}

// insertUser stores u in tx, saying which identifier is taken if one is:
// the unique index alone cannot.
func insertUser(ctx context.Context, tx store.Store, u *store.User) error {
	if u.Username != "" {
		if _, err := tx.GetUserByUsername(ctx, u.Username); err == nil {
			return validate.FieldError{Field: "username", Code: "user.username_already_in_use", Message: "this username is already in use"}
		}
	}
	if u.PrimaryEmail != "" {
		if _, err := tx.GetUserByEmail(ctx, u.PrimaryEmail); err == nil {
			return validate.FieldError{Field: "primaryEmail", Code: "user.email_already_in_use", Message: "this email is already in use"}
		}
	}
	if u.PrimaryPhone != "" {
		if _, err := tx.GetUserByPhone(ctx, u.PrimaryPhone); err == nil {
			return validate.FieldError{Field: "primaryPhone", Code: "user.phone_already_in_use", Message: "this phone number is already in use"}
		}
	}
	if err := tx.CreateUser(ctx, u); err != nil {
		return err
	}
	// Every new user gets the default roles (RBAC), in the same transaction.
	return tx.AssignDefaultRoles(ctx, u.ID)
}

func validateNewUser(in NewUser) error {
	var errs validate.Errors
	if in.Username != "" && (!usernamePattern.MatchString(in.Username) || len(in.Username) > 128) {
		errs.Add("username", "user.invalid_username", "must start with a letter or underscore and contain only letters, digits and underscores (at most 128)")
	}
	if in.PrimaryEmail != "" && (!emailPattern.MatchString(in.PrimaryEmail) || len(in.PrimaryEmail) > 254) {
		errs.Add("primaryEmail", "user.invalid_email", "must be an email address")
	}
	if in.PrimaryPhone != "" && !phonePattern.MatchString(in.PrimaryPhone) {
		errs.Add("primaryPhone", "user.invalid_phone", "must be a phone number in international format, e.g. +81901234567")
	}
	if in.Username == "" && in.PrimaryEmail == "" && in.PrimaryPhone == "" {
		errs.Add("username", "user.identifier_required", "a username, email or phone is required")
	}
	if in.Password != "" {
		if n := utf8.RuneCountInString(in.Password); n < MinPasswordLength {
			errs.Add("password", "password.too_short", fmt.Sprintf("must be at least %d characters", MinPasswordLength))
		} else if len(in.Password) > MaxPasswordLength {
			errs.Add("password", "password.too_long", fmt.Sprintf("must be at most %d bytes", MaxPasswordLength))
		} else if strings.TrimSpace(in.Password) == "" {
			errs.Add("password", "password.blank", "must not be only spaces")
		}
	}
	return errs.Err()
}

func (s *Service) hash(ctx context.Context, pw string) (string, error) {
	var (
		h   string
		err error
	)
	if lerr := s.limit(ctx, func() { h, err = password.Hash(pw, s.Params) }); lerr != nil {
		return "", lerr
	}
	return h, err
}
