package verification

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
)

// Send creates a new code for (ch, to, purpose), replacing any earlier
// unused one of the same triple, and delivers it by email or SMS, the text
// in locale. ip is the requesting client's address (the zero Addr if
// unknown: then only the identifier is throttled).
//
// Throttling (spec/security.md item 18): a code less than ResendInterval
// old for the same identifier and purpose is ErrTooSoon, as is a send past
// MaxSendsPerIP for ip or MaxSendsPerIdentifier for the identifier in the
// current SendWindow. A code that cannot be delivered is deleted again, so
// the user may retry at once; the error wraps the connector's.
func (s *Service) Send(ctx context.Context, ch Channel, to string, purpose Purpose, locale string, ip netip.Addr) error {
	if !purpose.Valid() {
		return fmt.Errorf("verification: unknown purpose %q", purpose)
	}
	ident, err := Normalize(ch, to)
	if err != nil {
		return err
	}
	snd, err := s.sender(ch)
	if err != nil {
		return err
	}
	now := s.now()
	wait, err := s.resendWait(ctx, ident, purpose, now)
	if err != nil {
		return err
	}
	if wait > 0 {
		return ErrTooSoon{Wait: wait}
	}
	if err := s.countSend(ctx, ident, ip, now); err != nil {
		return err
	}

	code := newCode()
	c := &store.VerificationCode{ID: id.New(), Identifier: ident, Purpose: string(purpose),
		CreatedAt: now, ExpiresAt: now.Add(CodeTTL)}
	c.CodeHash = hashCode(c.ID, ident, purpose, code)
	// The store, not the read above, decides between concurrent sends.
	if err := s.Store.CreateVerificationCode(ctx, c, now.Add(-ResendInterval)); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return ErrTooSoon{Wait: ResendInterval}
		}
		return fmt.Errorf("verification: store code: %w", err)
	}
	if err := snd.Send(ctx, message(ch, ident, purpose, code, locale)); err != nil {
		// Best effort: if the delete fails too, the code simply expires.
		s.Store.DeleteVerificationCode(context.WithoutCancel(ctx), c.ID)
		return fmt.Errorf("verification: deliver code: %w", err)
	}
	return nil
}

// resendWait is how long until a new code may be sent for identifier and
// purpose: ResendInterval after the live code was created.
func (s *Service) resendWait(ctx context.Context, ident string, purpose Purpose, now time.Time) (time.Duration, error) {
	c, err := s.Store.GetLatestVerificationCode(ctx, ident, string(purpose))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("verification: read code: %w", err)
	case c.ConsumedAt != nil:
		return 0, nil
	}
	return c.CreatedAt.Add(ResendInterval).Sub(now), nil
}

// countSend counts one send for ip and for the identifier in the current
// SendWindow, and refuses the send past MaxSendsPerIP or
// MaxSendsPerIdentifier. The counters are throttle rows keyed by the window
// ("codesend:ip:<address>:<window>", "codesend:to:<digest>:<window>"),
// never locked: each window starts from zero, and DeleteExpired drops the
// old ones after store.ThrottleRetention.
func (s *Service) countSend(ctx context.Context, ident string, ip netip.Addr, now time.Time) error {
	start := now.Truncate(SendWindow)
	window := ":" + strconv.FormatInt(start.Unix(), 10)
	sum := sha256.Sum256([]byte(ident))
	counters := []struct {
		key string
		max int64
	}{
		{ipKey(ip), MaxSendsPerIP},
		{"codesend:to:" + hex.EncodeToString(sum[:16]), MaxSendsPerIdentifier},
	}
	noLock := func(int64) time.Duration { return 0 }
	for _, c := range counters {
		if c.key == "" {
			continue
		}
		t, err := s.Store.RecordFailure(ctx, c.key+window, now, time.Time{}, noLock)
		if err != nil {
			return fmt.Errorf("verification: count sends: %w", err)
		}
		if t.Failures > c.max {
			return ErrTooSoon{Wait: start.Add(SendWindow).Sub(now)}
		}
	}
	return nil
}

// ipKey is the send counter's key of ip, "" when ip is unknown: IPv4
// addresses one by one, IPv6 by /64 (as throttle.Guard counts them).
func ipKey(ip netip.Addr) string {
	if !ip.IsValid() {
		return ""
	}
	ip = ip.Unmap()
	where := ip.String()
	if ip.Is6() {
		where = netip.PrefixFrom(ip.WithZone(""), 64).Masked().String()
	}
	return "codesend:ip:" + where
}
