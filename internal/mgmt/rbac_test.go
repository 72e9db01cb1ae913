package mgmt_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

// TestManagementAPIAccessIsARole: the Management API is protected by the
// RBAC model: an application holds its permission "all" through the role
// "Logto Management API access", and taking the role away, or revoking
// the token, refuses a token issued before.
func TestManagementAPIAccessIsARole(t *testing.T) { onBothDatabases(t, testManagementAPIAccessIsARole) }

func testManagementAPIAccessIsARole(t *testing.T, env *testenv.Env) {
	admin := newClient(t, env)
	// The seeded resource, permission and role, as Logto has them.
	r := admin.do("GET", "/api/roles?search=management%20api%20access", "")
	roles := r.list()
	if r.status != 200 || len(roles) != 1 || roles[0]["name"] != "Logto Management API access" || roles[0]["type"] != "MachineToMachine" {
		t.Fatalf("built-in role: %d %s", r.status, r.raw)
	}
	roleID := roles[0]["id"].(string)
	if n, _ := roles[0]["applicationsCount"].(float64); n < 1 {
		t.Errorf("the built-in role counts %v applications, want the admin client's", roles[0]["applicationsCount"])
	}
	r = admin.do("GET", "/api/roles/"+roleID+"/scopes", "")
	if l := r.list(); r.status != 200 || len(l) != 1 || l[0]["name"] != "all" || l[0]["resource"].(map[string]any)["indicator"] != managementAPI {
		t.Fatalf("built-in role's scopes: %d %s", r.status, r.raw)
	}

	// An application without access asks for "all" and gets none.
	app, secret, err := env.D.Applications.Create(context.Background(), appInput("robot"))
	if err != nil {
		t.Fatal(err)
	}
	tok, scope := clientCredentials(t, env, app.ID, secret)
	if scope != "" {
		t.Errorf("without the role: scope %q", scope)
	}
	wantError(t, "token without the role", call(t, env, tok, "GET", "/api/roles", ""), 403, "auth.forbidden")
	// Given the role over the API, it gets "all".
	if r := admin.do("POST", "/api/roles/"+roleID+"/applications", `{"applicationIds":["`+app.ID+`"]}`); r.status != 201 {
		t.Fatalf("assign: %d %s", r.status, r.raw)
	}
	tok, scope = clientCredentials(t, env, app.ID, secret)
	if scope != "all" {
		t.Fatalf("with the role: scope %q", scope)
	}
	if r := call(t, env, tok, "GET", "/api/roles", ""); r.status != 200 {
		t.Fatalf("with the role: %d %s", r.status, r.raw)
	}
	// Taken away: the token issued before is refused at once.
	if r := admin.do("DELETE", "/api/applications/"+app.ID+"/roles/"+roleID, ""); r.status != 204 {
		t.Fatalf("unassign: %d %s", r.status, r.raw)
	}
	wantError(t, "token of an application whose role was taken", call(t, env, tok, "GET", "/api/roles", ""), 403, "auth.forbidden")
	// Revoked (RFC 7009): refused although the application has the role.
	if r := admin.do("PUT", "/api/applications/"+app.ID+"/roles", `{"roleIds":["`+roleID+`"]}`); r.status != 200 {
		t.Fatalf("reassign: %d %s", r.status, r.raw)
	}
	tok, _ = clientCredentials(t, env, app.ID, secret)
	if r := call(t, env, tok, "GET", "/api/roles", ""); r.status != 200 {
		t.Fatalf("after reassigning: %d %s", r.status, r.raw)
	}
	form := url.Values{"token": {tok}}
	req, _ := http.NewRequest(http.MethodPost, env.Issuer+"/token/revocation", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(app.ID, secret)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("revocation: %v %v", resp, err)
	}
	wantError(t, "revoked token", call(t, env, tok, "GET", "/api/roles", ""), 401, "auth.unauthorized")
	// The Management API resource and its permissions cannot be changed.
	r = admin.do("GET", "/api/resources", "")
	var mapiID string
	for _, res := range r.list() {
		if res["indicator"] == managementAPI {
			mapiID = res["id"].(string)
		}
	}
	if mapiID == "" {
		t.Fatalf("the Management API is not among the resources: %s", r.raw)
	}
	wantError(t, "rename the Management API", admin.do("PATCH", "/api/resources/"+mapiID, `{"name":"x"}`), 400, "resource.cannot_modify_management_api")
	wantError(t, "delete the Management API", admin.do("DELETE", "/api/resources/"+mapiID, ""), 400, "resource.cannot_delete_management_api")
	wantError(t, "add a Management API permission", admin.do("POST", "/api/resources/"+mapiID+"/scopes", `{"name":"read"}`), 400, "resource.cannot_modify_management_api")
}

func appInput(name string) application.NewApplication {
	return application.NewApplication{Name: name, Type: store.AppMachineToMachine}
}

func clientCredentials(t *testing.T, env *testenv.Env, id, secret string) (token, scope string) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {managementAPI}, "scope": {"all"}}
	req, _ := http.NewRequest(http.MethodPost, env.Issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := response{status: resp.StatusCode}
	r.raw, _ = io.ReadAll(resp.Body)
	m := r.object()
	token, _ = m["access_token"].(string)
	scope, _ = m["scope"].(string)
	if r.status != 200 || token == "" {
		t.Fatalf("client_credentials: %d %s", r.status, r.raw)
	}
	return token, scope
}

// TestRBACRoutes: resources, scopes, roles and assignments over the
// Management API, with Logto's statuses and codes for every error, and
// nothing written by a refused request.
func TestRBACRoutes(t *testing.T) { onBothDatabases(t, testRBACRoutes) }

func testRBACRoutes(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	mustStatus := func(what string, r response, status int) map[string]any {
		t.Helper()
		if r.status != status {
			t.Fatalf("%s: %d %s, want %d", what, r.status, r.raw, status)
		}
		return r.object()
	}
	res := mustStatus("create resource", c.do("POST", "/api/resources", `{"name":"Books","indicator":"https://api.books.example"}`), 201)
	resID := res["id"].(string)
	base := "/api/resources/" + resID
	sc := mustStatus("create scope", c.do("POST", base+"/scopes", `{"name":"read:books","description":"Read books"}`), 201)
	readID := sc["id"].(string)
	if sc["resourceId"] != resID || sc["description"] != "Read books" {
		t.Errorf("scope: %v", sc)
	}
	writeID := mustStatus("create scope", c.do("POST", base+"/scopes", `{"name":"write:books"}`), 201)["id"].(string)
	wantError(t, "taken scope name", c.do("POST", base+"/scopes", `{"name":"read:books"}`), 409, "scope.name_exists")
	wantFields(t, "scope name with a space", c.do("POST", base+"/scopes", `{"name":"read books"}`), "name")
	wantFields(t, "scope without name", c.do("POST", base+"/scopes", `{}`), "name")
	wantFields(t, "scope name of the wrong type", c.do("POST", base+"/scopes", `{"name":3}`), "name")
	wantError(t, "scope of an unknown resource", c.do("POST", "/api/resources/nope/scopes", `{"name":"x"}`), 404, "entity.not_exists_with_id")
	r := c.do("GET", base+"/scopes?page=1&page_size=1", "")
	if r.status != 200 || len(r.list()) != 1 || r.header.Get("Total-Number") != "2" {
		t.Errorf("scopes page: %d %s (Total-Number %s)", r.status, r.raw, r.header.Get("Total-Number"))
	}
	if r := c.do("GET", base+"/scopes?search=WRITE", ""); len(r.list()) != 1 || r.list()[0]["id"] != writeID {
		t.Errorf("scope search: %s", r.raw)
	}
	mustStatus("patch scope", c.do("PATCH", base+"/scopes/"+writeID, `{"description":"Write books"}`), 200)
	wantError(t, "rename scope to a taken name", c.do("PATCH", base+"/scopes/"+writeID, `{"name":"read:books"}`), 409, "scope.name_exists")
	wantError(t, "unknown scope", c.do("PATCH", base+"/scopes/nope", `{"name":"x"}`), 404, "entity.not_exists_with_id")
	if got := mustStatus("patch resource", c.do("PATCH", base, `{"name":"Bookstore","accessTokenTtl":600}`), 200); got["accessTokenTtl"] != float64(600) || got["indicator"] != "https://api.books.example" {
		t.Errorf("patched resource: %v", got)
	}
	wantFields(t, "bad ttl", c.do("PATCH", base, `{"accessTokenTtl":5}`), "accessTokenTtl")
	wantFields(t, "empty name", c.do("PATCH", base, `{"name":" "}`), "name")
	if got := mustStatus("default", c.do("PATCH", base+"/is-default", `{"isDefault":true}`), 200); got["isDefault"] != true || got["name"] != "Bookstore" {
		t.Errorf("is-default: %v", got)
	}
	wantFields(t, "is-default without a value", c.do("PATCH", base+"/is-default", `{}`), "isDefault")

	// Roles.
	role := mustStatus("create role", c.do("POST", "/api/roles", `{"name":"Reader","description":"reads","scopeIds":["`+readID+`"]}`), 200)
	readerID := role["id"].(string)
	if role["type"] != "User" || role["isDefault"] != false {
		t.Errorf("role: %v", role)
	}
	robotID := mustStatus("create M2M role", c.do("POST", "/api/roles", `{"name":"Robot","description":"r","type":"MachineToMachine"}`), 200)["id"].(string)
	before := c.do("GET", "/api/roles?page_size=100", "").header.Get("Total-Number")
	wantError(t, "taken role name", c.do("POST", "/api/roles", `{"name":"reader","description":"x"}`), 409, "role.name_in_use")
	wantError(t, "role with an unknown scope", c.do("POST", "/api/roles", `{"name":"Ghost","description":"x","scopeIds":["nope"]}`), 404, "entity.not_exists_with_id")
	wantFields(t, "role without description", c.do("POST", "/api/roles", `{"name":"NoDesc"}`), "description")
	wantFields(t, "role of a bad type", c.do("POST", "/api/roles", `{"name":"T","description":"x","type":"Robot"}`), "type")
	wantFields(t, "role without name", c.do("POST", "/api/roles", `{"description":"x"}`), "name")
	if after := c.do("GET", "/api/roles?page_size=100", "").header.Get("Total-Number"); after != before {
		t.Errorf("refused role creations wrote something: %s roles, was %s", after, before)
	}
	wantError(t, "Management API scope to a User role", c.do("POST", "/api/roles/"+readerID+"/scopes", `{"scopeIds":["management-api-all"]}`),
		400, "role.management_api_scopes_not_assignable_to_user_role")
	wantError(t, "scope held already", c.do("POST", "/api/roles/"+readerID+"/scopes", `{"scopeIds":["`+readID+`"]}`), 422, "role.scope_exists")
	if r := c.do("POST", "/api/roles/"+readerID+"/scopes", `{"scopeIds":["`+writeID+`"]}`); r.status != 201 || len(r.list()) != 2 {
		t.Errorf("add scope: %d %s, want 201 with the role's two scopes", r.status, r.raw)
	}
	if r := c.do("GET", "/api/roles/"+readerID+"/scopes", ""); len(r.list()) != 2 {
		t.Errorf("role scopes: %s", r.raw)
	}
	mustStatus("remove scope", c.do("DELETE", "/api/roles/"+readerID+"/scopes/"+writeID, ""), 204)
	wantError(t, "remove it again", c.do("DELETE", "/api/roles/"+readerID+"/scopes/"+writeID, ""), 404, "entity.not_exists_with_id")
	wantFields(t, "empty scopeIds", c.do("POST", "/api/roles/"+readerID+"/scopes", `{"scopeIds":[]}`), "scopeIds")
	if got := mustStatus("patch role", c.do("PATCH", "/api/roles/"+readerID, `{"description":"reads books","isDefault":true}`), 200); got["isDefault"] != true {
		t.Errorf("patch role: %v", got)
	}
	wantError(t, "rename to a taken name", c.do("PATCH", "/api/roles/"+readerID, `{"name":"ROBOT"}`), 409, "role.name_in_use")
	wantError(t, "unknown role", c.do("GET", "/api/roles/nope", ""), 404, "entity.not_exists_with_id")
	if r := c.do("GET", "/api/roles?type=MachineToMachine&search=rob", ""); len(r.list()) != 1 || r.list()[0]["id"] != robotID {
		t.Errorf("roles by type and search: %s", r.raw)
	}
	wantFields(t, "bad role type filter", c.do("GET", "/api/roles?type=x", ""), "type")

	// Default role: given to a user created afterwards.
	userID := mustStatus("create user", c.do("POST", "/api/users", `{"username":"bob"}`), 200)["id"].(string)
	if r := c.do("GET", "/api/users/"+userID+"/roles", ""); len(r.list()) != 1 || r.list()[0]["id"] != readerID {
		t.Errorf("default role not given to a new user: %s", r.raw)
	}
	// Assignments and their type checks (Logto: 422).
	wantError(t, "M2M role to a user", c.do("POST", "/api/users/"+userID+"/roles", `{"roleIds":["`+robotID+`"]}`), 422, "user.invalid_role_type")
	wantError(t, "M2M role to users", c.do("POST", "/api/roles/"+robotID+"/users", `{"userIds":["`+userID+`"]}`), 422, "user.invalid_role_type")
	wantError(t, "user holding the role", c.do("POST", "/api/roles/"+readerID+"/users", `{"userIds":["`+userID+`"]}`), 422, "role.user_exists")
	wantError(t, "unknown user", c.do("POST", "/api/roles/"+readerID+"/users", `{"userIds":["nope"]}`), 404, "entity.not_exists_with_id")
	wantError(t, "roles of an unknown user", c.do("GET", "/api/users/nope/roles", ""), 404, "entity.not_exists_with_id")
	wantFields(t, "roleIds missing", c.do("PUT", "/api/users/"+userID+"/roles", `{}`), "roleIds")
	got := mustStatus("add roles", c.do("POST", "/api/users/"+userID+"/roles", `{"roleIds":["`+readerID+`"]}`), 201)
	if added, _ := got["addedRoleIds"].([]any); len(added) != 0 {
		t.Errorf("a role held already was added: %v", got)
	}
	mustStatus("remove all roles", c.do("PUT", "/api/users/"+userID+"/roles", `{"roleIds":[]}`), 200)
	if r := c.do("GET", "/api/roles/"+readerID+"/users", ""); r.header.Get("Total-Number") != "0" {
		t.Errorf("PUT [] left roles: %s", r.raw)
	}
	web, _ := env.App(store.AppTraditional, "http://localhost:3000/callback")
	wantError(t, "roles of a web application", c.do("GET", "/api/applications/"+web.ID+"/roles", ""), 422, "application.invalid_type")
	wantError(t, "role to a web application", c.do("POST", "/api/roles/"+robotID+"/applications", `{"applicationIds":["`+web.ID+`"]}`), 422, "application.invalid_type")
	wantError(t, "User role to applications", c.do("POST", "/api/roles/"+readerID+"/applications", `{"applicationIds":["`+web.ID+`"]}`), 422, "application.invalid_role_type")
	robot, _ := env.App(store.AppMachineToMachine)
	wantError(t, "User role to an application", c.do("PUT", "/api/applications/"+robot.ID+"/roles", `{"roleIds":["`+readerID+`"]}`), 422, "application.invalid_role_type")
	mustStatus("M2M role to an application", c.do("POST", "/api/roles/"+robotID+"/applications", `{"applicationIds":["`+robot.ID+`"]}`), 201)
	wantError(t, "application holding the role", c.do("POST", "/api/roles/"+robotID+"/applications", `{"applicationIds":["`+robot.ID+`"]}`), 422, "role.application_exists")
	if r := c.do("GET", "/api/roles/"+robotID+"/applications", ""); len(r.list()) != 1 || r.header.Get("Total-Number") != "1" {
		t.Errorf("role applications: %s", r.raw)
	}
	wantError(t, "remove a role not held", c.do("DELETE", "/api/applications/"+robot.ID+"/roles/"+readerID, ""), 404, "entity.not_exists_with_id")

	// Deleting the resource takes its permissions from every role.
	mustStatus("delete resource", c.do("DELETE", base, ""), 204)
	if r := c.do("GET", "/api/roles/"+readerID+"/scopes", ""); r.status != 200 || string(r.raw) != "[]" {
		t.Errorf("scopes of a deleted resource remain in a role: %s", r.raw)
	}
	mustStatus("delete role", c.do("DELETE", "/api/roles/"+readerID, ""), 204)
	wantError(t, "delete it again", c.do("DELETE", "/api/roles/"+readerID, ""), 404, "entity.not_exists_with_id")
}
