package account

import (
	"context"
	"errors"
	"strconv"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// ErrAdminExists: the deployment already has an administrator, so the
// first-run set-up is closed.
var ErrAdminExists = errors.New("account: an administrator already exists")

// setupLockKey is the meta row CreateFirstAdmin writes first in its
// transaction: concurrent set-ups queue on it (PostgreSQL row lock; SQLite
// takes the write lock at BEGIN anyway), so the second one counts the
// first one's admin and stops.
const setupLockKey = "first-admin-setup"

// CreateFirstAdmin creates an administrator only while none exists (the
// console's one-time set-up page): of any number of concurrent calls, one
// creates the user and the others get ErrAdminExists. It needs a
// password and a username or an email; the rest is CreateUser's validation.
func (s *Service) CreateFirstAdmin(ctx context.Context, in NewUser) (*store.User, error) {
	in.IsAdmin = true
	var errs validate.Errors
	if in.Username == "" && in.PrimaryEmail == "" {
		errs.Add("username", "user.admin_identifier_required", "an administrator needs a username or an email to sign in with")
	}
	if in.Password == "" {
		errs.Add("password", "user.password_required", "an administrator needs a password")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if err := validateNewUser(in); err != nil {
		return nil, err
	}
	var u *store.User
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		stamp := strconv.FormatInt(s.now().UnixMicro(), 10)
		if err := tx.PutMeta(ctx, setupLockKey, []byte(stamp)); err != nil {
			return err
		}
		n, err := tx.CountAdmins(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrAdminExists
		}
		inTx := *s
		inTx.Store = tx
		u, err = inTx.CreateUser(ctx, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
