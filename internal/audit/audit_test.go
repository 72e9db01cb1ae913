package audit_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/storetesting"
)

var ctx = context.Background()

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(t *testing.T) (*audit.Service, *clock) {
	c := &clock{t: time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)}
	return &audit.Service{Store: storetesting.SQLite(t), Now: c.now}, c
}

func TestRecordShape(t *testing.T) {
	s, c := newService(t)
	r := httptest.NewRequest("POST", "/sign-in", nil)
	r.RemoteAddr = "198.51.100.7:5555"
	r.Header.Set("User-Agent", "Mozilla/5.0 "+strings.Repeat("é", 400)) // > 512 bytes
	s.RecordRequest(r, audit.Entry{Key: audit.VerificationKey(audit.SignIn, audit.Password), UserID: "u1",
		ApplicationID: "app1", ErrCode: "session.invalid_credentials", Fields: map[string]any{"verification": "Password"}})
	logs, total, err := s.List(ctx, audit.Filter{}, store.Page{})
	if err != nil || total != 1 {
		t.Fatalf("List: %d, %v", total, err)
	}
	l := logs[0]
	if l.Key != "Interaction.SignIn.Verification.Password.Submit" || l.Result != store.AuditError ||
		l.UserID != "u1" || l.ApplicationID != "app1" || !l.CreatedAt.Equal(c.t) {
		t.Fatalf("entry = %+v", l)
	}
	ua, _ := l.Payload["userAgent"].(string)
	if len(ua) > 512 || !strings.HasPrefix(ua, "Mozilla/5.0 é") || !strings.HasSuffix(ua, "é") {
		t.Errorf("userAgent not clipped to 512 bytes on a character boundary: %d bytes", len(ua))
	}
	delete(l.Payload, "userAgent")
	want := map[string]any{"key": l.Key, "result": "Error", "ip": "198.51.100.7", "userId": "u1", "applicationId": "app1",
		"verification": "Password", "error": map[string]any{"code": "session.invalid_credentials", "message": ""}}
	if diff := cmp.Diff(want, l.Payload); diff != "" {
		t.Errorf("payload (-want +got):\n%s", diff)
	}
	got, err := s.Get(ctx, l.ID)
	if err != nil || got.ID != l.ID {
		t.Fatalf("Get: %v", err)
	}
}

func TestRecordNeverFails(t *testing.T) {
	st := storetesting.SQLite(t)
	var buf bytes.Buffer
	s := &audit.Service{Store: st, Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	st.Close() // every write now fails
	s.Record(ctx, audit.Entry{Key: audit.KeySignIn, UserID: "u1"})
	if !strings.Contains(buf.String(), "audit log: record") {
		t.Fatalf("store error not logged: %q", buf.String())
	}
	// A nil service records nothing, without panicking.
	var none *audit.Service
	none.Record(ctx, audit.Entry{Key: audit.KeySignIn})
	none.RecordRequest(httptest.NewRequest("GET", "/", nil), audit.Entry{Key: audit.KeySignIn})
	if err := none.RecordTx(ctx, nil, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	if n, err := none.Prune(ctx, time.Now()); n != 0 || err != nil {
		t.Fatal(n, err)
	}
}

func TestDailyCounts(t *testing.T) {
	s, c := newService(t)
	now := c.t // 2026-03-14 15:00 UTC
	record := func(at time.Time, key, user string, failed bool) {
		c.t = at
		e := audit.Entry{Key: key, UserID: user}
		if failed {
			e.ErrCode = "x"
		}
		s.Record(ctx, e)
	}
	day := func(d int) time.Time { return time.Date(2026, 3, 14+d, 0, 0, 0, 0, time.UTC) }
	record(day(-7).Add(time.Hour), audit.KeyRegister, "old", false) // outside a 7-day window
	record(day(-6), audit.KeyRegister, "a", false)                  // first instant of the window
	record(day(-6).Add(23*time.Hour), audit.KeyRegister, "b", false)
	record(day(-3).Add(time.Hour), audit.KeyRegister, "c", false)
	record(day(-3).Add(2*time.Hour), audit.KeyRegister, "", true) // failures are not counted
	record(day(-3).Add(3*time.Hour), audit.KeySignIn, "c", false) // another key
	record(day(0).Add(time.Hour), audit.KeyRegister, "d", false)  // today
	record(day(1).Add(time.Hour), audit.KeyRegister, "e", false)  // tomorrow: after now's day

	got, err := s.DailyCounts(ctx, audit.KeyRegister, 7, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []audit.DayCount{{day(-6), 2}, {day(-5), 0}, {day(-4), 0}, {day(-3), 1}, {day(-2), 0}, {day(-1), 0}, {day(0), 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("DailyCounts (-want +got):\n%s", diff)
	}
	// now in another zone: the days are still UTC days.
	got, err = s.DailyCounts(ctx, audit.KeyRegister, 1, now.In(time.FixedZone("JST", 9*3600)))
	if err != nil || len(got) != 1 || got[0].Day != day(0) || got[0].Count != 1 {
		t.Fatalf("one day: %+v, %v", got, err)
	}
	for _, bad := range []int{0, -1, 367} {
		if _, err := s.DailyCounts(ctx, audit.KeyRegister, bad, now); err != audit.ErrDays {
			t.Errorf("days=%d: err %v, want ErrDays", bad, err)
		}
	}
}

func TestActiveUsers(t *testing.T) {
	s, c := newService(t)
	start := c.t
	at := func(d time.Duration, e audit.Entry) {
		c.t = start.Add(d)
		s.Record(ctx, e)
	}
	at(-2*time.Hour, audit.Entry{Key: audit.KeySignIn, UserID: "before"})
	at(0, audit.Entry{Key: audit.KeySignIn, UserID: "alice"})
	at(time.Minute, audit.Entry{Key: audit.KeySignIn, UserID: "alice"})
	at(2*time.Minute, audit.Entry{Key: audit.KeyRegister, UserID: "bob"})
	at(3*time.Minute, audit.Entry{Key: audit.KeyExchangeByAuthorizationCode, UserID: "carol", ApplicationID: "app"})
	at(4*time.Minute, audit.Entry{Key: audit.KeySignIn, UserID: "dave", ErrCode: "user.suspended"})
	at(5*time.Minute, audit.Entry{Key: audit.ManagementAPIPrefix + "UpdateUser", UserID: "erin"})
	n, err := s.ActiveUsers(ctx, start)
	if err != nil || n != 3 {
		t.Fatalf("ActiveUsers = %d, %v; want 3 (alice, bob, carol)", n, err)
	}
}

func TestPrune(t *testing.T) {
	s, c := newService(t)
	now := c.t
	c.t = now.Add(-31 * 24 * time.Hour)
	s.Record(ctx, audit.Entry{Key: audit.KeySignIn, UserID: "old"})
	c.t = now.Add(-29 * 24 * time.Hour)
	s.Record(ctx, audit.Entry{Key: audit.KeySignIn, UserID: "recent"})

	s.Retention = 0 // keep forever
	if n, err := s.Prune(ctx, now); n != 0 || err != nil {
		t.Fatalf("Prune without retention: %d, %v", n, err)
	}
	s.Retention = 30 * 24 * time.Hour
	if n, err := s.Prune(ctx, now); n != 1 || err != nil {
		t.Fatalf("Prune: %d, %v; want 1", n, err)
	}
	logs, _, _ := s.List(ctx, audit.Filter{}, store.Page{})
	if len(logs) != 1 || logs[0].UserID != "recent" {
		t.Fatalf("left after prune: %+v", logs)
	}
}

func TestKeys(t *testing.T) {
	for gt, want := range map[string]string{
		"authorization_code": "ExchangeTokenBy.AuthorizationCode",
		"refresh_token":      "ExchangeTokenBy.RefreshToken",
		"client_credentials": "ExchangeTokenBy.ClientCredentials",
		"password":           "ExchangeTokenBy.Unknown",
		"":                   "ExchangeTokenBy.Unknown",
	} {
		if got := audit.GrantKey(gt); got != want {
			t.Errorf("GrantKey(%q) = %q, want %q", gt, got, want)
		}
	}
	if got := audit.VerificationKey(audit.ForgotPassword, audit.EmailVerificationCode); got != "Interaction.ForgotPassword.Verification.EmailVerificationCode.Submit" {
		t.Errorf("VerificationKey = %q", got)
	}
	if audit.SubmitKey(audit.SignIn) != audit.KeySignIn || audit.SubmitKey(audit.Register) != audit.KeyRegister ||
		audit.SubmitKey(audit.ForgotPassword) != audit.KeyForgotPassword {
		t.Error("SubmitKey disagrees with the Key constants")
	}
}
