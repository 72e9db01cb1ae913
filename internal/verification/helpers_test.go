package verification

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/notify"
	"github.com/monban-dev/monban/internal/storetesting"
)

var (
	testIP  = netip.MustParseAddr("192.0.2.10")
	otherIP = netip.MustParseAddr("198.51.100.7")
	// start is on the hour, so the send counters' window begins with a test.
	start = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
)

// fakeSender captures the messages it is given; with err set it captures
// them and fails.
type fakeSender struct {
	mu   sync.Mutex
	msgs []notify.Message
	err  error
}

func (f *fakeSender) Send(_ context.Context, m notify.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, m)
	return f.err
}

func (f *fakeSender) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.msgs)
}

// last returns the last message captured.
func (f *fakeSender) last(t *testing.T) notify.Message {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.msgs) == 0 {
		t.Fatal("no message sent")
	}
	return f.msgs[len(f.msgs)-1]
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a Service on a fresh SQLite store, with fake senders and a
// fake clock at start.
type fixture struct {
	svc        *Service
	email, sms *fakeSender
	clock      *clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{email: &fakeSender{}, sms: &fakeSender{}, clock: &clock{t: start}}
	f.svc = &Service{Store: storetesting.SQLite(t), Email: f.email, SMS: f.sms, Now: f.clock.Now}
	return f
}

func (f *fixture) sender(ch Channel) *fakeSender {
	if ch == Phone {
		return f.sms
	}
	return f.email
}

// send sends a code to an email address from testIP and returns it, as the
// message carried it.
func (f *fixture) send(t *testing.T, to string, purpose Purpose) string {
	t.Helper()
	if err := f.svc.Send(context.Background(), Email, to, purpose, "en", testIP); err != nil {
		t.Fatalf("Send to %s: %v", to, err)
	}
	return f.email.last(t).Code
}

func (f *fixture) verify(to string, purpose Purpose, code string) error {
	return f.svc.Verify(context.Background(), Email, to, purpose, code, testIP)
}

// wrong returns a well-formed code other than code.
func wrong(code string) string {
	n, _ := strconv.Atoi(code)
	return fmt.Sprintf("%06d", (n+1)%1_000_000)
}

func mustIs(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: %v, want %v", what, err, target)
	}
}

// tooSoon returns the wait of an ErrTooSoon, failing on any other result.
func tooSoon(t *testing.T, what string, err error) time.Duration {
	t.Helper()
	var e ErrTooSoon
	if !errors.As(err, &e) || e.Wait <= 0 {
		t.Fatalf("%s: %v, want ErrTooSoon", what, err)
	}
	return e.Wait
}

// locked returns the wait of an ErrLocked, failing on any other result.
func locked(t *testing.T, what string, err error) time.Duration {
	t.Helper()
	var e ErrLocked
	if !errors.As(err, &e) || e.Wait <= 0 {
		t.Fatalf("%s: %v, want ErrLocked", what, err)
	}
	return e.Wait
}
