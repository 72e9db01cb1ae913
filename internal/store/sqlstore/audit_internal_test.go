package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// TestDeleteAuditLogsInBatches: a backlog larger than one batch goes
// entirely, batch after batch, and nothing newer than the cutoff does.
func TestDeleteAuditLogsInBatches(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{SQLitePath: filepath.Join(t.TempDir(), "monban.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	defer func(n int) { auditDeleteBatch = n }(auditDeleteBatch)
	auditDeleteBatch = 3
	cutoff := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 10 {
		at := cutoff.Add(-time.Duration(i+1) * time.Hour) // 8 before the cutoff, 2 after
		if i >= 8 {
			at = cutoff.Add(time.Duration(i) * time.Hour)
		}
		l := &store.AuditLog{ID: fmt.Sprintf("log%d", i), Key: "k", Result: store.AuditSuccess, CreatedAt: at}
		if err := s.CreateAuditLog(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.DeleteAuditLogsBefore(ctx, cutoff)
	if err != nil || n != 8 {
		t.Fatalf("DeleteAuditLogsBefore = %d, %v; want 8", n, err)
	}
	left, total, err := s.ListAuditLogs(ctx, store.AuditLogFilter{}, store.Page{})
	if err != nil || total != 2 || len(left) != 2 {
		t.Fatalf("left: %d, %v", total, err)
	}
}
