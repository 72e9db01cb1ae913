package store

import (
	"context"
	"time"
)

// AuditResult is a log entry's outcome, Logto's LogResult.
type AuditResult string

const (
	AuditSuccess AuditResult = "Success"
	AuditError   AuditResult = "Error"
)

// AuditLog is one entry of the audit log (Logto's "logs" row): who did
// what, when, from where, and how it ended. Payload is Logto's log payload
// (key, result, ip, userAgent, userId, applicationId, error, and whatever
// the event adds); Key, Result, UserID and ApplicationID repeat members of
// it so that backends can index them. Payload never holds secrets: the
// domain (internal/audit) builds it from named fields only.
type AuditLog struct {
	ID            string
	Key           string
	Result        AuditResult
	UserID        string // "" when no user is involved
	ApplicationID string // "" when no application is involved
	Payload       map[string]any
	CreatedAt     time.Time
}

// AuditLogFilter selects audit log entries; an empty member matches all.
type AuditLogFilter struct {
	Key           string // exact key, e.g. "Interaction.SignIn.Submit"
	UserID        string
	ApplicationID string
	Result        AuditResult
	// Since and Until bound CreatedAt: Since <= CreatedAt < Until; the zero
	// time leaves that side open.
	Since, Until time.Time
}

// AuditDayCount is the number of entries of one UTC day.
type AuditDayCount struct {
	// Day is midnight UTC of the day.
	Day   time.Time
	Count int64
}

// AuditLogs stores the audit log. Entries are written once and never
// updated; they go when DeleteAuditLogsBefore prunes them.
type AuditLogs interface {
	CreateAuditLog(ctx context.Context, l *AuditLog) error
	GetAuditLog(ctx context.Context, id string) (*AuditLog, error)
	// ListAuditLogs returns a page of the matching entries, newest first
	// (ties by id, descending), and the total count of matches.
	ListAuditLogs(ctx context.Context, f AuditLogFilter, page Page) ([]*AuditLog, int64, error)
	// CountAuditLogsByDay counts the matching entries per UTC day, for the
	// days that have any, oldest first.
	CountAuditLogsByDay(ctx context.Context, f AuditLogFilter) ([]AuditDayCount, error)
	// CountAuditLogUsers counts the distinct non-empty UserIDs of the
	// entries that match f and whose Key is one of keys (any key when keys
	// is empty).
	CountAuditLogUsers(ctx context.Context, f AuditLogFilter, keys ...string) (int64, error)
	// DeleteAuditLogsBefore removes the entries created before cutoff and
	// reports how many went. It deletes in batches, so a large backlog does
	// not hold one long transaction.
	DeleteAuditLogsBefore(ctx context.Context, cutoff time.Time) (int64, error)
}
