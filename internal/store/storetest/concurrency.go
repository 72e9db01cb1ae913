package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// testConcurrentReadModifyWrite: writers that all read version 1 and write
// back cannot all win; exactly one does, the others get ErrStale.
func testConcurrentReadModifyWrite(t *testing.T, s store.Store) {
	u := newUser(t, s, "racer", "")
	const n = 8
	copies := make([]*store.User, n)
	for i := range copies {
		c, err := s.GetUser(ctx(), u.ID)
		mustNil(t, "get", err)
		copies[i] = c
	}
	var (
		wg          sync.WaitGroup
		mu          sync.Mutex
		wins, stale int
		unexpected  []error
		start       = make(chan struct{})
	)
	for i, c := range copies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c.Name = fmt.Sprintf("writer %d", i)
			err := s.UpdateUser(ctx(), c)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, store.ErrStale):
				stale++
			default:
				unexpected = append(unexpected, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(unexpected) > 0 {
		t.Fatalf("unexpected errors: %v", unexpected)
	}
	if wins != 1 || stale != n-1 {
		t.Fatalf("wins=%d stale=%d, want 1 and %d", wins, stale, n-1)
	}
	got, err := s.GetUser(ctx(), u.ID)
	mustNil(t, "get after race", err)
	if got.Version != 2 {
		t.Fatalf("version after race = %d, want 2", got.Version)
	}
}

// testTransactionRollback: an error inside InTx leaves nothing behind.
func testTransactionRollback(t *testing.T, s store.Store) {
	boom := errors.New("boom")
	var id string
	err := s.InTx(ctx(), func(tx store.Store) error {
		u := &store.User{ID: uid("user"), Username: "ghost-writer", CreatedAt: base, UpdatedAt: base}
		id = u.ID
		if err := tx.CreateUser(ctx(), u); err != nil {
			return err
		}
		if _, err := tx.GetUser(ctx(), u.ID); err != nil {
			return fmt.Errorf("read own write inside tx: %w", err)
		}
		// Nested InTx joins the outer transaction.
		return tx.InTx(ctx(), func(inner store.Store) error {
			a := &store.Application{ID: uid("app"), Name: "x", Type: store.AppSPA, CreatedAt: base, UpdatedAt: base}
			if err := inner.CreateApplication(ctx(), a); err != nil {
				return err
			}
			return boom
		})
	})
	mustIs(t, "InTx", err, boom)
	_, err = s.GetUser(ctx(), id)
	mustIs(t, "user after rollback", err, store.ErrNotFound)
	_, total, err := s.ListApplications(ctx(), store.Page{})
	mustNil(t, "list apps", err)
	if total != 0 {
		t.Fatalf("application survived rollback: total %d", total)
	}

	// A conflict inside a transaction rolls back the earlier writes too.
	newUser(t, s, "taken", "")
	err = s.InTx(ctx(), func(tx store.Store) error {
		if err := tx.CreateUser(ctx(), &store.User{ID: uid("user"), Username: "first", CreatedAt: base, UpdatedAt: base}); err != nil {
			return err
		}
		return tx.CreateUser(ctx(), &store.User{ID: uid("user"), Username: "TAKEN", CreatedAt: base, UpdatedAt: base})
	})
	mustIs(t, "conflict in tx", err, store.ErrConflict)
	_, err = s.GetUserByUsername(ctx(), "first")
	mustIs(t, "first write after rollback", err, store.ErrNotFound)
}

// testTransactionIncrements: read-modify-write transactions retried on
// ErrStale lose no update.
func testTransactionIncrements(t *testing.T, s store.Store) {
	u := newUser(t, s, "counter", "")
	const n = 10
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for attempt := 0; attempt < 200; attempt++ {
				err := s.InTx(ctx(), func(tx store.Store) error {
					cur, err := tx.GetUser(ctx(), u.ID)
					if err != nil {
						return err
					}
					count, _ := cur.CustomData["count"].(float64)
					cur.CustomData["count"] = count + 1
					return tx.UpdateUser(ctx(), cur)
				})
				if errors.Is(err, store.ErrStale) {
					time.Sleep(time.Millisecond)
					continue
				}
				errs <- err
				return
			}
			errs <- errors.New("gave up after 200 stale attempts")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		mustNil(t, "increment", err)
	}
	got, err := s.GetUser(ctx(), u.ID)
	mustNil(t, "get", err)
	if got.CustomData["count"] != float64(n) {
		t.Fatalf("count = %v, want %d (lost updates)", got.CustomData["count"], n)
	}
}

// testTimeRoundTrip: times come back in UTC with microsecond precision,
// whatever zone they were written in.
func testTimeRoundTrip(t *testing.T, s store.Store) {
	tokyo := time.FixedZone("JST", 9*3600)
	written := time.Date(2026, 11, 26, 18, 30, 15, 123456789, tokyo)
	want := written.UTC().Truncate(time.Microsecond)
	u := &store.User{ID: uid("user"), CreatedAt: written, UpdatedAt: written, LastSignInAt: &written}
	mustNil(t, "create", s.CreateUser(ctx(), u))
	got, err := s.GetUser(ctx(), u.ID)
	mustNil(t, "get", err)
	for name, v := range map[string]time.Time{"CreatedAt": got.CreatedAt, "UpdatedAt": got.UpdatedAt, "LastSignInAt": *got.LastSignInAt} {
		if !v.Equal(want) || v.Location() != time.UTC || v.Nanosecond() != 123456000 {
			t.Errorf("%s = %v (%s), want %v in UTC", name, v, v.Location(), want)
		}
	}
	early := time.Date(1970, 1, 1, 0, 0, 0, 1000, time.UTC)
	a := &store.Application{ID: uid("app"), Name: "t", Type: store.AppSPA, CreatedAt: early, UpdatedAt: early}
	mustNil(t, "create app", s.CreateApplication(ctx(), a))
	ga, err := s.GetApplication(ctx(), a.ID)
	mustNil(t, "get app", err)
	if !ga.CreatedAt.Equal(early) {
		t.Errorf("epoch+1µs read back as %v", ga.CreatedAt)
	}
}
