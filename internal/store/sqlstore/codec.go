package sqlstore

import (
	"database/sql"
	"encoding/json"
	"strings"
	"time"
)

// ts encodes a time as microseconds since the epoch: the precision both
// PostgreSQL and Go round-trip, comparable with < in SQL.
func ts(t time.Time) int64 { return t.UnixMicro() }

// fromTS decodes ts.
func fromTS(us int64) time.Time { return time.UnixMicro(us).UTC() }

func tsPtr(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ts(*t), Valid: true}
}

func fromNullTS(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromTS(n.Int64)
	return &t
}

// nullString stores "" as NULL, so unique columns allow many unset values.
func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// foldKey is the case-insensitive lookup key of a username or email.
func foldKey(s string) sql.NullString { return nullString(strings.ToLower(s)) }

// jsonText encodes a list or object for a TEXT column. nil lists become "[]"
// and nil maps "{}", so a value reads back non-nil.
func jsonText[T any](v T) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		var zero T
		switch any(zero).(type) {
		case []string:
			return "[]"
		default:
			return "{}"
		}
	}
	return string(b)
}

func decodeList(s string) ([]string, error) {
	out := []string{}
	if s == "" {
		return out, nil
	}
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

func decodeObject(s string) (map[string]any, error) {
	out := map[string]any{}
	if s == "" {
		return out, nil
	}
	err := json.Unmarshal([]byte(s), &out)
	if out == nil {
		out = map[string]any{}
	}
	return out, err
}

// pageClause turns a store.Page into LIMIT/OFFSET arguments; size 0 means
// no limit (-1 works on SQLite, NULL on PostgreSQL: use a large number).
func pageArgs(number, size int) (limit, offset int64) {
	if size <= 0 {
		return 1 << 62, 0
	}
	if number < 1 {
		number = 1
	}
	return int64(size), int64(number-1) * int64(size)
}

// nullInt is a nullable BIGINT (times that may be unset).
type nullInt = sql.NullInt64
