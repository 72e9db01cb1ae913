package storetest

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// Verification codes: single use, expiring, one live code per identifier
// and purpose (spec/security.md items 18 and 20).

// newVerificationCode returns an unsaved code of identifier and purpose
// created at at, expiring 10 minutes later.
func newVerificationCode(identifier, purpose string, at time.Time) *store.VerificationCode {
	id := uid("vc")
	return &store.VerificationCode{
		ID: id, Identifier: identifier, Purpose: purpose, CodeHash: []byte("hash of " + id),
		CreatedAt: at, ExpiresAt: at.Add(10 * time.Minute),
	}
}

// createCode stores c, replacing any live code of its identifier and purpose.
func createCode(t *testing.T, s store.Store, c *store.VerificationCode) {
	t.Helper()
	mustNil(t, "CreateVerificationCode", s.CreateVerificationCode(ctx(), c, c.CreatedAt.Add(time.Hour)))
}

func sameVerificationCode(t *testing.T, what string, got, want *store.VerificationCode) {
	t.Helper()
	us := func(x time.Time) time.Time { return x.UTC().Truncate(time.Microsecond) }
	if got.ID != want.ID || got.Identifier != want.Identifier || got.Purpose != want.Purpose ||
		!bytes.Equal(got.CodeHash, want.CodeHash) || got.Attempts != want.Attempts ||
		!got.CreatedAt.Equal(us(want.CreatedAt)) || got.CreatedAt.Location() != time.UTC ||
		!got.ExpiresAt.Equal(us(want.ExpiresAt)) || got.ExpiresAt.Location() != time.UTC ||
		(got.ConsumedAt == nil) != (want.ConsumedAt == nil) ||
		(got.ConsumedAt != nil && !got.ConsumedAt.Equal(us(*want.ConsumedAt))) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// testVerificationCodes: create, read back, count attempts, consume once,
// delete.
func testVerificationCodes(t *testing.T, s store.Store) {
	const who = "alice@example.com"
	_, err := s.GetLatestVerificationCode(ctx(), who, "SignIn")
	mustIs(t, "latest of none", err, store.ErrNotFound)

	c := newVerificationCode(who, "SignIn", base)
	createCode(t, s, c)
	got, err := s.GetLatestVerificationCode(ctx(), who, "SignIn")
	mustNil(t, "GetLatestVerificationCode", err)
	sameVerificationCode(t, "read back", got, c)
	for _, tc := range []struct{ identifier, purpose string }{
		{who, "Register"}, {"bob@example.com", "SignIn"}, {"Alice@Example.com", "SignIn"},
	} {
		_, err := s.GetLatestVerificationCode(ctx(), tc.identifier, tc.purpose)
		mustIs(t, "latest of "+tc.identifier+" "+tc.purpose, err, store.ErrNotFound)
	}

	for want := int64(1); want <= 3; want++ {
		n, err := s.RecordVerificationAttempt(ctx(), c.ID)
		mustNil(t, "RecordVerificationAttempt", err)
		if n != want {
			t.Fatalf("attempt count %d, want %d", n, want)
		}
	}
	_, err = s.RecordVerificationAttempt(ctx(), "unknown")
	mustIs(t, "attempt on unknown code", err, store.ErrNotFound)
	c.Attempts = 3

	at := base.Add(time.Minute)
	consumed, err := s.ConsumeVerificationCode(ctx(), c.ID, at)
	mustNil(t, "ConsumeVerificationCode", err)
	c.ConsumedAt = &at
	sameVerificationCode(t, "consumed", consumed, c)
	again, err := s.ConsumeVerificationCode(ctx(), c.ID, at.Add(time.Second))
	mustIs(t, "consume again", err, store.ErrConsumed)
	sameVerificationCode(t, "consumed again", again, c)
	_, err = s.ConsumeVerificationCode(ctx(), "unknown", at)
	mustIs(t, "consume unknown", err, store.ErrNotFound)
	got, err = s.GetLatestVerificationCode(ctx(), who, "SignIn")
	mustNil(t, "latest after consume", err)
	sameVerificationCode(t, "latest after consume", got, c)

	// A consumed code is not live: a new one is stored at once, and is the
	// latest even when created at the same instant.
	fresh := newVerificationCode(who, "SignIn", at)
	mustNil(t, "create after consume", s.CreateVerificationCode(ctx(), fresh, at.Add(-time.Minute)))
	got, err = s.GetLatestVerificationCode(ctx(), who, "SignIn")
	mustNil(t, "latest after new code", err)
	sameVerificationCode(t, "latest after new code", got, fresh)

	mustNil(t, "DeleteVerificationCode", s.DeleteVerificationCode(ctx(), fresh.ID))
	mustIs(t, "delete again", s.DeleteVerificationCode(ctx(), fresh.ID), store.ErrNotFound)
	got, err = s.GetLatestVerificationCode(ctx(), who, "SignIn")
	mustNil(t, "latest after delete", err)
	sameVerificationCode(t, "latest after delete", got, c)
}

// testVerificationCodeReplace: a new code replaces the live one of its
// identifier and purpose only when that was created at or before the
// cutoff; the replaced code is gone.
func testVerificationCodeReplace(t *testing.T, s store.Store) {
	const who = "+81901234567"
	first := newVerificationCode(who, "Register", base)
	createCode(t, s, first)
	other := newVerificationCode(who, "SignIn", base) // another purpose: independent
	createCode(t, s, other)

	for _, tc := range []struct {
		name    string
		at      time.Time
		cutoff  time.Time
		wantErr error
	}{
		{"live code newer than the cutoff", base.Add(30 * time.Second), base.Add(-30 * time.Second), store.ErrConflict},
		{"live code a microsecond newer", base.Add(time.Minute), base.Add(-time.Microsecond), store.ErrConflict},
		{"live code as old as the cutoff", base.Add(time.Minute), base, nil},
		{"live code older than the cutoff", base.Add(3 * time.Minute), base.Add(2 * time.Minute), nil},
	} {
		before, err := s.GetLatestVerificationCode(ctx(), who, "Register")
		mustNil(t, tc.name+": latest before", err)
		c := newVerificationCode(who, "Register", tc.at)
		err = s.CreateVerificationCode(ctx(), c, tc.cutoff)
		mustIs(t, tc.name, err, tc.wantErr)
		got, gerr := s.GetLatestVerificationCode(ctx(), who, "Register")
		mustNil(t, tc.name+": latest after", gerr)
		if tc.wantErr != nil {
			sameVerificationCode(t, tc.name+": kept", got, before)
			continue
		}
		sameVerificationCode(t, tc.name+": replaced", got, c)
		_, err = s.RecordVerificationAttempt(ctx(), before.ID)
		mustIs(t, tc.name+": attempt on the replaced code", err, store.ErrNotFound)
		_, err = s.ConsumeVerificationCode(ctx(), before.ID, tc.at)
		mustIs(t, tc.name+": consume the replaced code", err, store.ErrNotFound)
	}
	got, err := s.GetLatestVerificationCode(ctx(), who, "SignIn")
	mustNil(t, "other purpose", err)
	sameVerificationCode(t, "other purpose", got, other)
}

// testVerificationCodeConcurrentCreate: of concurrent sends for one
// identifier and purpose, with no old code to replace, exactly one stores
// its code; the others get ErrConflict.
func testVerificationCodeConcurrentCreate(t *testing.T, s store.Store) {
	const n = 10
	results := raceAll(n, func() error {
		c := newVerificationCode("carol@example.com", "SignIn", base)
		return s.CreateVerificationCode(ctx(), c, base.Add(-time.Minute))
	})
	wins, conflicts, other := countResults(results, store.ErrConflict)
	if wins != 1 || conflicts != n-1 {
		t.Fatalf("wins=%d conflicts=%d unexpected=%v, want 1 and %d", wins, conflicts, other, n-1)
	}
}

// testVerificationCodeConcurrentConsume: of concurrent consumers exactly
// one wins; the others get ErrConsumed (spec/security.md item 20).
func testVerificationCodeConcurrentConsume(t *testing.T, s store.Store) {
	const n = 10
	c := newVerificationCode("dave@example.com", "ForgotPassword", base)
	createCode(t, s, c)
	results := raceAll(n, func() error {
		_, err := s.ConsumeVerificationCode(ctx(), c.ID, base.Add(time.Second))
		return err
	})
	wins, consumed, other := countResults(results, store.ErrConsumed)
	if wins != 1 || consumed != n-1 {
		t.Fatalf("wins=%d consumed=%d unexpected=%v, want 1 and %d", wins, consumed, other, n-1)
	}
}

// testVerificationCodeConcurrentAttempts: concurrent attempts each see a
// different count, and none is lost.
func testVerificationCodeConcurrentAttempts(t *testing.T, s store.Store) {
	const n = 20
	c := newVerificationCode("erin@example.com", "SignIn", base)
	createCode(t, s, c)
	var (
		mu   sync.Mutex
		seen = map[int64]bool{}
	)
	results := raceAll(n, func() error {
		got, err := s.RecordVerificationAttempt(ctx(), c.ID)
		mu.Lock()
		defer mu.Unlock()
		seen[got] = true
		return err
	})
	if _, _, other := countResults(results, nil); len(other) > 0 {
		t.Fatalf("concurrent RecordVerificationAttempt: %v", other)
	}
	if len(seen) != n {
		t.Errorf("callers saw %d distinct counts, want %d", len(seen), n)
	}
	got, err := s.GetLatestVerificationCode(ctx(), c.Identifier, c.Purpose)
	mustNil(t, "latest", err)
	if got.Attempts != n {
		t.Fatalf("attempts after %d concurrent ones: %d", n, got.Attempts)
	}
}

// testVerificationCodeDeleteExpired: DeleteExpired drops codes past their
// expiry, consumed or not, and keeps the others.
func testVerificationCodeDeleteExpired(t *testing.T, s store.Store) {
	now := base.Add(time.Hour)
	codes := []struct {
		c       *store.VerificationCode
		consume bool
		gone    bool
	}{
		{newVerificationCode("old@example.com", "SignIn", now.Add(-11*time.Minute)), false, true},
		{newVerificationCode("old-used@example.com", "SignIn", now.Add(-11*time.Minute)), true, true},
		{newVerificationCode("live@example.com", "SignIn", now.Add(-9*time.Minute)), false, false},
		{newVerificationCode("used@example.com", "SignIn", now.Add(-9*time.Minute)), true, false},
	}
	for _, r := range codes {
		createCode(t, s, r.c)
		if r.consume {
			_, err := s.ConsumeVerificationCode(ctx(), r.c.ID, r.c.CreatedAt.Add(time.Second))
			mustNil(t, "consume "+r.c.Identifier, err)
		}
	}
	n, err := s.DeleteExpired(ctx(), now)
	mustNil(t, "DeleteExpired", err)
	if n != 2 {
		t.Errorf("DeleteExpired removed %d rows, want 2", n)
	}
	for _, r := range codes {
		_, err := s.GetLatestVerificationCode(ctx(), r.c.Identifier, r.c.Purpose)
		if gone := errors.Is(err, store.ErrNotFound); gone != r.gone || (err != nil && !gone) {
			t.Errorf("%s after DeleteExpired: %v, want gone=%v", r.c.Identifier, err, r.gone)
		}
	}
}

// raceAll runs fn n times at once and returns every error, in no order.
func raceAll(n int, fn func() error) []error {
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn()
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// countResults counts the nil errors and those that are lost (errors.Is),
// and returns the rest.
func countResults(errs []error, lost error) (wins, losses int, other []error) {
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case lost != nil && errors.Is(err, lost):
			losses++
		default:
			other = append(other, err)
		}
	}
	return wins, losses, other
}
