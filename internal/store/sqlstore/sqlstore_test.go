package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/store/sqlstore"
	"github.com/monban-dev/monban/internal/store/storetest"
)

func TestConformanceSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openSQLite(t, filepath.Join(t.TempDir(), "monban.db"))
	})
}

// TestConformancePostgres runs the suite on PostgreSQL when
// MONBAN_TEST_POSTGRES_DSN is set. In CI (CI=true) a missing DSN fails the
// run: the PostgreSQL backend must never go untested silently.
func TestConformancePostgres(t *testing.T) {
	dsn := postgresDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openPostgres(t, dsn) })
}

func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("MONBAN_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but MONBAN_TEST_POSTGRES_DSN is not set: PostgreSQL tests must run in CI")
		}
		t.Skip("MONBAN_TEST_POSTGRES_DSN not set; PostgreSQL conformance skipped (set it to run; CI does)")
	}
	t.Logf("PostgreSQL conformance against %s", redact(dsn))
	return dsn
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return u.Redacted()
}

func openSQLite(t *testing.T, path string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), sqlstore.Options{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// openPostgres gives every test its own schema, so tests start empty and
// can run side by side; the schema is dropped afterwards.
func openPostgres(t *testing.T, dsn string) *sqlstore.Store {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	schema := "monban_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := sqlstore.Open(context.Background(), sqlstore.Options{PostgresDSN: u.String()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return s
}
