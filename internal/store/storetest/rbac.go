package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

const managementAPI = "https://default.logto.app/api"

// testRBACSeed: a migrated store has Logto's Management API resource with
// its permission "all", held by the built-in machine-to-machine role.
func testRBACSeed(t *testing.T, s store.Store) {
	res, err := s.GetResourceByIndicator(ctx(), managementAPI)
	mustNil(t, "Management API resource", err)
	if res.Name != "Logto Management API" || res.IsDefault {
		t.Fatalf("Management API resource = %+v", res)
	}
	role, err := s.GetRoleByName(ctx(), "LOGTO management api access")
	mustNil(t, "built-in role by name, any case", err)
	if role.Type != store.RoleMachineToMachine {
		t.Fatalf("built-in role = %+v", role)
	}
	scopes, total, err := s.ListRoleScopes(ctx(), role.ID, "", store.Page{})
	mustNil(t, "built-in role scopes", err)
	if total != 1 || len(scopes) != 1 || scopes[0].Name != "all" || scopes[0].Resource.Indicator != managementAPI {
		t.Fatalf("built-in role holds %+v", scopes)
	}
	app := newApp(t, s)
	_, perms, err := s.ApplicationResourcePermissions(ctx(), app.ID, managementAPI)
	mustNil(t, "permissions without the role", err)
	if len(perms) != 0 {
		t.Fatalf("an application without roles holds %v", perms)
	}
	mustNil(t, "assign", s.AddApplicationRoles(ctx(), app.ID, []string{role.ID}))
	got, perms, err := s.ApplicationResourcePermissions(ctx(), app.ID, managementAPI)
	mustNil(t, "permissions with the role", err)
	if got.ID != res.ID || !slices.Equal(perms, []string{"all"}) {
		t.Fatalf("with the role: %+v %v", got, perms)
	}
}

func testRBAC(t *testing.T, s store.Store) {
	res := &store.Resource{ID: uid("res"), Name: "Books", Indicator: "https://api.books.example", AccessTokenTTL: time.Hour, CreatedAt: base}
	mustNil(t, "create resource", s.CreateResource(ctx(), res))
	other := &store.Resource{ID: uid("res"), Name: "Music", Indicator: "https://api.music.example", AccessTokenTTL: time.Hour, CreatedAt: base}
	mustNil(t, "create resource", s.CreateResource(ctx(), other))
	scope := func(r *store.Resource, name string, i int) *store.Scope {
		sc := &store.Scope{ID: uid("scope"), ResourceID: r.ID, Name: name, Description: "may " + name,
			CreatedAt: base.Add(time.Duration(i) * time.Second)}
		mustNil(t, "create scope "+name, s.CreateScope(ctx(), sc))
		return sc
	}
	read, write, del := scope(res, "read:books", 1), scope(res, "write:books", 2), scope(res, "delete:books", 3)
	listen := scope(other, "listen", 4)
	mustIs(t, "taken scope name", s.CreateScope(ctx(), &store.Scope{ID: uid("scope"), ResourceID: res.ID, Name: "read:books", CreatedAt: base}), store.ErrConflict)
	mustNil(t, "same name on another resource", s.CreateScope(ctx(), &store.Scope{ID: uid("scope"), ResourceID: other.ID, Name: "read:books", CreatedAt: base}))
	mustIs(t, "scope of an unknown resource", s.CreateScope(ctx(), &store.Scope{ID: uid("scope"), ResourceID: "nope", Name: "x", CreatedAt: base}), store.ErrNotFound)

	got, total, err := s.ListScopes(ctx(), res.ID, "", store.Page{Number: 2, Size: 2})
	mustNil(t, "list scopes", err)
	if total != 3 || len(got) != 1 || got[0].ID != del.ID {
		t.Fatalf("scopes page 2 = %+v (total %d)", got, total)
	}
	got, total, err = s.ListScopes(ctx(), res.ID, "WRITE", store.Page{})
	mustNil(t, "search scopes", err)
	if total != 1 || len(got) != 1 || got[0].ID != write.ID || got[0].Description != "may write:books" {
		t.Fatalf("scope search = %+v", got)
	}
	sc, err := s.GetScope(ctx(), read.ID)
	mustNil(t, "get scope", err)
	if sc.Name != "read:books" || sc.ResourceID != res.ID || !sc.CreatedAt.Equal(read.CreatedAt) {
		t.Fatalf("get scope = %+v", sc)
	}
	withRes, err := s.GetScopes(ctx(), []string{read.ID, listen.ID, "nope"})
	mustNil(t, "get scopes", err)
	if len(withRes) != 2 {
		t.Fatalf("get scopes = %+v", withRes)
	}
	for _, w := range withRes {
		if (w.ID == listen.ID) != (w.Resource.Indicator == other.Indicator) {
			t.Fatalf("scope %s with resource %s", w.Name, w.Resource.Indicator)
		}
	}

	role := func(name string, typ store.RoleType, isDefault bool, i int) *store.Role {
		r := &store.Role{ID: uid("role"), Name: name, Description: name + " role", Type: typ, IsDefault: isDefault,
			CreatedAt: base.Add(time.Duration(i) * time.Minute)}
		mustNil(t, "create role "+name, s.CreateRole(ctx(), r))
		return r
	}
	reader, editor, member := role("Reader", store.RoleUser, false, 1), role("Editor", store.RoleUser, false, 2), role("Member", store.RoleUser, true, 3)
	robot := role("Robot", store.RoleMachineToMachine, false, 4)
	mustIs(t, "taken role name, other case", s.CreateRole(ctx(), &store.Role{ID: uid("role"), Name: "READER", Type: store.RoleUser, CreatedAt: base}), store.ErrConflict)
	r, err := s.GetRole(ctx(), reader.ID)
	mustNil(t, "get role", err)
	if r.Name != "Reader" || r.Description != "Reader role" || r.Type != store.RoleUser || r.IsDefault || !r.CreatedAt.Equal(reader.CreatedAt) {
		t.Fatalf("get role = %+v", r)
	}

	mustNil(t, "reader scopes", s.AddRoleScopes(ctx(), reader.ID, []string{read.ID}))
	mustNil(t, "editor scopes", s.AddRoleScopes(ctx(), editor.ID, []string{read.ID, write.ID, listen.ID}))
	mustNil(t, "robot scopes", s.AddRoleScopes(ctx(), robot.ID, []string{del.ID}))
	mustIs(t, "scope given twice", s.AddRoleScopes(ctx(), reader.ID, []string{read.ID}), store.ErrConflict)
	mustIs(t, "unknown scope", s.AddRoleScopes(ctx(), member.ID, []string{write.ID, "nope"}), store.ErrNotFound)
	if _, n, _ := s.ListRoleScopes(ctx(), member.ID, "", store.Page{}); n != 0 {
		t.Fatalf("a failed AddRoleScopes left %d scopes", n)
	}
	rs, n, err := s.ListRoleScopes(ctx(), editor.ID, "listen", store.Page{})
	mustNil(t, "role scopes search", err)
	if n != 1 || rs[0].ID != listen.ID || rs[0].Resource.ID != other.ID {
		t.Fatalf("role scopes = %+v", rs)
	}

	alice, bob := newUser(t, s, "alice", "alice@example.com"), newUser(t, s, "bob", "")
	mustNil(t, "alice roles", s.AddUserRoles(ctx(), alice.ID, []string{reader.ID}))
	mustIs(t, "role assigned twice", s.AddUserRoles(ctx(), alice.ID, []string{reader.ID}), store.ErrConflict)
	mustIs(t, "unknown role", s.AddUserRoles(ctx(), bob.ID, []string{editor.ID, "nope"}), store.ErrNotFound)
	mustIs(t, "unknown user", s.AddUserRoles(ctx(), "nope", []string{editor.ID}), store.ErrNotFound)
	perms := func(userID, indicator string, want ...string) {
		t.Helper()
		gotRes, got, err := s.UserResourcePermissions(ctx(), userID, indicator)
		mustNil(t, "user permissions", err)
		if gotRes.Indicator != indicator || !slices.Equal(got, append([]string{}, want...)) {
			t.Fatalf("permissions of %s on %s = %v, want %v", userID, indicator, got, want)
		}
	}
	perms(alice.ID, res.Indicator, "read:books")
	perms(bob.ID, res.Indicator)
	_, _, err = s.UserResourcePermissions(ctx(), alice.ID, "https://unknown.example")
	mustIs(t, "unknown indicator", err, store.ErrNotFound)
	mustNil(t, "alice editor", s.AddUserRoles(ctx(), alice.ID, []string{editor.ID}))
	perms(alice.ID, res.Indicator, "read:books", "write:books") // read:books from both roles, once
	perms(alice.ID, other.Indicator, "listen")
	names, err := s.UserRoleNames(ctx(), alice.ID)
	mustNil(t, "role names", err)
	if !slices.Equal(names, []string{"Editor", "Reader"}) {
		t.Fatalf("role names = %v", names)
	}

	mustNil(t, "default roles", s.AssignDefaultRoles(ctx(), bob.ID))
	if names, _ := s.UserRoleNames(ctx(), bob.ID); !slices.Equal(names, []string{"Member"}) {
		t.Fatalf("bob's roles after AssignDefaultRoles = %v", names)
	}

	app := newApp(t, s)
	mustNil(t, "app roles", s.AddApplicationRoles(ctx(), app.ID, []string{robot.ID}))
	if _, p, err := s.ApplicationResourcePermissions(ctx(), app.ID, res.Indicator); err != nil || !slices.Equal(p, []string{"delete:books"}) {
		t.Fatalf("application permissions = %v, %v", p, err)
	}

	listRoles := func(what string, f store.RoleFilter, page store.Page, wantTotal int64, want ...*store.Role) {
		t.Helper()
		got, total, err := s.ListRoles(ctx(), f, page)
		mustNil(t, what, err)
		var gotNames, wantNames []string
		for _, r := range got {
			gotNames = append(gotNames, r.Name)
		}
		for _, r := range want {
			wantNames = append(wantNames, r.Name)
		}
		if total != wantTotal || !slices.Equal(gotNames, wantNames) {
			t.Fatalf("%s: %v (total %d), want %v (total %d)", what, gotNames, total, wantNames, wantTotal)
		}
	}
	listRoles("user roles", store.RoleFilter{Type: store.RoleUser}, store.Page{}, 3, reader, editor, member)
	listRoles("paged", store.RoleFilter{Type: store.RoleUser}, store.Page{Number: 2, Size: 2}, 3, member)
	listRoles("alice's", store.RoleFilter{UserID: alice.ID}, store.Page{}, 2, reader, editor)
	listRoles("not alice's", store.RoleFilter{ExcludeUserID: alice.ID, Type: store.RoleUser}, store.Page{}, 1, member)
	listRoles("app's", store.RoleFilter{ApplicationID: app.ID}, store.Page{}, 1, robot)
	listRoles("search", store.RoleFilter{Search: "EDIT"}, store.Page{}, 1, editor)
	listRoles("search is literal", store.RoleFilter{Search: "%"}, store.Page{}, 0)

	users, n, err := s.ListRoleUsers(ctx(), reader.ID, "", store.Page{})
	mustNil(t, "role users", err)
	if n != 1 || users[0].ID != alice.ID {
		t.Fatalf("role users = %v", users)
	}
	if _, n, _ := s.ListRoleUsers(ctx(), reader.ID, "bob", store.Page{}); n != 0 {
		t.Fatalf("role users search: %d", n)
	}
	apps, n, err := s.ListRoleApplications(ctx(), robot.ID, "", store.Page{})
	mustNil(t, "role applications", err)
	if n != 1 || apps[0].ID != app.ID {
		t.Fatalf("role applications = %v", apps)
	}

	// Updates.
	reader.Name, reader.Description, reader.IsDefault = "Readers", "reads", true
	mustNil(t, "update role", s.UpdateRole(ctx(), reader))
	if r, _ := s.GetRoleByName(ctx(), "readers"); r == nil || r.Description != "reads" || !r.IsDefault {
		t.Fatalf("updated role = %+v", r)
	}
	editor.Name = "readers"
	mustIs(t, "rename to a taken name", s.UpdateRole(ctx(), editor), store.ErrConflict)
	mustIs(t, "update unknown role", s.UpdateRole(ctx(), &store.Role{ID: "nope", Name: "zz"}), store.ErrNotFound)
	write.Name = "read:books"
	mustIs(t, "rename scope to a taken name", s.UpdateScope(ctx(), write), store.ErrConflict)
	write.Name, write.Description = "edit:books", ""
	mustNil(t, "update scope", s.UpdateScope(ctx(), write))
	perms(alice.ID, res.Indicator, "edit:books", "read:books")
	res.Name, res.AccessTokenTTL = "Bookstore", 10*time.Minute
	mustNil(t, "update resource", s.UpdateResource(ctx(), res))
	if r, _ := s.GetResource(ctx(), res.ID); r.Name != "Bookstore" || r.AccessTokenTTL != 10*time.Minute {
		t.Fatalf("updated resource = %+v", r)
	}
	mustNil(t, "set default", s.SetDefaultResource(ctx(), res.ID, true))
	mustNil(t, "move default", s.SetDefaultResource(ctx(), other.ID, true))
	if d, _ := s.GetDefaultResource(ctx()); d.ID != other.ID {
		t.Fatalf("default = %s, want %s", d.ID, other.ID)
	}
	if r, _ := s.GetResource(ctx(), res.ID); r.IsDefault {
		t.Fatal("the previous default kept its mark")
	}
	mustNil(t, "unset default", s.SetDefaultResource(ctx(), other.ID, false))
	_, err = s.GetDefaultResource(ctx())
	mustIs(t, "no default", err, store.ErrNotFound)
	mustIs(t, "default of unknown", s.SetDefaultResource(ctx(), "nope", true), store.ErrNotFound)

	// Removals and cascades.
	mustNil(t, "remove role scope", s.RemoveRoleScope(ctx(), editor.ID, write.ID))
	mustIs(t, "remove it again", s.RemoveRoleScope(ctx(), editor.ID, write.ID), store.ErrNotFound)
	perms(alice.ID, res.Indicator, "read:books")
	mustNil(t, "remove user role", s.RemoveUserRole(ctx(), alice.ID, reader.ID))
	mustIs(t, "remove it again", s.RemoveUserRole(ctx(), alice.ID, reader.ID), store.ErrNotFound)
	mustNil(t, "delete scope", s.DeleteScope(ctx(), read.ID))
	perms(alice.ID, res.Indicator)
	mustNil(t, "delete role", s.DeleteRole(ctx(), editor.ID))
	if names, _ := s.UserRoleNames(ctx(), alice.ID); len(names) != 0 {
		t.Fatalf("roles after deleting them: %v", names)
	}
	mustNil(t, "remove app role", s.RemoveApplicationRole(ctx(), app.ID, robot.ID))
	mustIs(t, "remove it again", s.RemoveApplicationRole(ctx(), app.ID, robot.ID), store.ErrNotFound)
	mustNil(t, "delete user", s.DeleteUser(ctx(), bob.ID))
	if _, n, _ := s.ListRoleUsers(ctx(), member.ID, "", store.Page{}); n != 0 {
		t.Fatalf("a deleted user still holds a role")
	}
	mustNil(t, "delete resource", s.DeleteResource(ctx(), res.ID))
	_, err = s.GetScope(ctx(), del.ID)
	mustIs(t, "scope of a deleted resource", err, store.ErrNotFound)
	mustIs(t, "delete unknown resource", s.DeleteResource(ctx(), res.ID), store.ErrNotFound)
	mustIs(t, "delete unknown role", s.DeleteRole(ctx(), editor.ID), store.ErrNotFound)
	mustIs(t, "delete unknown scope", s.DeleteScope(ctx(), read.ID), store.ErrNotFound)
}
