package verification

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/throttle"
)

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// TestSendVerify: a code sent by email or SMS arrives in a message to the
// normalised identifier and verifies once (spec/security.md item 20).
func TestSendVerify(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ch       Channel
		to       string // as typed when sending
		retyped  string // the same identifier as typed when verifying
		want     string // the normalised identifier
		purpose  Purpose
		subject  bool
		typeCode func(code string) string
	}{
		{"email sign-in", Email, "Alice@Example.com", " alice@example.COM", "alice@example.com", SignIn, true,
			func(c string) string { return c }},
		{"email register, code with a space", Email, "bob@example.org", "bob@example.org", "bob@example.org",
			Register, true, func(c string) string { return c[:3] + " " + c[3:] }},
		{"SMS forgot password", Phone, "+81 90-1234-5678", "819012345678", "+819012345678", ForgotPassword, false,
			func(c string) string { return c }},
		{"SMS, full-width code", Phone, "+1 (415) 555-0100", "+14155550100", "+14155550100", SignIn, false,
			func(c string) string {
				return strings.Map(func(r rune) rune { return r - '0' + '０' }, c)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			if err := f.svc.Send(ctx, tc.ch, tc.to, tc.purpose, "en", testIP); err != nil {
				t.Fatalf("Send: %v", err)
			}
			m := f.sender(tc.ch).last(t)
			if m.To != tc.want || m.Type != string(tc.purpose) || m.Locale != "en" || !sixDigits.MatchString(m.Code) {
				t.Fatalf("message %+v", m)
			}
			if (m.Subject != "") != tc.subject || !strings.Contains(m.Body, m.Code) {
				t.Fatalf("message text: subject %q, body %q", m.Subject, m.Body)
			}
			if n := f.email.count() + f.sms.count(); n != 1 {
				t.Fatalf("%d messages sent, want 1", n)
			}

			if err := f.svc.Verify(ctx, tc.ch, tc.retyped, tc.purpose, tc.typeCode(m.Code), otherIP); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			err := f.svc.Verify(ctx, tc.ch, tc.retyped, tc.purpose, m.Code, testIP)
			mustIs(t, "replay", err, ErrInvalid)
		})
	}
}

// TestVerify: the outcomes of checking a code (spec/security.md items 18
// and 20). Each scenario starts with a fresh store and no code sent.
func TestVerify(t *testing.T) {
	const who = "carol@example.com"
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, f *fixture)
	}{
		{"wrong code, then the right one", func(t *testing.T, f *fixture) {
			code := f.send(t, who, SignIn)
			mustIs(t, "wrong code", f.verify(who, SignIn, wrong(code)), ErrInvalid)
			if err := f.verify(who, SignIn, code); err != nil {
				t.Fatalf("right code after a wrong one: %v", err)
			}
		}},
		{"replay after success", func(t *testing.T, f *fixture) {
			code := f.send(t, who, SignIn)
			if err := f.verify(who, SignIn, code); err != nil {
				t.Fatal(err)
			}
			f.clock.add(time.Second)
			mustIs(t, "replay", f.verify(who, SignIn, code), ErrInvalid)
		}},
		{"expired", func(t *testing.T, f *fixture) {
			code := f.send(t, who, SignIn)
			f.clock.add(CodeTTL + time.Second)
			mustIs(t, "after 10 min 1 s", f.verify(who, SignIn, code), ErrExpired)
		}},
		{"valid until the last moment", func(t *testing.T, f *fixture) {
			code := f.send(t, who, SignIn)
			f.clock.add(CodeTTL)
			if err := f.verify(who, SignIn, code); err != nil {
				t.Fatalf("after exactly 10 min: %v", err)
			}
		}},
		{"none sent", func(t *testing.T, f *fixture) {
			mustIs(t, "no code", f.verify(who, SignIn, "123456"), ErrInvalid)
		}},
		{"another purpose or address", func(t *testing.T, f *fixture) {
			code := f.send(t, who, SignIn)
			mustIs(t, "other purpose", f.verify(who, Register, code), ErrInvalid)
			mustIs(t, "other address", f.verify("dave@example.com", SignIn, code), ErrInvalid)
			mustIs(t, "as a phone", f.svc.Verify(context.Background(), Phone, who, SignIn, code, testIP), ErrInvalid)
		}},
		{"a new code invalidates the old one", func(t *testing.T, f *fixture) {
			old := f.send(t, who, SignIn)
			code := old
			for code == old { // one chance in a million that they are equal
				f.clock.add(ResendInterval)
				code = f.send(t, who, SignIn)
			}
			mustIs(t, "old code", f.verify(who, SignIn, old), ErrInvalid)
			if err := f.verify(who, SignIn, code); err != nil {
				t.Fatalf("new code: %v", err)
			}
		}},
		{"five wrong attempts kill the code", func(t *testing.T, f *fixture) {
			g := throttle.Accounts(throttle.KindCode, f.svc.Store, f.clock.Now)
			g.Account.Free, g.IP.Free = 100, 100 // the code's own limit alone
			f.svc.Throttle = g
			code := f.send(t, who, SignIn)
			for range MaxAttempts {
				mustIs(t, "wrong code", f.verify(who, SignIn, wrong(code)), ErrInvalid)
			}
			mustIs(t, "right code after 5 wrong", f.verify(who, SignIn, code), ErrInvalid)
		}},
		{"malformed input counts nothing", func(t *testing.T, f *fixture) {
			code := f.send(t, who, SignIn)
			for _, typed := range []string{"", "12345", "1234567", "abcdef", code + "0", "12a456", "١٢٣٤٥٦"} {
				for range MaxAttempts + 2 {
					mustIs(t, "malformed "+typed, f.verify(who, SignIn, typed), ErrInvalid)
				}
			}
			if err := f.verify(who, SignIn, "-"+code+" "); err != nil {
				t.Fatalf("right code after malformed ones: %v", err)
			}
		}},
		{"unknown purpose", func(t *testing.T, f *fixture) {
			err := f.svc.Verify(context.Background(), Email, who, "Other", "123456", testIP)
			if err == nil || errors.Is(err, ErrInvalid) {
				t.Fatalf("unknown purpose: %v", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newFixture(t)) })
	}
}

// TestVerifyLockout: repeated wrong codes lock the identifier, from any
// address, without checking the code; after the back-off a new code works
// and clears the counter (spec/security.md item 18).
func TestVerifyLockout(t *testing.T) {
	const who = "erin@example.com"
	f := newFixture(t)
	code := f.send(t, who, SignIn)
	for i := range throttle.DefaultFree + 1 {
		if err := f.verify(who, SignIn, wrong(code)); !errors.Is(err, ErrInvalid) {
			t.Fatalf("wrong code %d: %v", i+1, err)
		}
	}
	if w := locked(t, "right code while locked", f.verify(who, SignIn, code)); w != time.Second {
		t.Fatalf("wait %v, want 1s (the first back-off)", w)
	}
	err := f.svc.Verify(context.Background(), Email, who, SignIn, code, otherIP)
	if w := locked(t, "from another address", err); w != time.Second {
		t.Fatalf("wait %v, want 1s", w)
	}

	f.clock.add(ResendInterval)
	code = f.send(t, who, SignIn)
	if err := f.verify(who, SignIn, code); err != nil {
		t.Fatalf("new code after the lock: %v", err)
	}
	// The success cleared the identifier's counter: one wrong code now is
	// just one failure, no lock.
	code = f.send(t, who, Register)
	mustIs(t, "wrong code after success", f.verify(who, Register, wrong(code)), ErrInvalid)
	if err := f.verify(who, Register, code); err != nil {
		t.Fatalf("right code: %v", err)
	}
}

// TestVerifyConcurrent: of concurrent checks of the right code exactly one
// succeeds (spec/security.md item 20).
func TestVerifyConcurrent(t *testing.T) {
	const (
		who = "frank@example.com"
		n   = 8
	)
	f := newFixture(t)
	code := f.send(t, who, SignIn)
	var (
		wg          sync.WaitGroup
		mu          sync.Mutex
		ok, invalid int
		other       []error
		start       = make(chan struct{})
	)
	for range n {
		wg.Go(func() {
			<-start
			err := f.verify(who, SignIn, code)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, ErrInvalid), errors.As(err, new(ErrLocked)):
				// The losers' failed attempts count toward the throttle, so
				// late ones may meet the lock instead: refused either way.
				invalid++
			default:
				other = append(other, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if ok != 1 || invalid != n-1 || len(other) > 0 {
		t.Fatalf("ok=%d refused=%d other=%v, want exactly 1 success and %d refusals", ok, invalid, other, n-1)
	}
}

// TestCodeStoredHashed: the store holds a digest bound to the row, never
// the code.
func TestCodeStoredHashed(t *testing.T) {
	const who = "grace@example.com"
	f := newFixture(t)
	code := f.send(t, who, SignIn)
	c, err := f.svc.Store.GetLatestVerificationCode(context.Background(), who, string(SignIn))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(c.CodeHash), code) || len(c.CodeHash) != 32 {
		t.Fatalf("stored %x for code %s", c.CodeHash, code)
	}
	if string(c.CodeHash) != string(hashCode(c.ID, who, SignIn, code)) {
		t.Fatal("stored digest is not hashCode(id, identifier, purpose, code)")
	}
	if string(hashCode("other-row", who, SignIn, code)) == string(c.CodeHash) {
		t.Fatal("digest not bound to the row id")
	}
	if !c.ExpiresAt.Equal(start.Add(CodeTTL)) || c.Attempts != 0 {
		t.Fatalf("stored code %+v", c)
	}
}
