package password

import (
	"context"
	"runtime"
)

// Limiter caps how many hashes run at once. Each Argon2 computation holds
// Params.Memory KiB and keeps Params.Threads cores busy, so an unbounded
// burst of sign-ins could exhaust memory or starve every other request; the
// spec caps concurrent hashes at the core count. Requests beyond the cap wait
// instead.
type Limiter struct {
	slots chan struct{}
}

// NewLimiter returns a Limiter allowing n concurrent calls; n <= 0 means
// runtime.GOMAXPROCS(0), the number of cores Go may use.
func NewLimiter(n int) *Limiter {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &Limiter{slots: make(chan struct{}, n)}
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
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-l.slots }()
	fn()
	return nil
}
