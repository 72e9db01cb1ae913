// Package verification sends and checks the one-time codes that prove
// control of an email address or phone number: Logto's verification codes
// ("passcodes") for sign-in, registration and password reset, delivered by
// the email and SMS connectors of package notify.
//
// A code is 6 digits drawn uniformly with crypto/rand, expires after
// CodeTTL and is single use: a replay within the window fails
// (spec/security.md item 20). Sending is throttled per identifier (one code
// per ResendInterval and purpose, MaxSendsPerIdentifier an hour) and per IP
// address (MaxSendsPerIP an hour); checking is throttled per identifier and
// per IP address with the throttle.KindCode Guard, and each code dies after
// MaxAttempts tries (item 18). The store keeps only a digest of each code,
// bound to its row. Codes are never logged, nor put in an error.
//
//	err := svc.Send(ctx, verification.Email, "alice@example.com", verification.SignIn, "ja", ip)
//	...
//	err = svc.Verify(ctx, verification.Email, "alice@example.com", verification.SignIn, typed, ip)
package verification

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/monban-dev/monban/internal/notify"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/throttle"
)

// Channel is where a code goes.
type Channel string

const (
	Email Channel = "email"
	Phone Channel = "phone"
)

// Purpose is what a code is for: Logto's template types.
type Purpose string

const (
	SignIn         Purpose = "SignIn"
	Register       Purpose = "Register"
	ForgotPassword Purpose = "ForgotPassword"
)

// Valid reports whether p is one of the three known purposes.
func (p Purpose) Valid() bool {
	switch p {
	case SignIn, Register, ForgotPassword:
		return true
	}
	return false
}

const (
	// CodeTTL is how long a code can be used (spec/security.md item 20).
	CodeTTL = 10 * time.Minute
	// ResendInterval: one code per identifier and purpose per minute.
	ResendInterval = time.Minute
	// MaxAttempts is how many codes may be tried against one code; after
	// that it is dead, even for the right code (spec/security.md item 18).
	MaxAttempts = 5
	// SendWindow is the period of the send counters below.
	SendWindow = time.Hour
	// MaxSendsPerIP caps the codes sent at the request of one IP address
	// (IPv6: one /64) per SendWindow, whatever the identifiers.
	MaxSendsPerIP = 20
	// MaxSendsPerIdentifier caps the codes sent to one address or number per
	// SendWindow, whatever the purposes and the requesting addresses: nobody
	// can flood someone's inbox or phone.
	MaxSendsPerIdentifier = 10
)

var (
	// ErrNotConfigured: no Email (or SMS) sender is configured. It wraps
	// notify.ErrNotConfigured.
	ErrNotConfigured = fmt.Errorf("verification: %w", notify.ErrNotConfigured)
	// ErrExpired: the code was sent more than CodeTTL ago.
	ErrExpired = errors.New("verification: code expired")
	// ErrInvalid: wrong code, already used, dead after MaxAttempts, or none
	// was sent. One error for all, so a guesser learns nothing.
	ErrInvalid = errors.New("verification: invalid code")
	// ErrIdentifier: not an email address (Email) or a phone number in
	// international format (Phone). Normalize and Send return it wrapped.
	ErrIdentifier = errors.New("verification: invalid identifier")
)

// ErrTooSoon: a code was sent too recently to this identifier, or too many
// were sent to it or from this address this hour; retry after Wait.
type ErrTooSoon struct{ Wait time.Duration }

func (e ErrTooSoon) Error() string {
	return fmt.Sprintf("verification: a code was sent too recently; retry in %s", roundUp(e.Wait))
}

// ErrLocked: too many wrong codes for this identifier or from this address
// (spec/security.md item 18); the code was not checked. Retry after Wait.
type ErrLocked struct{ Wait time.Duration }

func (e ErrLocked) Error() string {
	return fmt.Sprintf("verification: too many wrong codes; retry in %s", roundUp(e.Wait))
}

// roundUp rounds d up to the second, so a wait is never shown as 0s.
func roundUp(d time.Duration) time.Duration {
	return (d + time.Second - 1).Truncate(time.Second)
}

// Service sends and checks codes.
type Service struct {
	Store store.Store
	// Email and SMS deliver codes; nil means the channel is not configured.
	Email, SMS notify.Sender
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Throttle holds code guessing back (spec/security.md item 18); nil
	// means throttle.Accounts(throttle.KindCode, Store, Now).
	Throttle *throttle.Guard
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) guard() *throttle.Guard {
	if s.Throttle != nil {
		return s.Throttle
	}
	return throttle.Accounts(throttle.KindCode, s.Store, s.Now)
}

// sender returns ch's sender, ErrNotConfigured when there is none.
func (s *Service) sender(ch Channel) (notify.Sender, error) {
	var snd notify.Sender
	switch ch {
	case Email:
		snd = s.Email
	case Phone:
		snd = s.SMS
	default:
		return nil, fmt.Errorf("%w: unknown channel %q", ErrIdentifier, ch)
	}
	if isNil(snd) {
		return nil, ErrNotConfigured
	}
	return snd, nil
}

// isNil reports whether snd is nil, or a nil pointer in the interface (a
// "var smtp *notify.SMTP" assigned when none is configured).
func isNil(snd notify.Sender) bool {
	if snd == nil {
		return true
	}
	v := reflect.ValueOf(snd)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
