package sqlstore_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/store/sqlstore"
	"github.com/monban-dev/monban/internal/store/storetest"
	"github.com/monban-dev/monban/internal/storetesting"
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
	if os.Getenv("MONBAN_TEST_POSTGRES_DSN") != "" {
		t.Logf("PostgreSQL conformance against %s", redact(os.Getenv("MONBAN_TEST_POSTGRES_DSN")))
	}
	storetesting.PostgresDSN(t) // skips, or fails under CI=true, without a server
	storetest.Run(t, func(t *testing.T) store.Store { return openPostgres(t) })
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
func openPostgres(t *testing.T) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), sqlstore.Options{PostgresDSN: storetesting.PostgresDSN(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return s
}
