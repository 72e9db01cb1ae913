package password

import (
	"context"
	"errors"
	"runtime"
	"time"
)

// ErrBusy: no hashing slot freed up within the Limiter's MaxWait. Callers
// answer "busy, try again" (429/503), not an error.
var ErrBusy = errors.New("password: too many sign-ins at once; try again")

// Limiter caps how many hashes run at once. Each Argon2 computation holds
// Params.Memory KiB and keeps Params.Threads cores busy, so an unbounded
// burst of sign-ins could exhaust memory or starve every other request; the
// spec caps concurrent hashes at the core count. Requests beyond the cap wait
// instead.
type Limiter struct {
	slots chan struct{}
	// MaxWait bounds the wait for a slot, so a flood of sign-ins is shed
	// (ErrBusy) instead of queueing without end; 0 means no bound.
	MaxWait time.Duration
}

// NewLimiter returns a Limiter allowing n concurrent calls; n <= 0 means
// runtime.GOMAXPROCS(0), the number of cores Go may use.
func NewLimiter(n int) *Limiter {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &Limiter{slots: make(chan struct{}, n), MaxWait: 2 * time.Second}
}

// Do runs fn once a slot is free, blocking until then. If ctx is done first
// (the client went away, the request timed out), fn does not run and Do
// returns ctx.Err().
func (l *Limiter) Do(ctx context.Context, fn func()) error {
	// Checked first because select picks at random among ready cases: a
	// cancelled request should not start a hash just because a slot is free.
	if err := ctx.Err(); err != nil {
		return err
	}
	var timeout <-chan time.Time
	if l.MaxWait > 0 {
		t := time.NewTimer(l.MaxWait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-timeout:
		return ErrBusy
	}
	defer func() { <-l.slots }()
	fn()
	return nil
}
