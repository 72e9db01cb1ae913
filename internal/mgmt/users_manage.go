package mgmt

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

func checkAvatar(avatar *string) error {
	if avatar == nil || *avatar == "" {
		return nil
	}
	if u, err := url.Parse(*avatar); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return validate.Errors{{Field: "avatar", Code: "user.invalid_avatar", Message: "must be an http(s) URL"}}
	}
	return nil
}

func (a *API) writeUser(w http.ResponseWriter, r *http.Request, u *store.User) error {
	out, err := a.toUserJSON(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// PATCH /api/users/{id} {username?, primaryEmail?, primaryPhone?, name?,
// avatar?, customData?, profile?}: a taken identifier is 422.
func (a *API) patchUser(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in struct {
		Username     *string        `json:"username"`
		PrimaryEmail *string        `json:"primaryEmail"`
		PrimaryPhone *string        `json:"primaryPhone"`
		Name         *string        `json:"name"`
		Avatar       *string        `json:"avatar"`
		CustomData   map[string]any `json:"customData"`
		Profile      map[string]any `json:"profile"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := checkAvatar(in.Avatar); err != nil {
		return err
	}
	u, err := a.o.Accounts.UpdateUser(r.Context(), id, account.UserPatch{Username: in.Username, PrimaryEmail: in.PrimaryEmail,
		PrimaryPhone: in.PrimaryPhone, Name: in.Name, Avatar: in.Avatar, CustomData: in.CustomData, Profile: in.Profile})
	if err != nil {
		return withID(err, id)
	}
	return a.writeUser(w, r, u)
}

// DELETE /api/users/{id}: 204.
func (a *API) deleteUser(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := a.o.Accounts.DeleteUser(r.Context(), id); err != nil {
		return withID(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PATCH /api/users/{id}/password {password}: the sign-in experience's
// password policy applies (400 naming password, with the rule's code); the
// user's sessions end.
func (a *API) setPassword(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in struct {
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.o.SignInExperience.Get(r.Context())
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := a.o.Accounts.SetPassword(ctx, id, in.Password, x.PasswordPolicy); err != nil {
		return withID(err, id)
	}
	u, err := a.o.Store.GetUser(ctx, id)
	if err != nil {
		return withID(err, id)
	}
	return a.writeUser(w, r, u)
}

// POST /api/users/{id}/password/verify {password}: 204 if right, 422
// session.invalid_credentials if not.
func (a *API) verifyPassword(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in struct {
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Password == "" {
		return invalidInput("password", "guard.invalid_input", "must not be empty")
	}
	err := a.o.Accounts.VerifyPassword(r.Context(), id, in.Password)
	if errors.Is(err, account.ErrInvalidCredentials) {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "session.invalid_credentials",
			Message: "Wrong account or password."}
	}
	if err != nil {
		return withID(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /api/users/{id}/custom-data: the custom data object.
func (a *API) getCustomData(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	u, err := a.o.Store.GetUser(r.Context(), id)
	if err != nil {
		return withID(err, id)
	}
	cd := u.CustomData
	if cd == nil {
		cd = map[string]any{}
	}
	writeJSON(w, http.StatusOK, cd)
	return nil
}

// PATCH /api/users/{id}/custom-data {customData}: merged into the custom
// data at the top level, as Logto; answers the whole custom data.
func (a *API) patchCustomData(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in struct {
		CustomData map[string]any `json:"customData"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.CustomData == nil {
		return invalidInput("customData", "guard.invalid_input", "must be a JSON object")
	}
	merged, err := a.o.Accounts.MergeCustomData(r.Context(), id, in.CustomData)
	if err != nil {
		return withID(err, id)
	}
	writeJSON(w, http.StatusOK, merged)
	return nil
}

// PATCH /api/users/{id}/is-suspended {isSuspended}: the user; suspending
// ends the user's sessions.
func (a *API) setSuspended(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in struct {
		IsSuspended *bool `json:"isSuspended"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.IsSuspended == nil {
		return invalidInput("isSuspended", "guard.invalid_input", "is required (a boolean)")
	}
	u, err := a.o.Accounts.SetSuspended(r.Context(), id, *in.IsSuspended)
	if err != nil {
		return withID(err, id)
	}
	return a.writeUser(w, r, u)
}

// DELETE /api/users/{id}/identities/{target}: the user without that
// identity.
func (a *API) deleteIdentity(w http.ResponseWriter, r *http.Request) error {
	id, target := r.PathValue("id"), r.PathValue("target")
	ctx := r.Context()
	err := a.o.Accounts.UnlinkIdentity(ctx, id, target)
	if errors.Is(err, account.ErrIdentityNotFound) {
		return &apiError{Status: http.StatusNotFound, Code: "user.identity_not_exist",
			Message: fmt.Sprintf("The user has no %q identity.", target), Data: map[string]string{"target": target}}
	}
	if err != nil {
		return withID(err, id)
	}
	u, err := a.o.Store.GetUser(ctx, id)
	if err != nil {
		return withID(err, id)
	}
	return a.writeUser(w, r, u)
}
