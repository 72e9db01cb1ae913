package account

import (
	"context"
	"errors"
	"strings"

	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/store"
)

var (
	// ErrInvalidCredentials: unknown identifier or wrong password. One error
	// for both, so the pages show one message (spec/security.md item 19).
	ErrInvalidCredentials = errors.New("account: invalid credentials")
	// ErrSuspended: the password was right but the user is suspended.
	ErrSuspended = errors.New("account: user is suspended")
)

// Authenticate checks identifier (username, email or phone) and password.
// An unknown identifier costs the same hashing work as a wrong password.
// A hash made with weaker parameters than s.Params is replaced on success.
func (s *Service) Authenticate(ctx context.Context, identifier, pw string) (*store.User, error) {
	identifier = strings.TrimSpace(identifier)
	u, err := s.lookup(ctx, identifier)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.PasswordHash == "") || len(pw) > MaxPasswordLength {
		s.limit(ctx, func() { password.VerifyDummy(pw, s.Params) })
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, err
	}
	var ok, rehash bool
	var verr error
	if lerr := s.limit(ctx, func() { ok, rehash, verr = password.Verify(pw, u.PasswordHash, s.Params) }); lerr != nil {
		return nil, lerr
	}
	if verr != nil || !ok {
		return nil, ErrInvalidCredentials
	}
	if u.IsSuspended {
		return nil, ErrSuspended
	}
	now := s.now()
	u.LastSignInAt = &now
	u.UpdatedAt = now
	if rehash {
		if h, err := s.hash(ctx, pw); err == nil {
			u.PasswordHash = h
		}
	}
	if err := s.Store.UpdateUser(ctx, u); err != nil && !errors.Is(err, store.ErrStale) {
		return nil, err
	}
	return u, nil
}

// lookup finds a user by the kind of identifier typed.
func (s *Service) lookup(ctx context.Context, identifier string) (*store.User, error) {
	switch {
	case identifier == "":
		return nil, store.ErrNotFound
	case strings.Contains(identifier, "@"):
		return s.Store.GetUserByEmail(ctx, identifier)
	case phonePattern.MatchString(identifier):
		u, err := s.Store.GetUserByPhone(ctx, identifier)
		if errors.Is(err, store.ErrNotFound) {
			return s.Store.GetUserByUsername(ctx, identifier)
		}
		return u, err
	default:
		return s.Store.GetUserByUsername(ctx, identifier)
	}
}

func (s *Service) limit(ctx context.Context, fn func()) error {
	if s.Limiter == nil {
		fn()
		return nil
	}
	return s.Limiter.Do(ctx, fn)
}
