package account

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/monban-dev/monban/internal/store"
)

// staleRetries bounds the read-modify-write retries of a merge that keeps
// losing to concurrent writers.
const staleRetries = 8

// MergeCustomData merges patch into the user's custom data at the top level
// (Logto's PATCH /api/users/{id}/custom-data) and returns the result. It is
// a read-modify-write checked by the user's Version: when a concurrent
// update wins, it reads again and merges again, so no update is lost.
func (s *Service) MergeCustomData(ctx context.Context, userID string, patch map[string]any) (map[string]any, error) {
	for range staleRetries {
		var out map[string]any
		err := s.Store.InTx(ctx, func(tx store.Store) error {
			u, err := tx.GetUser(ctx, userID)
			if err != nil {
				return err
			}
			merged := maps.Clone(u.CustomData)
			if merged == nil {
				merged = map[string]any{}
			}
			maps.Copy(merged, patch)
			u.CustomData = merged
			u.UpdatedAt = s.now()
			if err := tx.UpdateUser(ctx, u); err != nil {
				return err
			}
			out = merged
			return nil
		})
		if errors.Is(err, store.ErrStale) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("merge custom data: %w", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("merge custom data of %s: %w", userID, store.ErrStale)
}
