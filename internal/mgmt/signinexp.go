package mgmt

import (
	"net/http"
)

// GET /api/sign-in-exp: the whole sign-in experience.
func (a *API) getSignInExp(w http.ResponseWriter, r *http.Request) error {
	x, err := a.o.SignInExperience.Get(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

// PATCH /api/sign-in-exp: Logto's partial body, merged onto the current
// experience; answers the whole experience.
func (a *API) patchSignInExp(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	// Check the JSON's shape here so a malformed body is named "body" and
	// a member of the wrong type is named by its member.
	var probe map[string]any
	if err := decodeBytes(body, &probe); err != nil {
		return err
	}
	x, err := a.o.SignInExperience.Patch(r.Context(), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}
