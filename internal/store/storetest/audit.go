package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/monban-dev/monban/internal/store"
)

// auditEntry creates an entry at base+at.
func auditEntry(t *testing.T, s store.Store, key string, result store.AuditResult, user, app string, at time.Duration) *store.AuditLog {
	t.Helper()
	l := &store.AuditLog{ID: uid("log"), Key: key, Result: result, UserID: user, ApplicationID: app,
		Payload:   map[string]any{"key": key, "result": string(result), "ip": "192.0.2.1"},
		CreatedAt: base.Add(at)}
	mustNil(t, "CreateAuditLog", s.CreateAuditLog(ctx(), l))
	return l
}

func ids(ls []*store.AuditLog) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.ID
	}
	return out
}

func testAuditLogs(t *testing.T, s store.Store) {
	l := &store.AuditLog{ID: uid("log"), Key: "Interaction.SignIn.Submit", Result: store.AuditSuccess,
		UserID: "u1", ApplicationID: "a1",
		Payload: map[string]any{"key": "Interaction.SignIn.Submit", "result": "Success", "userAgent": "Go",
			"error": map[string]any{"code": "x"}},
		CreatedAt: base}
	mustNil(t, "create", s.CreateAuditLog(ctx(), l))
	got, err := s.GetAuditLog(ctx(), l.ID)
	mustNil(t, "get", err)
	if diff := cmp.Diff(l, got); diff != "" {
		t.Fatalf("read back differs (-want +got):\n%s", diff)
	}
	mustIs(t, "duplicate id", s.CreateAuditLog(ctx(), l), store.ErrConflict)
	_, err = s.GetAuditLog(ctx(), "nope")
	mustIs(t, "get unknown", err, store.ErrNotFound)

	// No user, no application, nil payload: read back as "" and {}.
	bare := &store.AuditLog{ID: uid("log"), Key: "ExchangeTokenBy.Unknown", Result: store.AuditError, CreatedAt: base.Add(time.Second)}
	mustNil(t, "create bare", s.CreateAuditLog(ctx(), bare))
	got, err = s.GetAuditLog(ctx(), bare.ID)
	mustNil(t, "get bare", err)
	if got.UserID != "" || got.ApplicationID != "" || got.Payload == nil || len(got.Payload) != 0 {
		t.Fatalf("bare entry read back as %+v", got)
	}
}

func testAuditLogList(t *testing.T, s store.Store) {
	const signIn, register = "Interaction.SignIn.Submit", "Interaction.Register.Submit"
	a := auditEntry(t, s, signIn, store.AuditSuccess, "alice", "app1", 0)
	b := auditEntry(t, s, signIn, store.AuditError, "", "app1", time.Minute)
	c := auditEntry(t, s, register, store.AuditSuccess, "bob", "app2", 2*time.Minute)
	d := auditEntry(t, s, signIn, store.AuditSuccess, "alice", "app2", 3*time.Minute)
	// Same instant as d: ties are broken by id, descending.
	e := auditEntry(t, s, signIn, store.AuditSuccess, "bob", "app1", 3*time.Minute)

	cases := []struct {
		name string
		f    store.AuditLogFilter
		want []string
	}{
		{"all, newest first", store.AuditLogFilter{}, []string{e.ID, d.ID, c.ID, b.ID, a.ID}},
		{"key", store.AuditLogFilter{Key: register}, []string{c.ID}},
		{"user", store.AuditLogFilter{UserID: "alice"}, []string{d.ID, a.ID}},
		{"application", store.AuditLogFilter{ApplicationID: "app1"}, []string{e.ID, b.ID, a.ID}},
		{"result", store.AuditLogFilter{Result: store.AuditError}, []string{b.ID}},
		{"key and user", store.AuditLogFilter{Key: signIn, UserID: "bob"}, []string{e.ID}},
		{"since (inclusive)", store.AuditLogFilter{Since: base.Add(2 * time.Minute)}, []string{e.ID, d.ID, c.ID}},
		{"until (exclusive)", store.AuditLogFilter{Until: base.Add(time.Minute)}, []string{a.ID}},
		{"nothing", store.AuditLogFilter{UserID: "carol"}, []string{}},
	}
	if e.ID < d.ID {
		cases[0].want[0], cases[0].want[1] = d.ID, e.ID
	}
	for _, tc := range cases {
		got, total, err := s.ListAuditLogs(ctx(), tc.f, store.Page{})
		mustNil(t, tc.name, err)
		if diff := cmp.Diff(tc.want, ids(got)); diff != "" || total != int64(len(tc.want)) {
			t.Errorf("%s: total %d, ids (-want +got):\n%s", tc.name, total, diff)
		}
	}
	all := cases[0].want
	p2, total, err := s.ListAuditLogs(ctx(), store.AuditLogFilter{}, store.Page{Number: 2, Size: 2})
	mustNil(t, "page 2", err)
	if total != 5 || !cmp.Equal(ids(p2), all[2:4]) {
		t.Fatalf("page 2 of 2: total %d, %v, want %v", total, ids(p2), all[2:4])
	}
	p4, total, err := s.ListAuditLogs(ctx(), store.AuditLogFilter{}, store.Page{Number: 4, Size: 2})
	mustNil(t, "page past the end", err)
	if total != 5 || len(p4) != 0 {
		t.Fatalf("page past the end: total %d, %v", total, ids(p4))
	}
}

func testAuditLogStats(t *testing.T, s store.Store) {
	const signIn = "Interaction.SignIn.Submit"
	day0 := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Duration { return day0.Add(d).Sub(base) }
	auditEntry(t, s, signIn, store.AuditSuccess, "alice", "", at(time.Second))
	auditEntry(t, s, signIn, store.AuditSuccess, "alice", "", at(23*time.Hour+59*time.Minute))
	auditEntry(t, s, signIn, store.AuditError, "", "", at(24*time.Hour)) // day 1, failure
	auditEntry(t, s, signIn, store.AuditSuccess, "bob", "", at(48*time.Hour+time.Hour))
	auditEntry(t, s, "Interaction.Register.Submit", store.AuditSuccess, "carol", "", at(48*time.Hour+2*time.Hour))

	days, err := s.CountAuditLogsByDay(ctx(), store.AuditLogFilter{Key: signIn})
	mustNil(t, "by day", err)
	want := []store.AuditDayCount{{Day: day0, Count: 2}, {Day: day0.AddDate(0, 0, 1), Count: 1}, {Day: day0.AddDate(0, 0, 2), Count: 1}}
	if diff := cmp.Diff(want, days); diff != "" {
		t.Fatalf("by day (-want +got):\n%s", diff)
	}
	days, err = s.CountAuditLogsByDay(ctx(), store.AuditLogFilter{Key: signIn, Result: store.AuditSuccess, Since: day0.AddDate(0, 0, 1)})
	mustNil(t, "by day since", err)
	if diff := cmp.Diff([]store.AuditDayCount{{Day: day0.AddDate(0, 0, 2), Count: 1}}, days); diff != "" {
		t.Fatalf("by day since (-want +got):\n%s", diff)
	}

	n, err := s.CountAuditLogUsers(ctx(), store.AuditLogFilter{Result: store.AuditSuccess}, signIn)
	mustNil(t, "users", err)
	if n != 2 {
		t.Fatalf("distinct signed-in users = %d, want 2 (alice, bob)", n)
	}
	n, err = s.CountAuditLogUsers(ctx(), store.AuditLogFilter{Result: store.AuditSuccess}, signIn, "Interaction.Register.Submit")
	mustNil(t, "users of two keys", err)
	if n != 3 {
		t.Fatalf("distinct users of two keys = %d, want 3", n)
	}
	n, err = s.CountAuditLogUsers(ctx(), store.AuditLogFilter{Since: day0.AddDate(0, 0, 1)})
	mustNil(t, "users since", err)
	if n != 2 {
		t.Fatalf("distinct users since day 1 = %d, want 2 (bob, carol)", n)
	}
}

func testAuditLogPrune(t *testing.T, s store.Store) {
	old := auditEntry(t, s, "Interaction.SignIn.Submit", store.AuditSuccess, "alice", "", -48*time.Hour)
	edge := auditEntry(t, s, "Interaction.SignIn.Submit", store.AuditSuccess, "alice", "", 0)
	fresh := auditEntry(t, s, "Interaction.SignIn.Submit", store.AuditSuccess, "alice", "", time.Hour)
	n, err := s.DeleteAuditLogsBefore(ctx(), base)
	mustNil(t, "prune", err)
	if n != 1 {
		t.Fatalf("pruned %d rows, want 1", n)
	}
	_, err = s.GetAuditLog(ctx(), old.ID)
	mustIs(t, "pruned entry", err, store.ErrNotFound)
	for _, l := range []*store.AuditLog{edge, fresh} {
		if _, err := s.GetAuditLog(ctx(), l.ID); err != nil {
			t.Fatalf("entry at or after the cutoff went: %v", err)
		}
	}
	n, err = s.DeleteAuditLogsBefore(ctx(), base)
	mustNil(t, "prune again", err)
	if n != 0 {
		t.Fatalf("second prune removed %d rows", n)
	}
	// DeleteExpired is about expiring protocol state, not the audit log.
	_, err = s.DeleteExpired(ctx(), base.AddDate(1, 0, 0))
	mustNil(t, "delete expired", err)
	if _, err := s.GetAuditLog(ctx(), fresh.ID); err != nil {
		t.Fatalf("DeleteExpired removed an audit entry: %v", err)
	}
}

// testAuditLogInTx: an entry written in a transaction that rolls back is
// gone with it (the token endpoint records a code exchange in its own
// transaction).
func testAuditLogInTx(t *testing.T, s store.Store) {
	boom := errors.New("boom")
	var id string
	err := s.InTx(ctx(), func(tx store.Store) error {
		l := auditEntry(t, tx, "ExchangeTokenBy.AuthorizationCode", store.AuditSuccess, "alice", "app", 0)
		id = l.ID
		return boom
	})
	mustIs(t, "rolled back", err, boom)
	_, err = s.GetAuditLog(ctx(), id)
	mustIs(t, "entry of a rolled-back transaction", err, store.ErrNotFound)
}
