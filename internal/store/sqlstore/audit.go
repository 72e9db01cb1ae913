package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// The audit log (internal/audit): append-only rows, listed newest first.

const auditColumns = `id, key, result, user_id, application_id, payload, created_at`

// auditDeleteBatch bounds the rows one prune statement deletes (a
// variable for the test of the batching).
var auditDeleteBatch = 5000

// microsPerDay is one day in the stored time unit.
const microsPerDay = int64(24 * time.Hour / time.Microsecond)

func (s *Store) CreateAuditLog(ctx context.Context, l *store.AuditLog) error {
	l.CreatedAt = l.CreatedAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "create audit log", `INSERT INTO audit_logs (`+auditColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.Key, string(l.Result), nullString(l.UserID), nullString(l.ApplicationID), jsonText(l.Payload), ts(l.CreatedAt))
	return err
}

func scanAuditLog(r rowScanner) (*store.AuditLog, error) {
	var (
		l           store.AuditLog
		result      string
		user, app   sql.NullString
		payload     string
		createdAtUS int64
	)
	if err := r.Scan(&l.ID, &l.Key, &result, &user, &app, &payload, &createdAtUS); err != nil {
		return nil, err
	}
	l.Result, l.UserID, l.ApplicationID, l.CreatedAt = store.AuditResult(result), user.String, app.String, fromTS(createdAtUS)
	var err error
	l.Payload, err = decodeObject(payload)
	return &l, err
}

func (s *Store) GetAuditLog(ctx context.Context, id string) (*store.AuditLog, error) {
	l, err := scanAuditLog(s.queryRow(ctx, `SELECT `+auditColumns+` FROM audit_logs WHERE id = ?`, id))
	if err != nil {
		return nil, s.scanErr(fmt.Sprintf("get audit log %q", id), err)
	}
	return l, nil
}

// auditWhere is the WHERE clause of f (with a leading space, or "") and
// its arguments.
func auditWhere(f store.AuditLogFilter, keys ...string) (string, []any) {
	var (
		conds []string
		args  []any
	)
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if f.Key != "" {
		add("key = ?", f.Key)
	}
	if f.UserID != "" {
		add("user_id = ?", f.UserID)
	}
	if f.ApplicationID != "" {
		add("application_id = ?", f.ApplicationID)
	}
	if f.Result != "" {
		add("result = ?", string(f.Result))
	}
	if !f.Since.IsZero() {
		add("created_at >= ?", ts(f.Since))
	}
	if !f.Until.IsZero() {
		add("created_at < ?", ts(f.Until))
	}
	if len(keys) > 0 {
		conds = append(conds, "key IN (?"+strings.Repeat(", ?", len(keys)-1)+")")
		for _, k := range keys {
			args = append(args, k)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func (s *Store) ListAuditLogs(ctx context.Context, f store.AuditLogFilter, page store.Page) ([]*store.AuditLog, int64, error) {
	const op = "list audit logs"
	where, args := auditWhere(f)
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM audit_logs`+where, args...).Scan(&total); err != nil {
		return nil, 0, s.wrap(op, err)
	}
	limit, offset := pageArgs(page.Number, page.Size)
	rows, err := s.query(ctx, `SELECT `+auditColumns+` FROM audit_logs`+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, s.wrap(op, err)
	}
	defer rows.Close()
	out := []*store.AuditLog{}
	for rows.Next() {
		l, err := scanAuditLog(rows)
		if err != nil {
			return nil, 0, s.wrap(op, err)
		}
		out = append(out, l)
	}
	return out, total, s.wrap(op, rows.Err())
}

// CountAuditLogsByDay buckets by integer division of the microsecond
// timestamp, which both dialects do the same way (times are after 1970).
func (s *Store) CountAuditLogsByDay(ctx context.Context, f store.AuditLogFilter) ([]store.AuditDayCount, error) {
	const op = "count audit logs by day"
	where, args := auditWhere(f)
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT created_at / %d AS day, COUNT(*) FROM audit_logs%s GROUP BY day ORDER BY day`,
		microsPerDay, where), args...)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	out := []store.AuditDayCount{}
	for rows.Next() {
		var day, n int64
		if err := rows.Scan(&day, &n); err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, store.AuditDayCount{Day: fromTS(day * microsPerDay), Count: n})
	}
	return out, s.wrap(op, rows.Err())
}

func (s *Store) CountAuditLogUsers(ctx context.Context, f store.AuditLogFilter, keys ...string) (int64, error) {
	where, args := auditWhere(f, keys...)
	if where == "" {
		where = " WHERE user_id IS NOT NULL"
	} else {
		where += " AND user_id IS NOT NULL"
	}
	var n int64
	if err := s.queryRow(ctx, `SELECT COUNT(DISTINCT user_id) FROM audit_logs`+where, args...).Scan(&n); err != nil {
		return 0, s.wrap("count audit log users", err)
	}
	return n, nil
}

func (s *Store) DeleteAuditLogsBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	var total int64
	for {
		n, err := s.exec(ctx, "delete audit logs", `DELETE FROM audit_logs WHERE id IN
			(SELECT id FROM audit_logs WHERE created_at < ? LIMIT ?)`, ts(cutoff), auditDeleteBatch)
		if err != nil {
			return total, err
		}
		total += n
		if n < int64(auditDeleteBatch) || ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}
