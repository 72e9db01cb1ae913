package mgmt_test

import (
	"testing"

	"github.com/monban-dev/monban/internal/testenv"
)

// TestMalformedText: invalid UTF-8 or U+0000 in a path, a query parameter
// or a JSON string is a 400 naming where it is, never a 5xx (PostgreSQL
// refuses such text), and the refused write is still in the audit log.
func TestMalformedText(t *testing.T) { onBothDatabases(t, testMalformedText) }

func testMalformedText(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	for _, tc := range []struct{ method, path, body, field string }{
		{"GET", "/api/logs?userId=%ff", "", "userId"},
		{"GET", "/api/logs?logKey=%00", "", "logKey"},
		{"GET", "/api/logs?applicationId=a%00b", "", "applicationId"},
		{"GET", "/api/logs/%ff", "", "path"},
		{"GET", "/api/users/%ff", "", "path"},
		{"GET", "/api/users/%00/logs", "", "path"},
		{"GET", "/api/users?search.id=%00&mode=exact", "", "search.id"},
		{"GET", "/api/applications/%ff", "", "path"},
		{"POST", "/api/applications", `{"name":"a\u0000b","type":"SPA"}`, "body"},
		{"POST", "/api/users", `{"username":"nul","name":"\\\u0000"}`, "body"},
		{"PATCH", "/api/users/%ff", `{"name":"x"}`, "path"},
	} {
		wantFields(t, tc.method+" "+tc.path+" "+tc.body, c.do(tc.method, tc.path, tc.body), tc.field)
	}
	// An escaped backslash before "u0000" is text, not U+0000.
	if r := c.do("POST", "/api/applications", `{"name":"a\\u0000b","type":"SPA"}`); r.status != 200 || r.object()["name"] != `a\u0000b` {
		t.Errorf(`name "a\\u0000b": %d %s`, r.status, r.raw)
	}
	r := c.do("GET", "/api/logs?logKey=ManagementApi.UpdateUser", "")
	if l := r.list(); r.status != 200 || len(l) != 1 {
		t.Fatalf("the refused PATCH is not in the audit log: %d %s", r.status, r.raw)
	} else if p := l[0]["payload"].(map[string]any); p["status"] != float64(400) || p["userId"] != nil {
		t.Errorf("payload: %v", p)
	}
}
