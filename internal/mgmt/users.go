package mgmt

import (
	"context"
	"net/http"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/store"
)

type identityJSON struct {
	UserID  string         `json:"userId"`
	Details map[string]any `json:"details"`
}

// userJSON is Logto's user response; it never carries the password digest.
type userJSON struct {
	ID           string                  `json:"id"`
	Username     *string                 `json:"username"`
	PrimaryEmail *string                 `json:"primaryEmail"`
	PrimaryPhone *string                 `json:"primaryPhone"`
	Name         *string                 `json:"name"`
	Avatar       *string                 `json:"avatar"`
	CustomData   map[string]any          `json:"customData"`
	Identities   map[string]identityJSON `json:"identities"`
	Profile      map[string]any          `json:"profile"`
	// ApplicationID is Logto's application the user signed up through;
	// Monban does not track it, so it is always null (Logto's user guard
	// requires the member).
	ApplicationID *string `json:"applicationId"`
	HasPassword   bool    `json:"hasPassword"`
	IsSuspended   bool    `json:"isSuspended"`
	LastSignInAt  *int64  `json:"lastSignInAt"`
	CreatedAt     int64   `json:"createdAt"`
	UpdatedAt     int64   `json:"updatedAt"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (a *API) toUserJSON(ctx context.Context, u *store.User) (userJSON, error) {
	out := userJSON{
		ID: u.ID, Username: optional(u.Username), PrimaryEmail: optional(u.PrimaryEmail),
		PrimaryPhone: optional(u.PrimaryPhone), Name: optional(u.Name), Avatar: optional(u.Avatar),
		CustomData: u.CustomData, Profile: u.Profile, HasPassword: u.PasswordHash != "", IsSuspended: u.IsSuspended,
		CreatedAt: u.CreatedAt.UnixMilli(), UpdatedAt: u.UpdatedAt.UnixMilli(), Identities: map[string]identityJSON{},
	}
	if u.LastSignInAt != nil {
		ms := u.LastSignInAt.UnixMilli()
		out.LastSignInAt = &ms
	}
	if out.CustomData == nil {
		out.CustomData = map[string]any{}
	}
	if out.Profile == nil {
		out.Profile = map[string]any{}
	}
	ids, err := a.o.Store.ListUserIdentities(ctx, u.ID)
	if err != nil {
		return userJSON{}, err
	}
	for _, i := range ids {
		d := i.Details
		if d == nil {
			d = map[string]any{}
		}
		out.Identities[i.Target] = identityJSON{UserID: i.UpstreamID, Details: d}
	}
	return out, nil
}

// POST /api/users {username?, password?, primaryEmail?, primaryPhone?,
// name?, avatar?, customData?, profile?, passwordDigest?,
// passwordAlgorithm?}
func (a *API) createUser(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Username     string         `json:"username"`
		Password     string         `json:"password"`
		PrimaryEmail string         `json:"primaryEmail"`
		PrimaryPhone string         `json:"primaryPhone"`
		Name         string         `json:"name"`
		Avatar       string         `json:"avatar"`
		CustomData   map[string]any `json:"customData"`
		Profile      map[string]any `json:"profile"`
		// An existing hash instead of password (Logto's names).
		PasswordDigest    string `json:"passwordDigest"`
		PasswordAlgorithm string `json:"passwordAlgorithm"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := checkAvatar(&in.Avatar); err != nil {
		return err
	}
	ctx := r.Context()
	// One write through the domain core: the profile comes with the user.
	u, err := a.o.Accounts.CreateUser(ctx, account.NewUser{Username: in.Username, Password: in.Password,
		PrimaryEmail: in.PrimaryEmail, PrimaryPhone: in.PrimaryPhone, Name: in.Name, Avatar: in.Avatar,
		CustomData: in.CustomData, Profile: in.Profile, PasswordDigest: in.PasswordDigest, PasswordAlgorithm: in.PasswordAlgorithm})
	if err != nil {
		return err
	}
	out, err := a.toUserJSON(ctx, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// GET /api/users/{id}
func (a *API) getUser(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	u, err := a.o.Store.GetUser(r.Context(), id)
	if err != nil {
		return withID(err, id)
	}
	out, err := a.toUserJSON(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// GET /api/users (page, page_size; Total-Number; Logto's search
// parameters, see searchQueryOf: search matches username, email, phone or name)
func (a *API) listUsers(w http.ResponseWriter, r *http.Request) error {
	p, paged, err := pageOf(r)
	if err != nil {
		return err
	}
	if !paged { // Logto always pages users
		p = store.Page{Number: 1, Size: defaultPageSize}
	}
	q, err := searchQueryOf(r.URL.Query(), userSearchFields)
	if err != nil {
		return err
	}
	users, total, err := a.o.Store.FindUsers(r.Context(), q, p)
	if err != nil {
		return err
	}
	out := make([]userJSON, len(users))
	for i, u := range users {
		if out[i], err = a.toUserJSON(r.Context(), u); err != nil {
			return err
		}
	}
	writeList(w, total, out)
	return nil
}
