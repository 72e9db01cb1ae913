package storetesting

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// PostgresDSN returns a DSN for a fresh schema of the PostgreSQL server
// named by MONBAN_TEST_POSTGRES_DSN, dropped when t ends. Without the
// variable the test is skipped, except under CI=true, where it fails: the
// PostgreSQL backend must never go untested silently.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("MONBAN_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but MONBAN_TEST_POSTGRES_DSN is not set: PostgreSQL tests must run in CI")
		}
		t.Skip("MONBAN_TEST_POSTGRES_DSN not set; PostgreSQL test skipped (set it to run; CI does)")
	}
	return PostgresSchema(t, dsn)
}

// PostgresSchema creates a schema on dsn's server for this test only and
// returns dsn with search_path set to it; the schema is dropped afterwards.
func PostgresSchema(t testing.TB, dsn string) string {
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
	// Registered before the caller's clean-ups, so it runs after them
	// (after the store using the schema is closed).
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
	return u.String()
}
