package sqlstore

import (
	"context"
	"database/sql"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/monban-dev/monban/internal/store"
)

// TestRBACMigrationKeepsManagementAPIAccess: applications that had the
// former management_api_access flag hold the permission "all" of the
// Management API through the built-in role after migration 0007, and the
// others do not.
func TestRBACMigrationKeepsManagementAPIAccess(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		testRBACMigration(t, Options{SQLitePath: filepath.Join(t.TempDir(), "monban.db")})
	})
	t.Run("postgres", func(t *testing.T) {
		testRBACMigration(t, Options{PostgresDSN: postgresSchema(t)})
	})
}

func testRBACMigration(t *testing.T, o Options) {
	ctx := context.Background()
	s, err := Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fsys, err := fs.Sub(migrations, "migrations/"+s.dialect.name())
	if err != nil {
		t.Fatal(err)
	}
	gd := goose.DialectSQLite3
	if s.dialect.name() == "postgres" {
		gd = goose.DialectPostgres
	}
	p, err := goose.NewProvider(gd, s.db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	for _, app := range []struct {
		id     string
		access bool
	}{{"with", true}, {"without", false}} {
		if _, err := s.exec(ctx, "seed", `INSERT INTO applications (id, name, type, management_api_access, created_at, updated_at)
			VALUES (?, ?, 'MachineToMachine', ?, 0, 0)`, app.id, app.id, app.access); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string][]string{"with": {"all"}, "without": {}} {
		res, held, err := s.ApplicationResourcePermissions(ctx, id, store.ManagementAPIIndicator)
		if err != nil || res.ID != store.ManagementAPIResourceID || !slices.Equal(held, want) {
			t.Errorf("application %q after the migration: %+v %v %v, want %v", id, res, held, err, want)
		}
	}
}

// postgresSchema is storetesting.PostgresDSN, which this package's own
// tests cannot import (it imports sqlstore): a fresh schema of the server
// named by MONBAN_TEST_POSTGRES_DSN, dropped afterwards.
func postgresSchema(t *testing.T) string {
	dsn := os.Getenv("MONBAN_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but MONBAN_TEST_POSTGRES_DSN is not set")
		}
		t.Skip("MONBAN_TEST_POSTGRES_DSN not set")
	}
	schema := "monban_test_rbac_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
