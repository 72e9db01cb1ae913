package mgmt

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/validate"
)

// maxImport bounds the users of one POST /api/users/import; larger
// migrations go through several requests or `monban admin import-users`.
const maxImport = 1000

// ImportedUser is one user of a bulk import, in Logto's POST /api/users
// shape (an existing hash as passwordDigest + passwordAlgorithm, or a plain
// password). The CLI reads the same shape, one per line.
type ImportedUser struct {
	Username          string         `json:"username"`
	Password          string         `json:"password"`
	PasswordDigest    string         `json:"passwordDigest"`
	PasswordAlgorithm string         `json:"passwordAlgorithm"`
	PrimaryEmail      string         `json:"primaryEmail"`
	PrimaryPhone      string         `json:"primaryPhone"`
	Name              string         `json:"name"`
	Avatar            string         `json:"avatar"`
	CustomData        map[string]any `json:"customData"`
	Profile           map[string]any `json:"profile"`
}

// NewUser is the domain core's form of u; field errors name fields as
// POST /api/users does.
func (u ImportedUser) NewUser() (account.NewUser, error) {
	if err := checkAvatar(&u.Avatar); err != nil {
		return account.NewUser{}, err
	}
	return account.NewUser{Username: u.Username, Password: u.Password, PasswordDigest: u.PasswordDigest,
		PasswordAlgorithm: u.PasswordAlgorithm, PrimaryEmail: u.PrimaryEmail, PrimaryPhone: u.PrimaryPhone,
		Name: u.Name, Avatar: u.Avatar, CustomData: u.CustomData, Profile: u.Profile}, nil
}

// importResult is the answer of an import: how many users were created and
// their ids, in the order given.
type importResult struct {
	Imported int      `json:"imported"`
	IDs      []string `json:"ids"`
}

// POST /api/users/import {users: [...]}: Monban's bulk import, all or
// nothing; an error names the user, e.g. users[3].primaryEmail.
func (a *API) importUsers(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Users []json.RawMessage `json:"users"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Users == nil {
		return invalidInput("users", "guard.invalid_input", "must be an array of users")
	}
	if len(in.Users) > maxImport {
		return invalidInput("users", "guard.invalid_input", fmt.Sprintf("at most %d users per request", maxImport))
	}
	var errs validate.Errors
	users := make([]account.NewUser, len(in.Users))
	for i, raw := range in.Users {
		var u ImportedUser
		err := decodeBytes(raw, &u)
		if err == nil {
			users[i], err = u.NewUser()
		}
		if fe, ok := validate.As(err); ok {
			for _, e := range fe {
				if e.Field == "body" {
					e.Field, e.Message = fmt.Sprintf("users[%d]", i), "must be a user object"
				} else {
					e.Field = fmt.Sprintf("users[%d].%s", i, e.Field)
				}
				errs = append(errs, e)
			}
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	created, err := a.o.Accounts.ImportUsers(r.Context(), users)
	if err != nil {
		return err
	}
	out := importResult{Imported: len(created), IDs: make([]string, len(created))}
	for i, u := range created {
		out.IDs[i] = u.ID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
