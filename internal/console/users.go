package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/policy"
	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/store"
)

// Users: the list (search, pages), creation, and the details page
// (profile, identities, custom data, password, suspension, deletion; roles
// on a tab of their own, users_roles.go). Every change goes through
// account.Service (and rbac.Service for roles), as POST/PATCH/DELETE
// /api/users... do; the lists read the store.
func (c *Console) userRoutes(rt *router) {
	rt.Page("/console/users", c.users)
	rt.Page("/console/users/new", c.userCreateForm)
	rt.Action("/console/users", c.createUser)
	rt.Page("/console/users/{id}", c.userDetails)
	rt.Action("/console/users/{id}", c.updateUser)
	rt.Action("/console/users/{id}/custom-data", c.updateCustomData)
	rt.Action("/console/users/{id}/password", c.resetPassword)
	rt.Action("/console/users/{id}/suspension", c.setSuspension)
	rt.Action("/console/users/{id}/identities/delete", c.unlinkIdentity)
	rt.Action("/console/users/{id}/delete", c.deleteUser)
	c.userRoleRoutes(rt)
}

type usersData struct {
	Page
	Search string
	Users  []*store.User
	Pager  Pager
}

// users lists the users, newest pages last as Logto's API pages them, with
// a search over username, email, phone and name (?search=).
func (c *Console) users(w http.ResponseWriter, r *http.Request, a *Admin) {
	q := r.URL.Query()
	search := strings.TrimSpace(q.Get("search"))
	if len(search) > 256 {
		search = search[:256]
	}
	p := pageOf(r)
	var (
		list  []*store.User
		total int64
		err   error
	)
	if search != "" {
		list, total, err = c.o.Store.SearchUsers(r.Context(), search, p)
	} else {
		list, total, err = c.o.Store.ListUsers(r.Context(), p)
	}
	if err != nil {
		c.fail(w, r, "list users", err)
		return
	}
	c.show(w, r, a, "users", usersData{Page: c.page(r, a, "users", "users.title"), Search: search, Users: list,
		Pager: c.pager("/users", url.Values{"search": {search}}, p, total)})
}

type userCreateData struct {
	Page
	Form *Form
}

func (c *Console) userCreateForm(w http.ResponseWriter, r *http.Request, a *Admin) {
	c.show(w, r, a, "users-create", userCreateData{Page: c.page(r, a, "users", "users.create"), Form: NewForm(nil)})
}

// userFields maps account.Service's field names to the forms'.
func userFields(tr translator) fieldMap {
	return func(apiField string) (string, string) {
		switch apiField {
		case "username":
			return "username", tr.T("users.username")
		case "primaryEmail":
			return "email", tr.T("users.email")
		case "primaryPhone":
			return "phone", tr.T("users.phone")
		case "name":
			return "name", tr.T("users.name")
		case "avatar":
			return "avatar", tr.T("users.avatar")
		case "password":
			return "password", tr.T("users.password")
		}
		return "", ""
	}
}

// createUser is POST /console/users (account.Service.CreateUser, as POST
// /api/users). The password must satisfy the sign-in experience's policy;
// left empty, one is generated and shown once on the user's page.
func (c *Console) createUser(w http.ResponseWriter, r *http.Request, a *Admin) {
	form := NewForm(r.PostForm)
	form.Values.Del("password")
	in := account.NewUser{Username: strings.TrimSpace(r.PostForm.Get("username")),
		PrimaryEmail: strings.TrimSpace(r.PostForm.Get("email")), PrimaryPhone: strings.TrimSpace(r.PostForm.Get("phone")),
		Name: strings.TrimSpace(r.PostForm.Get("name")), Password: r.PostForm.Get("password")}
	x, err := c.o.SignInExperience.Get(r.Context())
	if err != nil {
		c.fail(w, r, "read sign-in experience", err)
		return
	}
	info := policy.UserInfo{Username: in.Username, Email: in.PrimaryEmail, Phone: in.PrimaryPhone, Name: in.Name}
	generated := in.Password == ""
	if generated {
		in.Password = generatePassword(x.PasswordPolicy, info)
	} else {
		c.checkPolicy(form, a, x.PasswordPolicy, in.Password, info)
	}
	var u *store.User
	if form.HasErrors() {
		// Name every problem at once: the identifiers too.
		check := in
		check.Password = ""
		if err := c.o.Accounts.CheckNewUser(r.Context(), check); err != nil &&
			!formError(form, a.Tr, "username", a.Tr.T("users.username"), userFields(a.Tr), err) {
			c.fail(w, r, "check user", err)
			return
		}
	} else {
		u, err = c.o.Accounts.CreateUser(r.Context(), in)
		if err != nil && !formError(form, a.Tr, "username", a.Tr.T("users.username"), userFields(a.Tr), err) {
			c.fail(w, r, "create user", err)
			return
		}
	}
	if form.HasErrors() {
		c.render(w, r, a.Lang, http.StatusBadRequest, "users-create", userCreateData{Page: c.page(r, a, "users", "users.create"), Form: form})
		return
	}
	c.log(r.Context()).Info("console: user created", "user_id", u.ID, "admin", a.User.ID)
	if generated {
		c.flashPassword(w, a, u.ID, in.Password)
	}
	c.done(w, r, "/users/"+u.ID, "notice.user_created")
}

// checkPolicy records the policy's violations of pw on the form's password
// field, in the page's language (the hosted pages' phrases, which carry
// the rules' parameters).
func (c *Console) checkPolicy(form *Form, a *Admin, pol policy.Policy, pw string, u policy.UserInfo) {
	label := a.Tr.T("users.password")
	if strings.TrimSpace(pw) == "" {
		form.Fail("password", label, a.Tr.T("form.required"))
		return
	}
	if len(pw) > account.MaxPasswordLength {
		form.Fail("password", label, i18n.For(a.Lang).T("password.too_long", "max", account.MaxPasswordLength))
		return
	}
	for _, v := range pol.Check(pw, u) {
		var args []any
		for k, val := range v.Params {
			args = append(args, k, val)
		}
		msg, ok := i18n.For(a.Lang).Lookup(v.Code, args...)
		if !ok {
			msg = v.Message
		}
		form.Fail("password", label, msg)
	}
}

// userByPath loads the user of the URL's {id}; false (answered 404 or 500)
// when there is none.
func (c *Console) userByPath(w http.ResponseWriter, r *http.Request) (*store.User, bool) {
	u, err := c.o.Store.GetUser(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		c.notFound(w, r)
		return nil, false
	}
	if err != nil {
		c.fail(w, r, "load user", err)
		return nil, false
	}
	return u, true
}

type userDetailsData struct {
	Page
	User       *store.User
	Label      string // userLabel
	Tab        string
	Self       bool // the signed-in admin
	Identities []*store.Identity
	// NewPassword is a generated password, shown once.
	NewPassword string
	CustomData  string
	Form        *Form // the profile
	CustomForm  *Form
	PasswordForm,
	SuspendForm,
	DeleteForm *Form
}

// userDetails builds the settings tab's data, forms filled from the stored
// user unless a rejected POST gives them.
func (c *Console) userDetailsData(r *http.Request, a *Admin, u *store.User) (userDetailsData, error) {
	ids, err := c.o.Store.ListUserIdentities(r.Context(), u.ID)
	if err != nil {
		return userDetailsData{}, err
	}
	profile := NewForm(nil)
	profile.Values.Set("username", u.Username)
	profile.Values.Set("email", u.PrimaryEmail)
	profile.Values.Set("phone", u.PrimaryPhone)
	profile.Values.Set("name", u.Name)
	profile.Values.Set("avatar", u.Avatar)
	custom := NewForm(nil)
	custom.Values.Set("customData", prettyJSON(u.CustomData))
	return userDetailsData{Page: c.page(r, a, "users", "users.details", "name", userLabel(u)), User: u, Label: userLabel(u), Tab: "settings",
		Self: u.ID == a.User.ID, Identities: ids, Form: profile, CustomForm: custom, PasswordForm: NewForm(nil),
		SuspendForm: NewForm(nil), DeleteForm: NewForm(nil)}, nil
}

// userLabel is how a user is named in titles: name, else username, email,
// phone, id.
func userLabel(u *store.User) string {
	for _, s := range []string{u.Name, u.Username, u.PrimaryEmail, u.PrimaryPhone} {
		if s != "" {
			return s
		}
	}
	return u.ID
}

func (c *Console) userDetails(w http.ResponseWriter, r *http.Request, a *Admin) {
	u, ok := c.userByPath(w, r)
	if !ok {
		return
	}
	d, err := c.userDetailsData(r, a, u)
	if err != nil {
		c.fail(w, r, "list identities", err)
		return
	}
	d.NewPassword = c.flashedPassword(w, r, a, u.ID)
	c.show(w, r, a, "users-details", d)
}

// userAgain renders the settings tab with a 400 after a rejected POST; set
// puts the rejected form in place.
func (c *Console) userAgain(w http.ResponseWriter, r *http.Request, a *Admin, u *store.User, set func(*userDetailsData)) {
	d, err := c.userDetailsData(r, a, u)
	if err != nil {
		c.fail(w, r, "list identities", err)
		return
	}
	set(&d)
	c.render(w, r, a.Lang, http.StatusBadRequest, "users-details", d)
}

// updateUser saves the profile (account.Service.UpdateUser, as PATCH
// /api/users/{id}); an empty identifier is cleared.
func (c *Console) updateUser(w http.ResponseWriter, r *http.Request, a *Admin) {
	u, ok := c.userByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	field := func(k string) *string { v := strings.TrimSpace(r.PostForm.Get(k)); return &v }
	p := account.UserPatch{Username: field("username"), PrimaryEmail: field("email"), PrimaryPhone: field("phone"),
		Name: field("name"), Avatar: field("avatar")}
	if *p.Username == "" && *p.PrimaryEmail == "" && *p.PrimaryPhone == "" {
		form.Fail("username", a.Tr.T("users.username"), a.Tr.T("users.identifier_required"))
	}
	if av := *p.Avatar; av != "" {
		if pu, err := url.Parse(av); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
			form.Fail("avatar", a.Tr.T("users.avatar"), a.Tr.T("users.avatar_invalid"))
		}
	}
	if !form.HasErrors() {
		_, err := c.o.Accounts.UpdateUser(r.Context(), u.ID, p)
		if err != nil && !formError(form, a.Tr, "username", a.Tr.T("users.username"), userFields(a.Tr), err) {
			c.fail(w, r, "update user", err)
			return
		}
	}
	if form.HasErrors() {
		c.userAgain(w, r, a, u, func(d *userDetailsData) { d.Form = form })
		return
	}
	c.done(w, r, "/users/"+u.ID, "notice.saved")
}

// deleteUser removes the user once their identifier is typed to confirm
// (account.Service.DeleteUser, as DELETE /api/users/{id}). An admin cannot
// delete themselves here: the console would lock them out mid-request.
func (c *Console) deleteUser(w http.ResponseWriter, r *http.Request, a *Admin) {
	u, ok := c.userByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	label := a.Tr.T("users.delete_confirm")
	switch {
	case u.ID == a.User.ID:
		form.Fail("confirmDelete", label, a.Tr.T("users.not_yourself"))
	case r.PostForm.Get("confirmDelete") != userLabel(u):
		form.Fail("confirmDelete", label, a.Tr.T("users.delete_mismatch"))
	}
	if form.HasErrors() {
		c.userAgain(w, r, a, u, func(d *userDetailsData) { d.DeleteForm = form })
		return
	}
	if err := c.o.Accounts.DeleteUser(r.Context(), u.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		c.fail(w, r, "delete user", err)
		return
	}
	c.log(r.Context()).Info("console: user deleted", "user_id", u.ID, "admin", a.User.ID)
	c.done(w, r, "/users", "notice.user_deleted")
}
