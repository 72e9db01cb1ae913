// Package sqlstore is the database/sql implementation of store.Store, for
// SQLite (modernc.org/sqlite, no cgo) and PostgreSQL (pgx through
// database/sql), with one set of queries and a small dialect layer.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers "sqlite"

	"github.com/monban-dev/monban/internal/store"
)

//go:embed migrations
var migrations embed.FS

// Options says which database to open.
type Options struct {
	// PostgresDSN selects PostgreSQL; when empty, SQLitePath is used.
	PostgresDSN string
	// SQLitePath is the database file for the embedded SQLite.
	SQLitePath string
	// MaxOpenConns caps the pool; 0 keeps the default.
	MaxOpenConns int
	// Logger receives migration progress; nil discards it.
	Logger *slog.Logger
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store implements store.Store.
type Store struct {
	db      *sql.DB
	q       querier // db, or the transaction inside InTx
	tx      *sql.Tx // the transaction inside InTx
	inTx    bool
	dialect dialect
	// stmts caches prepared statements by query text for SQLite, whose
	// driver would otherwise parse every query again on every call (pgx
	// caches statements per connection by itself).
	stmts *sync.Map
}

var _ store.Store = (*Store)(nil)

// Open connects to the database. It does not migrate: call Migrate.
func Open(ctx context.Context, o Options) (*Store, error) {
	var (
		db  *sql.DB
		d   dialect
		err error
	)
	if o.PostgresDSN != "" {
		d = postgresDialect{}
		db, err = sql.Open("pgx", o.PostgresDSN)
	} else {
		d = sqliteDialect{}
		db, err = openSQLite(o.SQLitePath)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", d.name(), err)
	}
	// database/sql keeps only 2 idle connections by default: under load the
	// rest are closed and reopened per request, which on PostgreSQL means a
	// new backend process each time (and on SQLite losing the prepared
	// statements). Keep the whole pool warm.
	maxOpen := o.MaxOpenConns
	if maxOpen <= 0 {
		maxOpen = 32
	}
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxOpen)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", d.name(), err)
	}
	return &Store{db: db, q: db, dialect: d, stmts: &sync.Map{}}, nil
}

// openSQLite opens the file with WAL (readers never wait for the writer), a
// busy timeout (a second process, such as `monban admin`, waits instead of
// failing), foreign keys on, and write transactions that take the write lock
// at BEGIN (_txlock=immediate) so two read-modify-write transactions queue
// instead of deadlocking on the lock upgrade.
func openSQLite(path string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("no SQLite path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// A new file is created 0644 by SQLite; the data directory is 0700 but
	// keep the file itself private too.
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600); err == nil {
		f.Close()
		os.Chmod(path, 0o600)
	}
	return db, nil
}

// Dialect names the backend: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name() }

// Migrate applies the embedded migrations that have not run yet. On
// PostgreSQL a session advisory lock keeps several nodes starting at once
// from racing.
func (s *Store) Migrate(ctx context.Context, logger *slog.Logger) error {
	fsys, err := fs.Sub(migrations, "migrations/"+s.dialect.name())
	if err != nil {
		return err
	}
	gd := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if s.dialect.name() == "postgres" {
		gd = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, s.db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate %s database: %w", s.dialect.name(), err)
	}
	if logger != nil {
		for _, r := range results {
			logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
		}
	}
	return nil
}

// InTx implements store.Store.
func (s *Store) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	if s.inTx {
		return fn(s)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("begin transaction", err)
	}
	txs := &Store{db: s.db, q: tx, tx: tx, inTx: true, dialect: s.dialect, stmts: s.stmts}
	if err := fn(txs); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.wrap("commit", err)
	}
	return nil
}

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close implements store.Store. On SQLite it checkpoints the WAL first so
// the database file alone holds everything.
func (s *Store) Close() error {
	s.stmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
	if s.dialect.name() == "sqlite" {
		s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	return s.db.Close()
}

// DeleteExpired implements store.Store.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	t := ts(now)
	var total int64
	err := s.InTx(ctx, func(tx store.Store) error {
		txs := tx.(*Store)
		for _, q := range []string{
			`DELETE FROM sessions WHERE expires_at < ?`,
			`DELETE FROM interactions WHERE expires_at < ?`,
			`DELETE FROM connector_sessions WHERE expires_at < ?`,
			`DELETE FROM revoked_tokens WHERE expires_at < ?`,
			`DELETE FROM authorization_codes WHERE expires_at < ?`,
			`DELETE FROM refresh_tokens WHERE expires_at < ?`,
			`DELETE FROM grants WHERE expires_at < ?`,
			`DELETE FROM signing_keys WHERE status = 'retired' AND expires_at < ?`,
			`DELETE FROM verification_codes WHERE expires_at < ?`,
		} {
			n, err := txs.exec(ctx, "delete expired", q, t)
			if err != nil {
				return err
			}
			total += n
		}
		n, err := txs.exec(ctx, "delete expired", `DELETE FROM throttles
			WHERE updated_at < ? AND (locked_until IS NULL OR locked_until < ?)`, ts(now.Add(-store.ThrottleRetention)), t)
		total += n
		return err
	})
	return total, err
}

// prepared returns a cached prepared statement for query on SQLite (bound
// to the transaction inside InTx: database/sql then reuses the statement
// already prepared on the transaction's connection), or nil when the plain
// query path should be used.
func (s *Store) prepared(ctx context.Context, query string) *sql.Stmt {
	if s.dialect.name() != "sqlite" {
		return nil
	}
	var st *sql.Stmt
	if v, ok := s.stmts.Load(query); ok {
		st = v.(*sql.Stmt)
	} else if s.tx != nil {
		// Preparing needs a connection of its own; inside a transaction the
		// pool may be exhausted by others waiting for the write lock this
		// transaction holds, so never wait for one here.
		return nil
	} else {
		fresh, err := s.db.PrepareContext(ctx, query)
		if err != nil {
			return nil // let the plain path report the error
		}
		if prev, loaded := s.stmts.LoadOrStore(query, fresh); loaded {
			fresh.Close()
			st = prev.(*sql.Stmt)
		} else {
			st = fresh
		}
	}
	if s.tx != nil {
		return s.tx.StmtContext(ctx, st)
	}
	return st
}

// exec runs a statement and returns the rows affected.
func (s *Store) exec(ctx context.Context, op, query string, args ...any) (int64, error) {
	var (
		res sql.Result
		err error
	)
	if st := s.prepared(ctx, query); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = s.q.ExecContext(ctx, s.dialect.rebind(query), args...)
	}
	if err != nil {
		return 0, s.wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.wrap(op, err)
	}
	return n, nil
}

// execOne runs a statement that must touch exactly one row; none is
// ErrNotFound.
func (s *Store) execOne(ctx context.Context, op, query string, args ...any) error {
	n, err := s.exec(ctx, op, query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, store.ErrNotFound)
	}
	return nil
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.q.QueryRowContext(ctx, s.dialect.rebind(query), args...)
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.q.QueryContext(ctx, s.dialect.rebind(query), args...)
}

// scanErr maps sql.ErrNoRows to ErrNotFound.
func (s *Store) scanErr(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, store.ErrNotFound)
	}
	return s.wrap(op, err)
}
