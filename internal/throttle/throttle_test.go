package throttle

import (
	"context"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/storetesting"
)

// clock is a fake clock tests move by hand.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)} }
func ctx() context.Context               { return context.Background() }
func seconds(n int64) time.Duration      { return time.Duration(n) * time.Second }

func mustNil(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestLockFor(t *testing.T) {
	for _, tc := range []struct {
		name     string
		l        Limiter
		failures int64
		want     time.Duration
	}{
		{"first failure", Limiter{}, 1, 0},
		{"last free failure", Limiter{}, 5, 0},
		{"first lock", Limiter{}, 6, time.Second},
		{"doubles", Limiter{}, 7, 2 * time.Second},
		{"doubles again", Limiter{}, 8, 4 * time.Second},
		{"below the cap", Limiter{}, 15, 512 * time.Second},
		{"capped", Limiter{}, 16, 15 * time.Minute},
		{"capped for ever", Limiter{}, 1 << 40, 15 * time.Minute},
		{"no overflow at the shift limit", Limiter{}, 5 + 63, 15 * time.Minute},
		{"IP allowance", Limiter{Free: 20}, 20, 0},
		{"IP first lock", Limiter{Free: 20}, 21, time.Second},
		{"own base and cap", Limiter{Free: 1, Base: time.Minute, Max: time.Hour}, 4, 4 * time.Minute},
		{"own cap", Limiter{Free: 1, Base: time.Minute, Max: time.Hour}, 9, time.Hour},
	} {
		if got := tc.l.LockFor(tc.failures); got != tc.want {
			t.Errorf("%s: LockFor(%d) = %v, want %v", tc.name, tc.failures, got, tc.want)
		}
	}
}

// TestBackOff drives one key through the whole sequence on a real store
// with a fake clock: each failure's lock holds until it ends, then the next
// failure doubles it, up to the cap; a success clears it.
func TestBackOff(t *testing.T) {
	c := newClock()
	l := &Limiter{Store: storetesting.SQLite(t), Now: c.Now}
	const key = "pwd:acct:test"
	want := []time.Duration{0, 0, 0, 0, 0, seconds(1), seconds(2), seconds(4), seconds(8), seconds(16),
		seconds(32), seconds(64), seconds(128), seconds(256), seconds(512), 15 * time.Minute, 15 * time.Minute}
	for i, lock := range want {
		mustNil(t, "Fail", l.Fail(ctx(), key))
		wait, err := l.Check(ctx(), key)
		mustNil(t, "Check", err)
		if wait != lock {
			t.Fatalf("after failure %d: wait %v, want %v", i+1, wait, lock)
		}
		c.advance(wait - time.Millisecond)
		if wait, _ := l.Check(ctx(), key); lock > 0 && wait != time.Millisecond {
			t.Fatalf("after failure %d, 1 ms before the end: wait %v", i+1, wait)
		}
		c.advance(time.Millisecond)
		if wait, _ := l.Check(ctx(), key); wait != 0 {
			t.Fatalf("after failure %d: still locked %v after the lock ended", i+1, wait)
		}
	}
	mustNil(t, "Succeed", l.Succeed(ctx(), key))
	for i := range 6 {
		mustNil(t, "Fail", l.Fail(ctx(), key))
		if wait, _ := l.Check(ctx(), key); (i < 5) != (wait == 0) {
			t.Fatalf("after a success, failure %d: wait %v (the allowance starts over)", i+1, wait)
		}
	}
}

// TestCheckSeveralKeys: the longest lock in force wins; empty keys and keys
// without failures do not count.
func TestCheckSeveralKeys(t *testing.T) {
	c := newClock()
	st := storetesting.SQLite(t)
	short := &Limiter{Store: st, Now: c.Now, Free: 1, Base: time.Minute}
	long := &Limiter{Store: st, Now: c.Now, Free: 1, Base: time.Hour, Max: time.Hour}
	for range 2 {
		mustNil(t, "fail short", short.Fail(ctx(), "a"))
		mustNil(t, "fail long", long.Fail(ctx(), "b", ""))
	}
	for _, tc := range []struct {
		keys []string
		want time.Duration
	}{
		{nil, 0},
		{[]string{""}, 0},
		{[]string{"unknown"}, 0},
		{[]string{"a"}, time.Minute},
		{[]string{"a", "", "b", "unknown"}, time.Hour},
	} {
		// Any Limiter on the store answers alike: the lock is stored.
		got, err := short.Check(ctx(), tc.keys...)
		mustNil(t, "Check", err)
		if got != tc.want {
			t.Errorf("Check(%q) = %v, want %v", tc.keys, got, tc.want)
		}
	}
}

// TestForget: a counter idle for Forget starts over, so an office's typos
// spread over a day never add up to a lock.
func TestForget(t *testing.T) {
	c := newClock()
	l := &Limiter{Store: storetesting.SQLite(t), Now: c.Now, Free: 3, Forget: time.Hour}
	for day := range 5 {
		for range 3 {
			mustNil(t, "Fail", l.Fail(ctx(), "pwd:ip:192.0.2.1"))
			c.advance(61 * time.Minute)
		}
		if wait, _ := l.Check(ctx(), "pwd:ip:192.0.2.1"); wait != 0 {
			t.Fatalf("day %d: locked %v by failures an hour apart", day, wait)
		}
	}
	for range 4 {
		mustNil(t, "Fail", l.Fail(ctx(), "pwd:ip:192.0.2.1"))
		c.advance(59 * time.Minute)
	}
	c.advance(-59 * time.Minute)
	if wait, _ := l.Check(ctx(), "pwd:ip:192.0.2.1"); wait != time.Second {
		t.Fatalf("4 failures within the hour: wait %v, want 1s", wait)
	}
}
