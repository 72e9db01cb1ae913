// Package audit is the domain core of the audit log: who did what, when,
// from which address and browser, and how it ended, for every sign-in,
// sign-up, password reset, verification failure, token endpoint error and
// Management API write. Entries have Logto's shape (a key such as
// "Interaction.SignIn.Submit" and a payload {key, result, error?, ip,
// userAgent, userId?, applicationId?, ...}) and are read back through
// GET /api/logs.
//
// Recording never fails the request that is recorded: Record logs a store
// error and returns. It writes after the fact, outside the caller's
// transaction, because a failed request (the interesting case) has
// rolled its transaction back, and an audit write that can abort a
// sign-in would turn an audit problem into an outage. The one exception
// is the authorization-code exchange, recorded with RecordTx inside the
// transaction that consumes the code: that costs one INSERT in a
// transaction that is written anyway (no second commit, no second SQLite
// write lock), and the entry exists exactly when the grant does.
// Successful refresh and client_credentials requests are not recorded:
// they are the token endpoint's hot path, client_credentials writes
// nothing at all, and a refresh per client per hour would bury the events
// that matter. Their failures are recorded.
//
// Nothing secret goes into an entry: callers pass named fields (ids,
// method, route, status, error code and message), never request bodies,
// passwords, codes, tokens or client secrets.
package audit

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/store"
)

// Service records and reads the audit log.
type Service struct {
	Store  store.Store
	Logger *slog.Logger
	// Now is the clock of new entries; nil means time.Now.
	Now func() time.Time
	// Retention is how long entries are kept (Prune); 0 keeps them forever.
	Retention time.Duration
}

// Entry is one event to record.
type Entry struct {
	Key           string
	Result        store.AuditResult // "" means Success, or Error when Err is set
	UserID        string
	ApplicationID string
	// IP and UserAgent say where the request came from; RecordRequest
	// fills them from the request.
	IP, UserAgent string
	// ErrCode, when set, makes the entry an Error with payload.error
	// {code, message}. ErrMessage is for the administrator: never a text
	// that may quote a secret the client sent.
	ErrCode, ErrMessage string
	// Fields are extra payload members (method, route, status, targetId,
	// verification, grantType, ...). Values must be safe to show an
	// administrator: never secrets.
	Fields map[string]any
}

// Limits on values that come from the client.
const (
	maxUserAgent = 512
	maxID        = 128
	maxMessage   = 500
)

// recordTimeout bounds an entry's write when the request's own context is
// gone (a client that hung up is still recorded).
const recordTimeout = 5 * time.Second

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) logger(ctx context.Context) *slog.Logger {
	if server.RequestID(ctx) != "" {
		return server.Logger(ctx)
	}
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Origin is the request's client address (internal/server's ClientIP, so
// X-Forwarded-For counts only from trusted proxies) and User-Agent.
func Origin(r *http.Request) (ip, userAgent string) {
	if a := server.ClientIP(r); a.IsValid() {
		ip = a.String()
	}
	return ip, r.UserAgent()
}

// RecordRequest records e with the request's address and user agent.
// A nil Service records nothing.
func (s *Service) RecordRequest(r *http.Request, e Entry) {
	if s == nil {
		return
	}
	e.IP, e.UserAgent = Origin(r)
	s.Record(r.Context(), e)
}

// Record stores e. It never fails: a store error is logged and dropped.
// A nil Service records nothing.
func (s *Service) Record(ctx context.Context, e Entry) {
	if s == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := s.Store.CreateAuditLog(ctx, s.entry(e)); err != nil {
		s.logger(ctx).Error("audit log: record", "key", e.Key, "err", err)
	}
}

// RecordTx stores e through tx, inside the caller's transaction, and
// returns the store's error: within a transaction a failed statement
// dooms the transaction anyway (PostgreSQL aborts it). A nil Service
// records nothing.
func (s *Service) RecordTx(ctx context.Context, tx store.Store, e Entry) error {
	if s == nil {
		return nil
	}
	return tx.CreateAuditLog(ctx, s.entry(e))
}

// entry builds the stored row: Logto's payload from e's named fields.
func (s *Service) entry(e Entry) *store.AuditLog {
	result := e.Result
	if result == "" {
		result = store.AuditSuccess
		if e.ErrCode != "" {
			result = store.AuditError
		}
	}
	userID, appID := cleanID(e.UserID), cleanID(e.ApplicationID)
	p := make(map[string]any, len(e.Fields)+7)
	for k, v := range e.Fields {
		p[k] = v
	}
	p["key"], p["result"] = e.Key, string(result)
	if e.IP != "" {
		p["ip"] = e.IP
	}
	if e.UserAgent != "" {
		p["userAgent"] = clip(e.UserAgent, maxUserAgent)
	}
	if userID != "" {
		p["userId"] = userID
	}
	if appID != "" {
		p["applicationId"] = appID
	}
	if e.ErrCode != "" || e.ErrMessage != "" {
		p["error"] = map[string]any{"code": e.ErrCode, "message": clip(e.ErrMessage, maxMessage)}
	}
	return &store.AuditLog{ID: id.New(), Key: e.Key, Result: result, UserID: userID, ApplicationID: appID,
		Payload: p, CreatedAt: s.now()}
}

// cleanID is an id for an indexed column: clipped, and "" when it is no
// UTF-8 text or holds U+0000 (no entity has such an id, and PostgreSQL
// would refuse the whole entry), e.g. a Management API path's {userId}.
func cleanID(s string) string {
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return ""
	}
	return clip(s, maxID)
}

// clip cuts s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// Filter selects entries for List; empty members match all.
type Filter struct {
	Key           string
	UserID        string
	ApplicationID string
}

// List returns a page of the entries f selects, newest first, and their
// total count.
func (s *Service) List(ctx context.Context, f Filter, page store.Page) ([]*store.AuditLog, int64, error) {
	return s.Store.ListAuditLogs(ctx, store.AuditLogFilter{Key: f.Key, UserID: f.UserID, ApplicationID: f.ApplicationID}, page)
}

// Get returns one entry; an unknown id is store.ErrNotFound.
func (s *Service) Get(ctx context.Context, id string) (*store.AuditLog, error) {
	return s.Store.GetAuditLog(ctx, id)
}

// DayCount is the number of entries of one UTC day.
type DayCount struct {
	Day   time.Time // midnight UTC
	Count int64
}

// ErrDays: DailyCounts was asked for fewer than 1 or more than 366 days.
var ErrDays = errors.New("audit: days must be from 1 to 366")

// DailyCounts counts the successful entries of key per UTC day, for the
// days UTC days ending with now's, oldest first, days without any as
// zero: e.g. DailyCounts(ctx, KeyRegister, 7, now) is the new accounts of
// each of the last 7 days, today included.
func (s *Service) DailyCounts(ctx context.Context, key string, days int, now time.Time) ([]DayCount, error) {
	if days < 1 || days > 366 {
		return nil, ErrDays
	}
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	first := today.AddDate(0, 0, -(days - 1))
	counts, err := s.Store.CountAuditLogsByDay(ctx, store.AuditLogFilter{Key: key, Result: store.AuditSuccess,
		Since: first, Until: today.AddDate(0, 0, 1)})
	if err != nil {
		return nil, err
	}
	byDay := make(map[time.Time]int64, len(counts))
	for _, c := range counts {
		byDay[c.Day] = c.Count
	}
	out := make([]DayCount, days)
	for i := range out {
		d := first.AddDate(0, 0, i)
		out[i] = DayCount{Day: d, Count: byDay[d]}
	}
	return out, nil
}

// signInKeys are the successful events that mean a user signed in: the
// sign-in pages, a sign-up (which signs the new user in), and a code
// exchange (an application got the user's tokens, also through SSO
// without any page).
var signInKeys = []string{KeySignIn, KeyRegister, KeyExchangeByAuthorizationCode}

// ActiveUsers counts the distinct users with a successful sign-in since
// the given time (see signInKeys).
func (s *Service) ActiveUsers(ctx context.Context, since time.Time) (int64, error) {
	return s.Store.CountAuditLogUsers(ctx, store.AuditLogFilter{Result: store.AuditSuccess, Since: since}, signInKeys...)
}

// Prune deletes the entries older than the retention, counted back from
// now; with no retention it deletes nothing.
func (s *Service) Prune(ctx context.Context, now time.Time) (int64, error) {
	if s == nil || s.Retention <= 0 {
		return 0, nil
	}
	return s.Store.DeleteAuditLogsBefore(ctx, now.Add(-s.Retention))
}
