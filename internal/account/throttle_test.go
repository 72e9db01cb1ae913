package account

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/storetesting"
)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// lockedFor returns the wait of an ErrLocked, failing on any other result.
func lockedFor(t *testing.T, what string, err error) time.Duration {
	t.Helper()
	var locked ErrLocked
	if !errors.As(err, &locked) || locked.Wait <= 0 {
		t.Fatalf("%s: %v, want ErrLocked", what, err)
	}
	return locked.Wait
}

// TestAuthenticateLockout: six wrong passwords lock the identifier, known
// or not, and the seventh attempt is refused even with the right password,
// from any address, without checking it; once the wait is over the right
// password works and clears the counter (spec/security.md items 18, 19).
func TestAuthenticateLockout(t *testing.T) {
	const pw = "open sesame"
	for _, tc := range []struct {
		name      string
		typed     string // identifier of the failures
		retypedAs string // the same identifier as typed later
		known     bool
	}{
		{"username", "reader", "READER", true},
		{"email", "Reader@Example.com", "reader@example.com ", true},
		{"unknown identifier", "nobody", "Nobody", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			c := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
			s := &Service{Store: storetesting.SQLite(t), Params: fast, Now: c.Now}
			if _, err := s.CreateUser(ctx, NewUser{Username: "reader", Password: pw, PrimaryEmail: "Reader@Example.com"}); err != nil {
				t.Fatal(err)
			}
			for i := range 6 {
				if _, err := s.Authenticate(ctx, tc.typed, "wrong", testIP); err != ErrInvalidCredentials {
					t.Fatalf("wrong password %d: %v, want ErrInvalidCredentials", i+1, err)
				}
			}
			// Locked, at any address. The one hashing slot is taken: a
			// password check would wait and fail with ErrBusy.
			s.Limiter = password.NewLimiter(1)
			s.Limiter.MaxWait = 50 * time.Millisecond
			hold, held := make(chan struct{}), make(chan struct{})
			go s.Limiter.Do(ctx, func() { close(held); <-hold })
			<-held
			for _, ip := range []netip.Addr{testIP, netip.MustParseAddr("198.51.100.7"), {}} {
				_, err := s.Authenticate(ctx, tc.retypedAs, pw, ip)
				if w := lockedFor(t, "right password while locked from "+ip.String(), err); w != time.Second {
					t.Fatalf("wait %v, want 1s (the first back-off)", w)
				}
			}
			close(hold)

			c.t = c.t.Add(time.Second)
			u, err := s.Authenticate(ctx, tc.retypedAs, pw, testIP)
			if !tc.known {
				if err != ErrInvalidCredentials {
					t.Fatalf("unknown identifier after the wait: %v", err)
				}
				if _, err := s.Authenticate(ctx, tc.retypedAs, pw, testIP); lockedFor(t, "next attempt", err) != 2*time.Second {
					t.Fatal("the seventh failure did not double the back-off")
				}
				return
			}
			if err != nil || u.Username != "reader" {
				t.Fatalf("right password after the wait: %v", err)
			}
			// The success cleared the counter: five more failures are free.
			for i := range 5 {
				if _, err := s.Authenticate(ctx, tc.typed, "wrong", netip.MustParseAddr("198.51.100.7")); err != ErrInvalidCredentials {
					t.Fatalf("failure %d after the success: %v", i+1, err)
				}
			}
		})
	}
}

// TestAuthenticateIPLockout: one address failing with many identifiers is
// locked for every identifier (after 20 free failures); other addresses are
// not.
func TestAuthenticateIPLockout(t *testing.T) {
	ctx := context.Background()
	s := &Service{Store: storetesting.SQLite(t), Params: fast}
	if _, err := s.CreateUser(ctx, NewUser{Username: "reader", Password: "open sesame"}); err != nil {
		t.Fatal(err)
	}
	sprayer := netip.MustParseAddr("2001:db8:6:6::1")
	for i := range 21 {
		id := string(rune('a'+i%26)) + "user"
		if _, err := s.Authenticate(ctx, id, "Password1", sprayer); err != ErrInvalidCredentials {
			t.Fatalf("spray %d: %v", i+1, err)
		}
	}
	// Another address of the same /64 is the same subscriber.
	_, err := s.Authenticate(ctx, "reader", "open sesame", netip.MustParseAddr("2001:db8:6:6::2"))
	lockedFor(t, "right password from the sprayer's /64", err)
	if _, err := s.Authenticate(ctx, "reader", "open sesame", testIP); err != nil {
		t.Fatalf("right password from another address: %v", err)
	}
}

// TestAuthenticateNotCounted: what is not a wrong password is not a failure.
func TestAuthenticateNotCounted(t *testing.T) {
	ctx := context.Background()
	s := &Service{Store: storetesting.SQLite(t), Params: fast}
	u, err := s.CreateUser(ctx, NewUser{Username: "reader", Password: "open sesame"})
	if err != nil {
		t.Fatal(err)
	}
	u.IsSuspended = true
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ctx  func() context.Context
		id   string
		want error
	}{
		{"suspended, right password", context.Background, "reader", ErrSuspended},
		{"request gone", func() context.Context {
			c, cancel := context.WithCancel(ctx)
			cancel()
			return c
		}, "nobody", context.Canceled},
	} {
		s.Limiter = password.NewLimiter(1)
		for i := range 10 {
			if _, err := s.Authenticate(tc.ctx(), tc.id, "open sesame", testIP); !errors.Is(err, tc.want) {
				t.Fatalf("%s, attempt %d: %v, want %v", tc.name, i+1, err, tc.want)
			}
		}
	}
}
