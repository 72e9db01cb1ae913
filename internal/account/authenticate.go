package account

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/throttle"
)

var (
	// ErrInvalidCredentials: unknown identifier or wrong password. One error
	// for both, so the pages show one message (spec/security.md item 19).
	ErrInvalidCredentials = errors.New("account: invalid credentials")
	// ErrSuspended: the password was right but the user is suspended.
	ErrSuspended = errors.New("account: user is suspended")
)

// ErrLocked: too many wrong passwords for this identifier or from this
// address; the password was not checked. Retry after Wait. Unknown
// identifiers are locked alike, so the lock tells nothing about which
// accounts exist (spec/security.md items 18 and 19).
type ErrLocked struct{ Wait time.Duration }

func (e ErrLocked) Error() string {
	return fmt.Sprintf("account: too many failed sign-ins; retry in %s", e.Wait.Round(time.Second))
}

// Authenticate checks identifier (username, email or phone) and password,
// typed at client address ip (the zero Addr if unknown: then only the
// identifier is throttled).
//
// Brute force (spec/security.md item 18): while the identifier or the
// address is locked by earlier failures the answer is ErrLocked, without
// looking the user up or checking the password. A wrong password or an
// unknown identifier counts a failure for both; the right password clears
// the identifier's counter. The identifier is what is counted, known or
// not, so unknown ones are throttled exactly like real ones (item 19).
func (s *Service) Authenticate(ctx context.Context, identifier, pw string, ip netip.Addr) (*store.User, error) {
	identifier = strings.TrimSpace(identifier)
	at, err := s.throttle().Begin(ctx, strings.ToLower(identifier), ip)
	if err != nil {
		return nil, fmt.Errorf("check sign-in throttle: %w", err)
	}
	if at.Wait > 0 {
		return nil, ErrLocked{Wait: at.Wait}
	}
	u, err := s.checkPassword(ctx, identifier, pw)
	switch {
	case errors.Is(err, ErrInvalidCredentials):
		if ferr := at.Fail(ctx); ferr != nil {
			return nil, fmt.Errorf("record failed sign-in: %w", ferr)
		}
	case err == nil, errors.Is(err, ErrSuspended):
		// The password was right.
		if serr := at.Succeed(ctx); serr != nil {
			return nil, fmt.Errorf("clear sign-in throttle: %w", serr)
		}
	}
	return u, err
}

func (s *Service) throttle() *throttle.Guard {
	if s.Throttle != nil {
		return s.Throttle
	}
	return throttle.Accounts(throttle.KindPassword, s.Store, s.Now)
}

// checkPassword is Authenticate without the throttle. An unknown
// identifier costs the same hashing work as a wrong password. A hash made
// with weaker parameters than s.Params is replaced on success.
func (s *Service) checkPassword(ctx context.Context, identifier, pw string) (*store.User, error) {
	u, err := s.lookup(ctx, identifier)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.PasswordHash == "") || len(pw) > MaxPasswordLength {
		// Busy is busy for unknown identifiers too (item 19).
		if lerr := s.limit(ctx, func() { password.VerifyDummy(pw, s.Params) }); lerr != nil {
			return nil, lerr
		}
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
		s.spendDummy(ctx, pw, u.PasswordHash)
		return nil, ErrInvalidCredentials
	}
	if u.IsSuspended {
		return nil, ErrSuspended
	}
	now := s.now()
	u.LastSignInAt = &now
	u.UpdatedAt = now
	if rehash {
		// Weaker Argon2 parameters, or an imported bcrypt or plain digest
		// (Logto upgrades those too): replaced in the same write.
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

// spendDummy, after a wrong password against a stored hash that is checked
// much faster than Argon2 (an imported plain digest), spends a dummy
// hash's time, so the answer takes as long as for an unknown identifier
// (spec/security.md item 19).
func (s *Service) spendDummy(ctx context.Context, pw, stored string) {
	if password.Fast(stored) {
		_ = s.limit(ctx, func() { password.VerifyDummy(pw, s.Params) })
	}
}
