// Package storetest is the conformance suite every store.Store backend
// passes. A backend's test calls Run with a function that opens a fresh,
// empty, migrated store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// Run runs every conformance test; open must return a new empty store and
// arrange for it to be closed when the test ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Applications", testApplications},
		{"ApplicationSecrets", testApplicationSecrets},
		{"Users", testUsers},
		{"UsersCaseInsensitive", testUsersCaseInsensitive},
		{"SearchUsers", testSearchUsers},
		{"FindUsers", testFindUsers},
		{"UserUpdateConflicts", testUserUpdateConflicts},
		{"ConcurrentReadModifyWrite", testConcurrentReadModifyWrite},
		{"TransactionRollback", testTransactionRollback},
		{"TransactionSerializesIncrements", testTransactionIncrements},
		{"TimeRoundTrip", testTimeRoundTrip},
		{"Sessions", testSessions},
		{"AuthorizationCodes", testAuthorizationCodes},
		{"AuthorizationCodeConcurrentConsume", testCodeConcurrentConsume},
		{"GrantsAndRefreshTokens", testGrants},
		{"RefreshTokenConcurrentConsume", testRefreshConcurrentConsume},
		{"SigningKeys", testSigningKeys},
		{"Meta", testMeta},
		{"Interactions", testInteractions},
		{"Consents", testConsents},
		{"RevokedTokens", testRevokedTokens},
		{"Resources", testResources},
		{"RBACSeed", testRBACSeed},
		{"RBAC", testRBAC},
		{"Connectors", testConnectors},
		{"Identities", testIdentities},
		{"ConnectorSessions", testConnectorSessions},
		{"DeleteExpired", testDeleteExpired},
		{"Throttles", testThrottles},
		{"GetThrottles", testGetThrottles},
		{"ThrottleConcurrentFailures", testThrottleConcurrentFailures},
		{"ThrottleDeleteExpired", testThrottleDeleteExpired},
		{"VerificationCodes", testVerificationCodes},
		{"VerificationCodeReplace", testVerificationCodeReplace},
		{"VerificationCodeConcurrentCreate", testVerificationCodeConcurrentCreate},
		{"VerificationCodeConcurrentConsume", testVerificationCodeConcurrentConsume},
		{"VerificationCodeConcurrentAttempts", testVerificationCodeConcurrentAttempts},
		{"VerificationCodeDeleteExpired", testVerificationCodeDeleteExpired},
		{"CascadeOnApplicationDelete", testCascade},
		{"AuditLogs", testAuditLogs},
		{"AuditLogList", testAuditLogList},
		{"AuditLogStats", testAuditLogStats},
		{"AuditLogPrune", testAuditLogPrune},
		{"AuditLogInTx", testAuditLogInTx},
		{"Ping", func(t *testing.T, s store.Store) {
			if err := s.Ping(context.Background()); err != nil {
				t.Fatalf("Ping: %v", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

var seq atomic.Int64

// uid returns an id unique within the test binary.
func uid(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

// base is a fixed instant with sub-second precision used across tests.
var base = time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.UTC)

func ctx() context.Context { return context.Background() }

func mustNil(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func mustIs(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

func newApp(t *testing.T, s store.Store) *store.Application {
	t.Helper()
	a := &store.Application{
		ID: uid("app"), Name: "Bookstore", Type: store.AppTraditional,
		RedirectURIs: []string{"http://localhost:3000/callback"},
		CreatedAt:    base, UpdatedAt: base,
	}
	mustNil(t, "CreateApplication", s.CreateApplication(ctx(), a))
	return a
}

func newUser(t *testing.T, s store.Store, username, email string) *store.User {
	t.Helper()
	u := &store.User{ID: uid("user"), Username: username, PrimaryEmail: email, CreatedAt: base, UpdatedAt: base}
	mustNil(t, "CreateUser", s.CreateUser(ctx(), u))
	return u
}
