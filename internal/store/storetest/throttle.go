package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// Brute-force counters (spec/security.md item 18).

// minutesAfter3 locks for one minute per failure from the third on.
func minutesAfter3(n int64) time.Duration {
	if n < 3 {
		return 0
	}
	return time.Duration(n) * time.Minute
}

// testThrottles: counting, locks, forgetting, clearing.
func testThrottles(t *testing.T, s store.Store) {
	const key = "pwd:acct:alice"
	_, err := s.GetThrottle(ctx(), key)
	mustIs(t, "get missing", err, store.ErrNotFound)

	// Failures one second apart: the lock starts at the third.
	for _, tc := range []struct {
		failures int64
		lock     time.Duration // from the failure's time; 0: none
	}{{1, 0}, {2, 0}, {3, 3 * time.Minute}, {4, 4 * time.Minute}} {
		at := base.Add(time.Duration(tc.failures) * time.Second)
		got, err := s.RecordFailure(ctx(), key, at, base.Add(-time.Hour), minutesAfter3)
		mustNil(t, "RecordFailure", err)
		read, err := s.GetThrottle(ctx(), key)
		mustNil(t, "GetThrottle", err)
		for what, th := range map[string]*store.Throttle{"returned": got, "read back": read} {
			if th.Key != key || th.Failures != tc.failures || !th.UpdatedAt.Equal(at.Truncate(time.Microsecond)) {
				t.Fatalf("failure %d, %s: %+v", tc.failures, what, th)
			}
			switch {
			case tc.lock == 0 && th.LockedUntil != nil:
				t.Fatalf("failure %d, %s: locked until %v, want no lock", tc.failures, what, th.LockedUntil)
			case tc.lock != 0 && (th.LockedUntil == nil || !th.LockedUntil.Equal(at.Add(tc.lock).Truncate(time.Microsecond))):
				t.Fatalf("failure %d, %s: locked until %v, want %v", tc.failures, what, th.LockedUntil, at.Add(tc.lock))
			}
		}
	}
	lockEnd := base.Add(4*time.Second + 4*time.Minute).Truncate(time.Microsecond)

	// A failure that earns a shorter lock does not shorten the one in force.
	got, err := s.RecordFailure(ctx(), key, base.Add(5*time.Second), base.Add(-time.Hour),
		func(int64) time.Duration { return time.Second })
	mustNil(t, "shorter lock", err)
	if got.Failures != 5 || !got.LockedUntil.Equal(lockEnd) {
		t.Fatalf("after a shorter lock: %+v, want 5 failures locked until %v", got, lockEnd)
	}

	// While locked, an old counter is not forgotten; once the lock is over,
	// it is, and the count starts again at one.
	got, err = s.RecordFailure(ctx(), key, base.Add(time.Minute), base.Add(time.Minute), minutesAfter3)
	mustNil(t, "forget while locked", err)
	if got.Failures != 6 {
		t.Fatalf("counter forgotten while locked: %+v", got)
	}
	after := lockEnd.Add(7 * time.Minute) // past the 6-minute lock set just now
	got, err = s.RecordFailure(ctx(), key, after, after, minutesAfter3)
	mustNil(t, "forget", err)
	if got.Failures != 1 || got.LockedUntil != nil {
		t.Fatalf("old counter not forgotten: %+v", got)
	}

	mustNil(t, "clear", s.ClearThrottle(ctx(), key))
	_, err = s.GetThrottle(ctx(), key)
	mustIs(t, "get cleared", err, store.ErrNotFound)
	mustNil(t, "clear again", s.ClearThrottle(ctx(), key))
}

// testGetThrottles: the counters of the keys that have one, in one call.
func testGetThrottles(t *testing.T, s store.Store) {
	for i, key := range []string{"one", "two", "three"} {
		for range i + 1 {
			_, err := s.RecordFailure(ctx(), key, base, time.Time{}, minutesAfter3)
			mustNil(t, "RecordFailure "+key, err)
		}
	}
	for _, tc := range []struct {
		name string
		keys []string
		want map[string]int64 // key -> failures
	}{
		{"no keys", nil, map[string]int64{}},
		{"unknown key", []string{"unknown"}, map[string]int64{}},
		{"one key", []string{"two"}, map[string]int64{"two": 2}},
		{"several, some unknown", []string{"unknown", "three", "one", "nope"}, map[string]int64{"one": 1, "three": 3}},
	} {
		got, err := s.GetThrottles(ctx(), tc.keys...)
		mustNil(t, tc.name, err)
		m := map[string]int64{}
		for _, th := range got {
			m[th.Key] = th.Failures
			if th.Key == "three" && (th.LockedUntil == nil || !th.LockedUntil.Equal(base.Add(3*time.Minute).Truncate(time.Microsecond))) {
				t.Errorf("%s: lock of three = %v", tc.name, th.LockedUntil)
			}
			if !th.UpdatedAt.Equal(base.Truncate(time.Microsecond)) {
				t.Errorf("%s: %s updated at %v", tc.name, th.Key, th.UpdatedAt)
			}
		}
		if len(m) != len(tc.want) || len(got) != len(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, m, tc.want)
			continue
		}
		for k, n := range tc.want {
			if m[k] != n {
				t.Errorf("%s: got %v, want %v", tc.name, m, tc.want)
			}
		}
	}
}

// testThrottleConcurrentFailures: 20 failures recorded at once count 20,
// each caller sees a different count, and the lock is the one 20 earns.
func testThrottleConcurrentFailures(t *testing.T, s store.Store) {
	const (
		key = "pwd:ip:192.0.2.1"
		n   = 20
	)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		seen  = map[int64]bool{}
		errs  []error
		start = make(chan struct{})
	)
	for range n {
		wg.Go(func() {
			<-start
			th, err := s.RecordFailure(ctx(), key, base, base.Add(-time.Hour), minutesAfter3)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			seen[th.Failures] = true
		})
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("concurrent RecordFailure: %v", errs)
	}
	if len(seen) != n {
		t.Errorf("callers saw %d distinct counts, want %d: %v", len(seen), n, seen)
	}
	got, err := s.GetThrottle(ctx(), key)
	mustNil(t, "get", err)
	want := base.Add(minutesAfter3(n)).Truncate(time.Microsecond)
	if got.Failures != n || got.LockedUntil == nil || !got.LockedUntil.Equal(want) {
		t.Fatalf("after %d concurrent failures: %+v, want %d failures locked until %v", n, got, n, want)
	}
}

// testThrottleDeleteExpired: DeleteExpired drops counters unlocked and
// untouched for store.ThrottleRetention, and keeps the others.
func testThrottleDeleteExpired(t *testing.T, s store.Store) {
	now := base.Add(48 * time.Hour)
	old := now.Add(-store.ThrottleRetention - time.Second)
	for _, r := range []struct {
		key  string
		at   time.Time
		lock time.Duration
	}{
		{"old", old, 0},
		{"old-lock-over", old, time.Minute},
		{"old-but-locked", old, store.ThrottleRetention + time.Hour},
		{"recent", now.Add(-time.Hour), 0},
	} {
		_, err := s.RecordFailure(ctx(), r.key, r.at, time.Time{}, func(int64) time.Duration { return r.lock })
		mustNil(t, "RecordFailure "+r.key, err)
	}
	n, err := s.DeleteExpired(ctx(), now)
	mustNil(t, "DeleteExpired", err)
	if n != 2 {
		t.Errorf("DeleteExpired removed %d rows, want 2", n)
	}
	for key, want := range map[string]error{"old": store.ErrNotFound, "old-lock-over": store.ErrNotFound,
		"old-but-locked": nil, "recent": nil} {
		_, err := s.GetThrottle(ctx(), key)
		mustIs(t, key+" after DeleteExpired", err, want)
	}
}
