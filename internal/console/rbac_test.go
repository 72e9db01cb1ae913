package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
)

// TestResourceRoleUserFlow is the representative flow, on SQLite and
// PostgreSQL: an API resource with a permission, a role holding it, the
// role given to a user and to no one else; each form's mistakes named.
func TestResourceRoleUserFlow(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		env, b := signedIn(t, pg)
		ctx := context.Background()
		resources := func() int {
			t.Helper()
			l, err := env.D.RBAC.ListResources(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return len(l)
		}
		before := resources()

		// Resource: bad indicator and TTL named, input kept, nothing written.
		p := b.submit("/console/api-resources/new", "/console/api-resources", url.Values{"name": {"Books"},
			"indicator": {"not a uri"}, "accessTokenTtl": {"600"}})
		wantRejected(t, p, "API identifier", "absolute URI", `value="Books"`, `value="not a uri"`, `value="600"`)
		p = b.submit("/console/api-resources/new", "/console/api-resources", url.Values{"name": {"Books"},
			"indicator": {"https://api.books.example"}, "accessTokenTtl": {"abc"}})
		wantRejected(t, p, "Access token lifetime (seconds)", "whole number", `value="abc"`)
		p = b.submit("/console/api-resources/new", "/console/api-resources", url.Values{"name": {"Books"},
			"indicator": {"https://api.books.example"}, "accessTokenTtl": {"5"}})
		wantRejected(t, p, "Access token lifetime (seconds)", "from 60 to 86400")
		if resources() != before {
			t.Fatal("a rejected resource was stored")
		}
		p = b.submit("/console/api-resources/new", "/console/api-resources", url.Values{"name": {"Books"},
			"indicator": {"https://api.books.example"}, "accessTokenTtl": {"600"}})
		resID := created(t, p, "api-resources")
		res, err := env.D.RBAC.GetResource(ctx, resID)
		if err != nil || res.AccessTokenTTL != 10*time.Minute || res.Indicator != "https://api.books.example" {
			t.Fatalf("resource: %+v %v", res, err)
		}
		p = b.submit("/console/api-resources/new", "/console/api-resources", url.Values{"name": {"Books again"},
			"indicator": {"https://api.books.example"}, "accessTokenTtl": {"600"}})
		wantRejected(t, p, "API identifier", "exists already")
		resPath := "/console/api-resources/" + resID

		// Settings.
		p = b.submit(resPath, resPath, url.Values{"name": {""}, "accessTokenTtl": {"999999"}})
		wantRejected(t, p, "Name", "is required")
		p = b.submit(resPath, resPath, url.Values{"name": {"Bookstore API"}, "accessTokenTtl": {"999999"}})
		wantRejected(t, p, "Access token lifetime (seconds)", "from 60 to 86400", `value="999999"`)
		p = b.submit(resPath, resPath, url.Values{"name": {"Bookstore API"}, "accessTokenTtl": {"3600"}})
		if res, _ = env.D.RBAC.GetResource(ctx, resID); p.status != http.StatusSeeOther || res.Name != "Bookstore API" || res.AccessTokenTTL != time.Hour {
			t.Fatalf("settings: %d %+v", p.status, res)
		}
		p = b.submit(resPath, resPath+"/default", url.Values{"isDefault": {"on"}})
		if res, _ = env.D.RBAC.GetResource(ctx, resID); p.status != http.StatusSeeOther || !res.IsDefault {
			t.Fatalf("default: %d %+v", p.status, res)
		}

		// Permissions.
		p = b.submit(resPath, resPath+"/permissions", url.Values{"permission": {"read books"}, "permissionDescription": {"Read"}})
		wantRejected(t, p, "Permission", "must not contain spaces", `value="read books"`, `value="Read"`)
		p = b.submit(resPath, resPath+"/permissions", url.Values{"permission": {"read:books"}, "permissionDescription": {"Read the books"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("add permission: %d\n%s", p.status, p.body)
		}
		p = b.submit(resPath, resPath+"/permissions", url.Values{"permission": {"read:books"}})
		wantRejected(t, p, "Permission", "has a permission of this name already")
		b.submit(resPath, resPath+"/permissions", url.Values{"permission": {"write:books"}})
		scopes, _, err := env.D.RBAC.ListScopes(ctx, resID, "", store.Page{})
		if err != nil || len(scopes) != 2 {
			t.Fatalf("scopes: %d %v", len(scopes), err)
		}
		read, write := scopes[0], scopes[1]
		if read.Name != "read:books" {
			read, write = write, read
		}

		// Role: mistakes named, then created with the read permission.
		p = b.submit("/console/roles/new", "/console/roles", url.Values{"name": {""}, "type": {"Admin"}, "scopeIds": {read.ID}})
		wantRejected(t, p, "Role name", "is required")
		wantRejected(t, p, "Role type", "choose User")
		p = b.submit("/console/roles/new", "/console/roles", url.Values{"name": {"Reader"}, "description": {"Reads"},
			"type": {"User"}, "scopeIds": {read.ID}})
		roleID := created(t, p, "roles")
		p = b.submit("/console/roles/new", "/console/roles", url.Values{"name": {"reader"}, "type": {"User"}})
		wantRejected(t, p, "Role name", "exists already", `value="reader"`)
		rolePath := "/console/roles/" + roleID
		if d := b.get(rolePath); !strings.Contains(d.body, "<code>read:books</code>") || !strings.Contains(d.body, `value="`+write.ID+`"`) {
			t.Errorf("role page: held or available permissions missing\n%s", d.body)
		}
		// Management API permissions cannot go to a User role.
		all, _, _ := env.D.RBAC.ListScopes(ctx, store.ManagementAPIResourceID, "", store.Page{})
		if len(all) > 0 {
			p = b.submit(rolePath, rolePath+"/permissions", url.Values{"scopeIds": {all[0].ID}})
			wantRejected(t, p, "Add permissions", "Management API permissions")
		}
		p = b.submit(rolePath, rolePath+"/permissions", url.Values{"scopeIds": {write.ID}})
		if held, _, _ := env.D.RBAC.ListRoleScopes(ctx, roleID, "", store.Page{}); p.status != http.StatusSeeOther || len(held) != 2 {
			t.Fatalf("add role permission: %d, %d held", p.status, len(held))
		}
		p = b.submit(rolePath, rolePath+"/permissions/delete", url.Values{"scopeId": {write.ID}})
		if held, _, _ := env.D.RBAC.ListRoleScopes(ctx, roleID, "", store.Page{}); p.status != http.StatusSeeOther || len(held) != 1 {
			t.Fatalf("remove role permission: %d, %d held", p.status, len(held))
		}
		// Assign to a user found by search.
		alice := env.User("alice", "correct horse battery")
		assign := rolePath + "/assignments"
		if found := b.get(assign + "?search=alice"); !strings.Contains(found.body, `name="userIds" value="`+alice.ID+`"`) {
			t.Fatalf("search does not offer alice:\n%s", found.body)
		}
		p = b.submit(assign, rolePath+"/users", url.Values{})
		wantRejected(t, p, "Assign", "tick at least one")
		p = b.submit(assign, rolePath+"/users", url.Values{"userIds": {alice.ID}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("assign: %d\n%s", p.status, p.body)
		}
		_, perms, err := env.D.Store.UserResourcePermissions(ctx, alice.ID, "https://api.books.example")
		if err != nil || len(perms) != 1 || perms[0] != "read:books" {
			t.Fatalf("alice's permissions: %v %v", perms, err)
		}
		if list := b.get(assign); !strings.Contains(list.body, "/console/users/"+alice.ID) {
			t.Error("alice not listed among the role's users")
		}
		if found := b.get(assign + "?search=alice"); strings.Contains(found.body, `name="userIds" value="`+alice.ID+`"`) {
			t.Error("alice offered again")
		}
		p = b.submit(assign, rolePath+"/users/delete", url.Values{"userId": {alice.ID}})
		if held, _, _ := env.D.RBAC.ListUserRoles(ctx, alice.ID, "", store.Page{}); p.status != http.StatusSeeOther || len(held) != 0 {
			t.Fatalf("unassign: %d, %d roles", p.status, len(held))
		}

		// Default role toggle: new users get the role.
		p = b.submit(rolePath, rolePath, url.Values{"name": {"Reader"}, "description": {"Reads books"}, "isDefault": {"on"}})
		if role, _ := env.D.RBAC.GetRole(ctx, roleID); p.status != http.StatusSeeOther || !role.IsDefault || role.Description != "Reads books" {
			t.Fatalf("default role: %d %+v", p.status, role)
		}
		bob := env.User("bob", "correct horse battery")
		if held, _, _ := env.D.RBAC.ListUserRoles(ctx, bob.ID, "", store.Page{}); len(held) != 1 || held[0].ID != roleID {
			t.Errorf("a new user did not get the default role: %v", held)
		}

		// Deleting the role and the resource needs the name typed.
		p = b.submit(rolePath, rolePath+"/delete", url.Values{"confirmName": {"Readers"}})
		wantRejected(t, p, "Type the role's name to confirm", "does not match")
		p = b.submit(rolePath, rolePath+"/delete", url.Values{"confirmName": {"Reader"}})
		if _, err := env.D.RBAC.GetRole(ctx, roleID); p.status != http.StatusSeeOther || err == nil {
			t.Fatalf("delete role: %d %v", p.status, err)
		}
		p = b.submit(resPath, resPath+"/permissions/delete", url.Values{"scopeId": {read.ID}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("delete permission: %d", p.status)
		}
		p = b.submit(resPath, resPath+"/delete", url.Values{"confirmName": {"Books"}})
		wantRejected(t, p, "Type the API resource's name to confirm", "does not match")
		p = b.submit(resPath, resPath+"/delete", url.Values{"confirmName": {"Bookstore API"}})
		if p.status != http.StatusSeeOther || resources() != before {
			t.Fatalf("delete resource: %d, %d resources", p.status, resources())
		}
		if got := b.get(resPath); got.status != http.StatusNotFound {
			t.Errorf("deleted resource: %d", got.status)
		}
	})
}

func TestMachineToMachineRole(t *testing.T) {
	env, b := signedIn(t, false)
	ctx := context.Background()
	m2m, _ := env.App(store.AppMachineToMachine)
	web, _ := env.App(store.AppTraditional, "http://localhost:3000/callback")
	p := b.submit("/console/roles/new", "/console/roles", url.Values{"name": {"Robots"}, "type": {"MachineToMachine"}})
	roleID := created(t, p, "roles")
	assign := "/console/roles/" + roleID + "/assignments"
	page := b.get(assign)
	if !strings.Contains(page.body, `value="`+m2m.ID+`"`) || strings.Contains(page.body, `value="`+web.ID+`"`) {
		t.Fatalf("candidates: only the M2M app\n%s", page.body)
	}
	p = b.submit(assign, "/console/roles/"+roleID+"/applications", url.Values{"applicationIds": {web.ID}})
	wantRejected(t, p, "Assign", "only machine-to-machine applications")
	p = b.submit(assign, "/console/roles/"+roleID+"/applications", url.Values{"applicationIds": {m2m.ID}})
	if held, _, _ := env.D.RBAC.ListApplicationRoles(ctx, m2m.ID, "", store.Page{}); p.status != http.StatusSeeOther || len(held) != 1 {
		t.Fatalf("assign app: %d %d", p.status, len(held))
	}
	p = b.submit(assign, "/console/roles/"+roleID+"/applications/delete", url.Values{"applicationId": {m2m.ID}})
	if held, _, _ := env.D.RBAC.ListApplicationRoles(ctx, m2m.ID, "", store.Page{}); p.status != http.StatusSeeOther || len(held) != 0 {
		t.Fatalf("unassign app: %d %d", p.status, len(held))
	}
	// The default toggle does not apply to M2M roles.
	if d := b.get("/console/roles/" + roleID); strings.Contains(d.body, `name="isDefault"`) {
		t.Error("an M2M role offers the default toggle")
	}
	// Lists: type filter and search.
	if _, err := env.D.RBAC.CreateRole(ctx, rbac.NewRole{Name: "Editors"}); err != nil {
		t.Fatal(err)
	}
	if l := b.get("/console/roles?type=MachineToMachine"); !strings.Contains(l.body, ">Robots</a>") || strings.Contains(l.body, ">Editors</a>") {
		t.Errorf("type filter:\n%s", l.body)
	}
	if l := b.get("/console/roles?search=edit&type=bogus"); l.status != 200 || strings.Contains(l.body, ">Robots</a>") || !strings.Contains(l.body, ">Editors</a>") {
		t.Errorf("search: %d", l.status)
	}
}

func TestManagementAPIResourceIsLocked(t *testing.T) {
	env, b := signedIn(t, false)
	ctx := context.Background()
	path := "/console/api-resources/" + store.ManagementAPIResourceID
	d := b.get(path)
	if d.status != 200 || !strings.Contains(d.body, "cannot be changed") || strings.Contains(d.body, `action="`+path+`/delete"`) {
		t.Fatalf("Management API page: %d\n%s", d.status, d.body)
	}
	// A forged POST is refused by the domain, named, nothing changed.
	before, _ := env.D.RBAC.GetResource(ctx, store.ManagementAPIResourceID)
	p := b.submit("/console/api-resources", path, url.Values{"name": {"Mine"}, "accessTokenTtl": {"600"}})
	wantRejected(t, p, "Name", "cannot be changed")
	p = b.submit("/console/api-resources", path+"/delete", url.Values{"confirmName": {before.Name}})
	wantRejected(t, p, "Type the API resource's name to confirm", "cannot be deleted")
	if after, err := env.D.RBAC.GetResource(ctx, store.ManagementAPIResourceID); err != nil || *after != *before {
		t.Errorf("the Management API changed: %+v %v", after, err)
	}
}

// TestRBACActionsNeedCSRF: the resource and role POSTs without the
// session's token are 403 and change nothing; the pages need a session.
func TestRBACActionsNeedCSRF(t *testing.T) {
	env, b := signedIn(t, false)
	ctx := context.Background()
	res := env.Resource("https://api.csrf.example")
	sc, err := env.D.RBAC.CreateScope(ctx, res.ID, rbac.NewScope{Name: "read"})
	if err != nil {
		t.Fatal(err)
	}
	role, _ := env.D.RBAC.CreateRole(ctx, rbac.NewRole{Name: "R", ScopeIDs: []string{sc.ID}})
	u := env.User("henry", "correct horse battery")
	rp, lp := "/console/api-resources/"+res.ID, "/console/roles/"+role.ID
	for action, form := range map[string]url.Values{
		"/console/api-resources":   {"name": {"X"}, "indicator": {"https://x.example"}, "accessTokenTtl": {"600"}},
		rp:                         {"name": {"X"}, "accessTokenTtl": {"600"}},
		rp + "/default":            {"isDefault": {"on"}},
		rp + "/permissions":        {"permission": {"write"}},
		rp + "/permissions/delete": {"scopeId": {sc.ID}},
		rp + "/delete":             {"confirmName": {res.Name}},
		"/console/roles":           {"name": {"New"}, "type": {"User"}},
		lp:                         {"name": {"Y"}, "isDefault": {"on"}},
		lp + "/permissions/delete": {"scopeId": {sc.ID}},
		lp + "/users":              {"userIds": {u.ID}},
		lp + "/delete":             {"confirmName": {"R"}},
	} {
		if p := b.post(action, form); p.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d", action, p.status)
		}
	}
	after, _ := env.D.RBAC.GetResource(ctx, res.ID)
	scopes, _, _ := env.D.RBAC.ListScopes(ctx, res.ID, "", store.Page{})
	r, rerr := env.D.RBAC.GetRole(ctx, role.ID)
	held, _, _ := env.D.RBAC.ListRoleScopes(ctx, role.ID, "", store.Page{})
	all, _ := env.D.RBAC.ListResources(ctx)
	roles, _, _ := env.D.RBAC.ListRoles(ctx, store.RoleFilter{}, store.Page{})
	users, _, _ := env.D.RBAC.ListRoleUsers(ctx, role.ID, "", store.Page{})
	if *after != *res || len(scopes) != 1 || rerr != nil || r.Name != "R" || r.IsDefault || len(held) != 1 ||
		len(users) != 0 || len(roles) != 2 || len(all) != 2 {
		t.Errorf("something changed: %+v %d %+v %d %d %d %d", after, len(scopes), r, len(held), len(users), len(roles), len(all))
	}
	anon := newBrowser(t, env)
	for _, p := range []string{rp, lp, lp + "/assignments", "/console/api-resources/new", "/console/roles/new"} {
		if got := anon.get(p); got.status != http.StatusSeeOther || got.header.Get("Location") != "/console/sign-in" {
			t.Errorf("anonymous GET %s: %d", p, got.status)
		}
	}
}
