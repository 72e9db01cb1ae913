// Package storetesting opens real stores for other packages' tests: a fresh
// SQLite file per test (no mocks of the store anywhere).
package storetesting

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/monban-dev/monban/internal/store/sqlstore"
)

// SQLite returns a migrated SQLite store in t's temporary directory, closed
// when t ends.
func SQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), sqlstore.Options{SQLitePath: filepath.Join(t.TempDir(), "monban.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return s
}
