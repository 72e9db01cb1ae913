package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// maxDigestLength is Logto's bound on passwordDigest.
const maxDigestLength = 256

// importedHash checks in's passwordDigest and passwordAlgorithm, Logto's
// rules first (not both a password and a digest; a digest needs its
// algorithm), and returns the hash to store ("" without a digest).
func importedHash(in NewUser) (string, error) {
	if in.PasswordDigest == "" {
		return "", nil
	}
	var errs validate.Errors
	if in.Password != "" {
		errs.Add("passwordDigest", "user.password_and_digest", "give either password or passwordDigest, not both")
	}
	alg := password.Algorithm(in.PasswordAlgorithm)
	switch {
	case alg == "":
		errs.Add("passwordAlgorithm", "user.password_algorithm_required", "is required with passwordDigest")
	case !slices.Contains(password.Supported, alg):
		names := make([]string, len(password.Supported))
		for i, a := range password.Supported {
			names[i] = string(a)
		}
		errs.Add("passwordAlgorithm", "user.unsupported_password_algorithm",
			fmt.Sprintf("must be one of %s", strings.Join(names, ", ")))
	}
	if len(in.PasswordDigest) > maxDigestLength {
		errs.Add("passwordDigest", "user.invalid_password_digest", fmt.Sprintf("must be at most %d characters", maxDigestLength))
	}
	if err := errs.Err(); err != nil {
		return "", err
	}
	h, err := password.Import(alg, in.PasswordDigest)
	if err != nil {
		return "", validate.FieldError{Field: "passwordDigest", Code: "user.invalid_password_digest",
			Message: fmt.Sprintf("is not a %s digest: %s", alg, strings.TrimPrefix(err.Error(), "password: "))}
	}
	return h, nil
}

// ImportUsers creates every user of in, all or nothing, in one transaction:
// one invalid or taken field anywhere and none is created. Field errors are
// named after the user's index, e.g. "users[3].primaryEmail"; two users of
// the batch with one identifier are a conflict like a taken one. Plain
// passwords are hashed before the transaction starts, so it stays short.
func (s *Service) ImportUsers(ctx context.Context, in []NewUser) ([]*store.User, error) {
	var errs validate.Errors
	users := make([]*store.User, len(in))
	for i, nu := range in {
		nu.IsAdmin = false // an import never grants console access
		u, err := s.prepareUser(ctx, nu)
		if fe, ok := validate.As(err); ok {
			errs = append(errs, prefixed(i, fe)...)
			continue
		}
		if err != nil {
			return nil, err
		}
		users[i] = u
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		for i, u := range users {
			err := insertUser(ctx, tx, u)
			if fe, ok := validate.As(err); ok {
				return prefixed(i, fe)
			}
			if errors.Is(err, store.ErrConflict) {
				return validate.Errors{{Field: fmt.Sprintf("users[%d].id", i), Code: "user.identifier_already_in_use",
					Message: "an identifier of this user is already in use"}}
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if _, ok := validate.As(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("import users: %w", err)
	}
	return users, nil
}

func prefixed(i int, errs validate.Errors) validate.Errors {
	out := make(validate.Errors, len(errs))
	for j, e := range errs {
		e.Field = fmt.Sprintf("users[%d].%s", i, e.Field)
		out[j] = e
	}
	return out
}
