package sqlstore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/monban-dev/monban/internal/store"
)

// dialect is the little that differs between SQLite and PostgreSQL. Queries
// are written once, with "?" placeholders, in the SQL both understand
// (ON CONFLICT, RETURNING, BIGINT times, TEXT JSON).
type dialect interface {
	name() string
	// rebind rewrites "?" placeholders into the dialect's form.
	rebind(query string) string
	// classify maps a driver error onto the store's sentinels, or returns nil
	// when the error is not one of them.
	classify(err error) error
}

type sqliteDialect struct{}

func (sqliteDialect) name() string           { return "sqlite" }
func (sqliteDialect) rebind(q string) string { return q }

func (sqliteDialect) classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return store.ErrConflict
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		// A row that references a missing one: the referenced entity is
		// what was not found.
		return store.ErrNotFound
	}
	return nil
}

type postgresDialect struct{}

func (postgresDialect) name() string { return "postgres" }

// rebind turns "?" into "$1", "$2", ... Monban's queries never carry a
// literal "?" in a string, so a plain scan is enough.
func (postgresDialect) rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (postgresDialect) classify(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	switch pe.Code {
	case "23505": // unique_violation
		return store.ErrConflict
	case "23503": // foreign_key_violation
		return store.ErrNotFound
	}
	return nil
}

// wrap gives a driver error the store's sentinel when it has one, keeping the
// operation for the logs.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if sentinel := s.dialect.classify(err); sentinel != nil {
		return fmt.Errorf("%s: %w", op, sentinel)
	}
	return fmt.Errorf("%s: %w", op, err)
}
