package verification

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"net/netip"

	"github.com/monban-dev/monban/internal/store"
)

// Verify checks code against the live code of (ch, to, purpose) and
// consumes it when it matches: a second Verify with the same code is
// ErrInvalid (spec/security.md item 20). ip is the client's address (the
// zero Addr if unknown: then only the identifier is throttled).
//
// Errors: ErrLocked while the identifier or ip is locked by earlier wrong
// codes (the code is not checked); ErrExpired for a code older than
// CodeTTL; ErrInvalid for a wrong code, a used one, one that had
// MaxAttempts tries already, one replaced by a newer code, or none sent.
// Every ErrInvalid for a well-formed code counts a failure toward the
// throttle.KindCode Guard, per identifier and per address (item 18); the
// right code clears the identifier's counter. Input that is not 6 digits
// (after dropping spaces and hyphens) cannot match and counts nothing. The
// digests are compared in constant time.
func (s *Service) Verify(ctx context.Context, ch Channel, to string, purpose Purpose, code string, ip netip.Addr) error {
	if !purpose.Valid() {
		return fmt.Errorf("verification: unknown purpose %q", purpose)
	}
	ident, err := Normalize(ch, to)
	if err != nil {
		return ErrInvalid // no code can have been sent there
	}
	at, err := s.guard().Begin(ctx, ident, ip)
	if err != nil {
		return fmt.Errorf("verification: check throttle: %w", err)
	}
	if at.Wait > 0 {
		return ErrLocked{Wait: at.Wait}
	}
	code, ok := cleanCode(code)
	if !ok {
		return ErrInvalid
	}
	err = s.check(ctx, ident, purpose, code)
	switch {
	case err == nil:
		if serr := at.Succeed(ctx); serr != nil {
			return fmt.Errorf("verification: clear throttle: %w", serr)
		}
	case errors.Is(err, ErrInvalid):
		if ferr := at.Fail(ctx); ferr != nil {
			return fmt.Errorf("verification: record wrong code: %w", ferr)
		}
	}
	return err
}

// check is Verify without the throttle. The attempt is counted before the
// comparison, so even concurrent guesses get at most MaxAttempts
// comparisons per code.
func (s *Service) check(ctx context.Context, ident string, purpose Purpose, code string) error {
	c, err := s.Store.GetLatestVerificationCode(ctx, ident, string(purpose))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return ErrInvalid
	case err != nil:
		return fmt.Errorf("verification: read code: %w", err)
	case c.ConsumedAt != nil:
		return ErrInvalid
	}
	now := s.now()
	if now.After(c.ExpiresAt) {
		return ErrExpired
	}
	n, err := s.Store.RecordVerificationAttempt(ctx, c.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return ErrInvalid // replaced by a newer code meanwhile
	case err != nil:
		return fmt.Errorf("verification: count attempt: %w", err)
	case n > MaxAttempts:
		return ErrInvalid
	}
	if !hmac.Equal(hashCode(c.ID, ident, purpose, code), c.CodeHash) {
		return ErrInvalid
	}
	_, err = s.Store.ConsumeVerificationCode(ctx, c.ID, now)
	switch {
	case errors.Is(err, store.ErrConsumed), errors.Is(err, store.ErrNotFound):
		return ErrInvalid // used or replaced by a concurrent call
	case err != nil:
		return fmt.Errorf("verification: consume code: %w", err)
	}
	return nil
}
