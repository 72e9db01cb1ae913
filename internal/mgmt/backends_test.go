package mgmt_test

import (
	"testing"

	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/testenv"
)

// onBothDatabases runs test against a whole deployment on SQLite and, in a
// schema of its own, on PostgreSQL (skipped without
// MONBAN_TEST_POSTGRES_DSN, required under CI=true).
func onBothDatabases(t *testing.T, test func(t *testing.T, env *testenv.Env)) {
	t.Run("sqlite", func(t *testing.T) {
		test(t, testenv.New(t, testenv.Options{Email: &mailbox{}}))
	})
	t.Run("postgres", func(t *testing.T) {
		test(t, testenv.New(t, testenv.Options{Postgres: storetesting.PostgresDSN(t), Email: &mailbox{}}))
	})
}
