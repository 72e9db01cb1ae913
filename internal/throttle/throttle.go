// Package throttle is Monban's brute-force protection (spec/security.md
// item 18): failures are counted per account and per IP address in the
// store (so every node sees them), and past a free allowance each failure
// earns an exponentially growing lock, capped, never permanent.
//
// A caller checks before verifying a credential, and refuses without
// verifying while a lock is in force; it records a failure after a wrong
// credential and clears the account's counter after a right one:
//
//	at, err := g.Begin(ctx, account, ip) // at.Wait > 0: refuse, say when to retry
//	... verify ...
//	at.Fail(ctx)                         // wrong
//	at.Succeed(ctx)                      // right
//
// The trade-off, denial of service against guessing: anyone who knows an
// identifier can make its owner wait, but only for the current back-off
// (at most Limiter.Max, 15 minutes by default), and keeping the lock up
// costs the attacker a failed attempt every time it ends. Nothing they do
// locks the account for good, and the owner's next success clears the
// counter. Per-IP counters are more generous (Free 20) because an office or
// a mobile carrier puts many people behind one address, and they forget
// faster (an hour without failures) so the typos of a whole office do not
// add up to a lock. The success of one account never clears an IP's
// counter: an attacker could otherwise reset it with an account of their own.
//
// A limit of the design: the check and the recording are separate, so
// attempts sent at the same moment all pass the check before the first of
// their failures is recorded. A burst gets as many guesses as it has
// requests in flight (for passwords, bounded by the hashing limiter, which
// sheds what waits too long); the lock then holds everything after it.
package throttle

import (
	"context"
	"errors"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// Defaults of a Limiter's zero fields.
const (
	DefaultFree   = 5
	DefaultBase   = time.Second
	DefaultMax    = 15 * time.Minute
	DefaultForget = store.ThrottleRetention
)

// Limiter counts failures per key and decides the lock each count earns:
// none for the first Free failures, then Base, doubling with every further
// failure up to Max. Zero fields take the defaults above.
type Limiter struct {
	Store store.Throttles
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Free is how many failures pass before any lock (default 5).
	Free int
	// Base is the first lock (default 1 s); Max caps the locks (default
	// 15 min), so no lock is permanent.
	Base, Max time.Duration
	// Forget is how long after its last failure, with no lock in force, a
	// counter starts over (default a day, store.ThrottleRetention, after
	// which DeleteExpired drops it anyway).
	Forget time.Duration
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// LockFor is the lock earned by the failures-th failure:
// min(Max, Base * 2^(failures-Free-1)), or 0 within the free allowance.
func (l *Limiter) LockFor(failures int64) time.Duration {
	free := int64(orDefault(l.Free, DefaultFree))
	base, ceiling := orDefault(l.Base, DefaultBase), orDefault(l.Max, DefaultMax)
	if failures <= free {
		return 0
	}
	shift := failures - free - 1
	if shift >= 62 || base > ceiling>>shift {
		return ceiling
	}
	return base << shift
}

// Check returns how long the longest lock in force among keys still lasts,
// 0 when none is locked. Empty keys are ignored. The lock was fixed when the
// failure was recorded, so any Limiter sharing the store answers alike.
func (l *Limiter) Check(ctx context.Context, keys ...string) (time.Duration, error) {
	wait, _, err := l.check(ctx, keys...)
	return wait, err
}

// check is Check that also returns the counters found.
func (l *Limiter) check(ctx context.Context, keys ...string) (time.Duration, []*store.Throttle, error) {
	keys = nonEmpty(keys)
	if len(keys) == 0 {
		return 0, nil, nil
	}
	found, err := l.Store.GetThrottles(ctx, keys...)
	if err != nil {
		return 0, nil, err
	}
	var wait time.Duration
	now := l.now()
	for _, t := range found {
		if t.LockedUntil != nil && t.LockedUntil.Sub(now) > wait {
			wait = t.LockedUntil.Sub(now)
		}
	}
	return wait, found, nil
}

// Fail records one failure for each key (empty keys are ignored).
func (l *Limiter) Fail(ctx context.Context, keys ...string) error {
	now := l.now()
	forgetBefore := now.Add(-orDefault(l.Forget, DefaultForget))
	var errs []error
	for _, k := range nonEmpty(keys) {
		if _, err := l.Store.RecordFailure(ctx, k, now, forgetBefore, l.LockFor); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Succeed forgets key's failures.
func (l *Limiter) Succeed(ctx context.Context, key string) error {
	if key == "" {
		return nil
	}
	return l.Store.ClearThrottle(ctx, key)
}

func nonEmpty(keys []string) []string {
	out := keys[:0:0]
	for _, k := range keys {
		if k != "" {
			out = append(out, k)
		}
	}
	return out
}
