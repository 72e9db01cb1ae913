package verification

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/notify"
	"github.com/monban-dev/monban/internal/store"
)

// TestSendThrottle: one code per identifier and purpose per minute, and
// hourly caps per address and per identifier (spec/security.md item 18).
func TestSendThrottle(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, f *fixture)
	}{
		{"resend within a minute", func(t *testing.T, f *fixture) {
			const who = "alice@example.com"
			f.send(t, who, SignIn)
			f.clock.add(20 * time.Second)
			err := f.svc.Send(ctx, Email, "ALICE@example.com", SignIn, "en", otherIP)
			if w := tooSoon(t, "resend after 20 s", err); w != 40*time.Second {
				t.Fatalf("wait %v, want 40s", w)
			}
			if f.email.count() != 1 {
				t.Fatalf("%d messages, want 1", f.email.count())
			}
			f.send(t, who, Register) // another purpose: its own interval
			f.clock.add(40 * time.Second)
			f.send(t, who, SignIn)
		}},
		{"resend at once after the code was used", func(t *testing.T, f *fixture) {
			const who = "bob@example.com"
			code := f.send(t, who, SignIn)
			if err := f.verify(who, SignIn, code); err != nil {
				t.Fatal(err)
			}
			f.send(t, who, SignIn)
		}},
		{"per address", func(t *testing.T, f *fixture) {
			for i := range MaxSendsPerIP {
				f.send(t, fmt.Sprintf("user%d@example.com", i), SignIn)
			}
			f.clock.add(15 * time.Minute)
			err := f.svc.Send(ctx, Email, "one-more@example.com", SignIn, "en", testIP)
			if w := tooSoon(t, "past the cap", err); w != 45*time.Minute {
				t.Fatalf("wait %v, want the 45 min left of the hour", w)
			}
			// The same /64 is the same address.
			v6 := netip.MustParseAddr("2001:db8:1:2::1")
			for i := range MaxSendsPerIP {
				if err := f.svc.Send(ctx, Email, fmt.Sprintf("v6-%d@example.com", i), SignIn, "en", v6); err != nil {
					t.Fatal(err)
				}
			}
			err = f.svc.Send(ctx, Email, "one-more@example.com", SignIn, "en", netip.MustParseAddr("2001:db8:1:2:ffff::9"))
			tooSoon(t, "same /64", err)
			if err := f.svc.Send(ctx, Email, "one-more@example.com", SignIn, "en", otherIP); err != nil {
				t.Fatalf("another address: %v", err)
			}
			f.clock.add(45 * time.Minute)
			f.send(t, "next-hour@example.com", SignIn)
		}},
		{"per identifier", func(t *testing.T, f *fixture) {
			const who = "carol@example.com"
			purposes := []Purpose{SignIn, Register, ForgotPassword}
			for i := range MaxSendsPerIdentifier {
				ip := netip.AddrFrom4([4]byte{203, 0, 113, byte(i)})
				if err := f.svc.Send(ctx, Email, who, purposes[i%3], "en", ip); err != nil {
					t.Fatalf("send %d: %v", i+1, err)
				}
				f.clock.add(ResendInterval)
			}
			err := f.svc.Send(ctx, Email, who, SignIn, "en", otherIP)
			tooSoon(t, "past the cap", err)
			f.send(t, "dave@example.com", SignIn) // others are not held
			f.clock.add(SendWindow)
			f.send(t, who, SignIn)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newFixture(t)) })
	}
}

// TestSendConcurrent: of concurrent sends for one identifier and purpose,
// one code goes out; the others are ErrTooSoon.
func TestSendConcurrent(t *testing.T) {
	const n = 8
	f := newFixture(t)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		ok, soon int
		other    []error
		start    = make(chan struct{})
	)
	for range n {
		wg.Go(func() {
			<-start
			err := f.svc.Send(context.Background(), Phone, "+81901234567", SignIn, "ja", testIP)
			mu.Lock()
			defer mu.Unlock()
			var e ErrTooSoon
			switch {
			case err == nil:
				ok++
			case errors.As(err, &e):
				soon++
			default:
				other = append(other, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if ok != 1 || soon != n-1 || len(other) > 0 || f.sms.count() != 1 {
		t.Fatalf("ok=%d too soon=%d other=%v messages=%d, want 1, %d, none, 1", ok, soon, other, n-1, f.sms.count())
	}
}

// TestSendErrors: what Send refuses, and a connector failing.
func TestSendErrors(t *testing.T) {
	ctx := context.Background()
	var typedNil *notify.Webhook
	for _, tc := range []struct {
		name   string
		email  notify.Sender
		sms    notify.Sender
		ch     Channel
		to     string
		target error
	}{
		{"no email sender", nil, &fakeSender{}, Email, "a@example.com", ErrNotConfigured},
		{"no SMS sender", &fakeSender{}, nil, Phone, "+81901234567", ErrNotConfigured},
		{"nil pointer sender", typedNil, &fakeSender{}, Email, "a@example.com", ErrNotConfigured},
		{"not an email address", &fakeSender{}, &fakeSender{}, Email, "a@example", ErrIdentifier},
		{"not a phone number", &fakeSender{}, &fakeSender{}, Phone, "090-1234-5678", ErrIdentifier},
		{"unknown channel", &fakeSender{}, &fakeSender{}, "fax", "+81901234567", ErrIdentifier},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.svc.Email, f.svc.SMS = tc.email, tc.sms
			err := f.svc.Send(ctx, tc.ch, tc.to, SignIn, "en", testIP)
			mustIs(t, "Send", err, tc.target)
			if tc.target == ErrNotConfigured && !errors.Is(err, notify.ErrNotConfigured) {
				t.Errorf("%v does not wrap notify.ErrNotConfigured", err)
			}
			if ident, nerr := Normalize(tc.ch, tc.to); nerr == nil {
				_, gerr := f.svc.Store.GetLatestVerificationCode(ctx, ident, string(SignIn))
				mustIs(t, "code stored", gerr, store.ErrNotFound)
			}
		})
	}

	t.Run("connector fails", func(t *testing.T) {
		f := newFixture(t)
		down := errors.New("smtp: 421 service not available")
		f.email.err = down
		err := f.svc.Send(ctx, Email, "erin@example.com", SignIn, "en", testIP)
		mustIs(t, "Send", err, down)
		if code := f.email.last(t).Code; strings.Contains(err.Error(), code) {
			t.Fatalf("the error %q shows the code", err)
		}
		// The undelivered code is gone: the user may ask again at once.
		f.email.err = nil
		code := f.send(t, "erin@example.com", SignIn)
		if err := f.verify("erin@example.com", SignIn, code); err != nil {
			t.Fatal(err)
		}
	})
}
