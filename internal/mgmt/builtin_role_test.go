package mgmt_test

import (
	"testing"

	"github.com/monban-dev/monban/internal/testenv"
)

// The built-in role "Logto Management API access" can be unassigned but not
// deleted, nor stripped of all: `monban admin create-m2m-app` and the
// console assign it by its fixed id, so without it no application could
// reach /api again.
func TestBuiltInRoleGuarded(t *testing.T) { onBothDatabases(t, testBuiltInRoleGuarded) }

func testBuiltInRoleGuarded(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	const role = "management-api-access"
	scopes := c.do("GET", "/api/roles/"+role+"/scopes", "").list()
	if len(scopes) != 1 {
		t.Fatalf("built-in role's scopes: %v", scopes)
	}
	all, _ := scopes[0]["id"].(string)
	wantError(t, "delete the built-in role", c.do("DELETE", "/api/roles/"+role, ""), 400, "role.cannot_modify_builtin_role")
	wantError(t, "strip all", c.do("DELETE", "/api/roles/"+role+"/scopes/"+all, ""), 400, "role.cannot_modify_builtin_role")
	if got := c.do("GET", "/api/roles/"+role+"/scopes", "").list(); len(got) != 1 {
		t.Fatalf("a refused request changed the role: %v", got)
	}
	// A role of one's own can still be deleted.
	mine := c.do("POST", "/api/roles", `{"name":"temp","description":"x","type":"MachineToMachine"}`).object()
	if r := c.do("DELETE", "/api/roles/"+mine["id"].(string), ""); r.status != 204 {
		t.Fatalf("delete an ordinary role: %d %s", r.status, r.raw)
	}
}
