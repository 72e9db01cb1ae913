package mgmt_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

// TestManagementRoutes drives every route of applications, secrets,
// users and resources, on SQLite and PostgreSQL.
func TestManagementRoutes(t *testing.T) { onBothDatabases(t, testManagementRoutes) }

func testManagementRoutes(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	ctx := context.Background()
	mustStatus := func(what string, r response, status int) {
		t.Helper()
		if r.status != status {
			t.Fatalf("%s: %d %s, want %d", what, r.status, r.raw, status)
		}
	}
	// unchanged checks that a failed request left the entity at path as it was.
	unchanged := func(what, path string, before response) {
		t.Helper()
		after := c.do("GET", path, "")
		b, a := before.object(), after.object()
		if b == nil {
			var bl, al []map[string]any
			bl, al = before.list(), after.list()
			if !reflect.DeepEqual(bl, al) {
				t.Errorf("%s changed %s:\nbefore %s\nafter  %s", what, path, before.raw, after.raw)
			}
			return
		}
		if !reflect.DeepEqual(b, a) {
			t.Errorf("%s changed %s:\nbefore %s\nafter  %s", what, path, before.raw, after.raw)
		}
	}

	// --- Applications ---
	r := c.do("POST", "/api/applications", `{"name":"web","type":"Traditional","oidcClientMetadata":{"redirectUris":["https://app.example/cb"],"postLogoutRedirectUris":[]}}`)
	mustStatus("create app", r, 200)
	app := r.object()
	appID := app["id"].(string)
	appPath := "/api/applications/" + appID

	r = c.do("PATCH", appPath, `{"name":"web 2","description":"d","oidcClientMetadata":{"redirectUris":["https://app.example/cb2"],"postLogoutRedirectUris":["https://app.example/"]},"customClientMetadata":{"corsAllowedOrigins":["https://app.example"]},"customData":{"k":"v"}}`)
	mustStatus("patch app", r, 200)
	got := r.object()
	meta := got["oidcClientMetadata"].(map[string]any)
	cors := got["customClientMetadata"].(map[string]any)["corsAllowedOrigins"].([]any)
	if got["name"] != "web 2" || got["description"] != "d" || meta["redirectUris"].([]any)[0] != "https://app.example/cb2" ||
		meta["postLogoutRedirectUris"].([]any)[0] != "https://app.example/" || cors[0] != "https://app.example" ||
		got["customData"].(map[string]any)["k"] != "v" || got["type"] != "Traditional" {
		t.Errorf("patch app: %s", r.raw)
	}
	before := c.do("GET", appPath, "")
	wantFields(t, "patch app insecure redirect URI", c.do("PATCH", appPath, `{"name":"x","oidcClientMetadata":{"redirectUris":["https://app.example/cb#frag"]}}`), "oidcClientMetadata.redirectUris[0]")
	wantFields(t, "patch app empty name", c.do("PATCH", appPath, `{"name":"  "}`), "name")
	wantFields(t, "patch app bad origin", c.do("PATCH", appPath, `{"customClientMetadata":{"corsAllowedOrigins":["not an origin"]}}`), "customClientMetadata.corsAllowedOrigins[0]")
	wantFields(t, "patch app wrong type", c.do("PATCH", appPath, `{"name":5}`), "name")
	unchanged("failed app patches", appPath, before)
	wantError(t, "patch unknown app", c.do("PATCH", "/api/applications/nope", `{"name":"x"}`), 404, "entity.not_exists_with_id")

	// Secrets: the default one from creation, masked.
	r = c.do("GET", appPath+"/secrets", "")
	mustStatus("list secrets", r, 200)
	if l := r.list(); len(l) != 1 || l[0]["name"] != "Default secret" || !strings.HasPrefix(l[0]["value"].(string), "****") || l[0]["createdAt"] == nil {
		t.Errorf("list secrets: %s", r.raw)
	}
	if strings.Contains(string(r.raw), app["secret"].(string)) {
		t.Errorf("secret list shows a secret in full: %s", r.raw)
	}
	exp := time.Now().Add(time.Hour).UnixMilli()
	r = c.do("POST", appPath+"/secrets", fmt.Sprintf(`{"name":"rotation","expiresAt":%d}`, exp))
	mustStatus("create secret", r, 201)
	sec := r.object()
	value, _ := sec["value"].(string)
	if sec["name"] != "rotation" || len(value) < 20 || strings.Contains(value, "*") || int64(sec["expiresAt"].(float64)) != exp {
		t.Errorf("create secret: %s", r.raw)
	}
	if _, err := env.D.Applications.Authenticate(ctx, appID, value); err != nil {
		t.Errorf("new secret does not authenticate: %v", err)
	}
	before = c.do("GET", appPath+"/secrets", "")
	wantFields(t, "secret without name", c.do("POST", appPath+"/secrets", `{}`), "name")
	wantFields(t, "secret expired", c.do("POST", appPath+"/secrets", `{"name":"old","expiresAt":1000}`), "expiresAt")
	wantError(t, "secret name taken", c.do("POST", appPath+"/secrets", `{"name":"rotation"}`), 409, "application.secret_name_already_in_use")
	unchanged("failed secret creations", appPath+"/secrets", before)
	wantError(t, "secrets of unknown app", c.do("GET", "/api/applications/nope/secrets", ""), 404, "entity.not_exists_with_id")
	wantError(t, "secret for unknown app", c.do("POST", "/api/applications/nope/secrets", `{"name":"x"}`), 404, "entity.not_exists_with_id")
	wantError(t, "delete unknown secret", c.do("DELETE", appPath+"/secrets/nope", ""), 404, "entity.not_found")
	wantError(t, "delete secret of unknown app", c.do("DELETE", "/api/applications/nope/secrets/rotation", ""), 404, "entity.not_exists_with_id")
	unchanged("failed secret deletions", appPath+"/secrets", before)
	mustStatus("delete secret", c.do("DELETE", appPath+"/secrets/rotation", ""), 204)
	if _, err := env.D.Applications.Authenticate(ctx, appID, value); err == nil {
		t.Error("a deleted secret still authenticates")
	}
	if l := c.do("GET", appPath+"/secrets", "").list(); len(l) != 1 {
		t.Errorf("after delete: %d secrets, want 1", len(l))
	}
	spa := c.do("POST", "/api/applications", `{"name":"spa","type":"SPA","oidcClientMetadata":{"redirectUris":["https://spa.example/cb"],"postLogoutRedirectUris":[]}}`).object()
	wantFields(t, "secret for a public client", c.do("POST", "/api/applications/"+spa["id"].(string)+"/secrets", `{"name":"x"}`), "type")

	wantError(t, "delete unknown app", c.do("DELETE", "/api/applications/nope", ""), 404, "entity.not_exists_with_id")
	mustStatus("delete app", c.do("DELETE", appPath, ""), 204)
	wantError(t, "deleted app", c.do("GET", appPath, ""), 404, "entity.not_exists_with_id")

	// --- Users ---
	r = c.do("POST", "/api/users", `{"username":"alice","password":"Tr0ub4dor&3-horse","primaryEmail":"alice@example.com","name":"Alice Liddell"}`)
	mustStatus("create alice", r, 200)
	alice := r.object()["id"].(string)
	alicePath := "/api/users/" + alice
	r = c.do("POST", "/api/users", `{"username":"bob","primaryEmail":"bob@example.com","primaryPhone":"+81901234567","name":"Bob"}`)
	mustStatus("create bob", r, 200)
	bob := r.object()["id"].(string)

	r = c.do("PATCH", alicePath, `{"username":"alice2","primaryPhone":"+81907654321","name":"Alice L.","avatar":"https://img.example/a.png","customData":{"tier":"pro"},"profile":{"givenName":"Alice"}}`)
	mustStatus("patch user", r, 200)
	u := r.object()
	if u["username"] != "alice2" || u["primaryPhone"] != "+81907654321" || u["name"] != "Alice L." || u["avatar"] != "https://img.example/a.png" ||
		u["primaryEmail"] != "alice@example.com" || u["customData"].(map[string]any)["tier"] != "pro" ||
		u["profile"].(map[string]any)["givenName"] != "Alice" || u["hasPassword"] != true {
		t.Errorf("patch user: %s", r.raw)
	}
	before = c.do("GET", alicePath, "")
	wantError(t, "taken username", c.do("PATCH", alicePath, `{"name":"X","username":"BOB"}`), 409, "user.username_already_in_use")
	wantError(t, "taken email", c.do("PATCH", alicePath, `{"primaryEmail":"Bob@Example.com"}`), 409, "user.email_already_in_use")
	wantError(t, "taken phone", c.do("PATCH", alicePath, `{"primaryPhone":"+81901234567"}`), 409, "user.phone_already_in_use")
	wantFields(t, "bad email", c.do("PATCH", alicePath, `{"primaryEmail":"nope"}`), "primaryEmail")
	wantFields(t, "bad username", c.do("PATCH", alicePath, `{"username":"1abc"}`), "username")
	wantFields(t, "bad avatar", c.do("PATCH", alicePath, `{"avatar":"javascript:alert(1)"}`), "avatar")
	wantFields(t, "customData not an object", c.do("PATCH", alicePath, `{"customData":[1]}`), "customData")
	unchanged("failed user patches", alicePath, before)
	wantError(t, "patch unknown user", c.do("PATCH", "/api/users/nope", `{"name":"x"}`), 404, "entity.not_exists_with_id")
	if r := c.do("PATCH", alicePath, `{"username":"Alice2"}`); r.status != 200 {
		t.Errorf("re-casing one's own username: %d %s", r.status, r.raw)
	}

	// Password.
	wantFields(t, "too short password", c.do("PATCH", alicePath+"/password", `{"password":"short"}`), "password")
	r = c.do("PATCH", alicePath+"/password", `{"password":"short"}`)
	if !strings.Contains(string(r.raw), "password.too_short") {
		t.Errorf("policy violation does not name the rule: %s", r.raw)
	}
	wantFields(t, "missing password", c.do("PATCH", alicePath+"/password", `{}`), "password")
	mustStatus("old password still right", c.do("POST", alicePath+"/password/verify", `{"password":"Tr0ub4dor&3-horse"}`), 204)
	wantError(t, "set password of unknown user", c.do("PATCH", "/api/users/nope/password", `{"password":"N3w-passw0rd-quiet"}`), 404, "entity.not_exists_with_id")
	mustStatus("set password", c.do("PATCH", alicePath+"/password", `{"password":"N3w-passw0rd-quiet"}`), 200)
	mustStatus("verify new password", c.do("POST", alicePath+"/password/verify", `{"password":"N3w-passw0rd-quiet"}`), 204)
	wantError(t, "verify old password", c.do("POST", alicePath+"/password/verify", `{"password":"Tr0ub4dor&3-horse"}`), 422, "session.invalid_credentials")
	wantError(t, "verify without a password", c.do("POST", "/api/users/"+bob+"/password/verify", `{"password":"anything-at-all"}`), 422, "session.invalid_credentials")
	wantFields(t, "verify empty", c.do("POST", alicePath+"/password/verify", `{}`), "password")
	wantError(t, "verify unknown user", c.do("POST", "/api/users/nope/password/verify", `{"password":"x"}`), 404, "entity.not_exists_with_id")

	// Custom data.
	r = c.do("GET", alicePath+"/custom-data", "")
	if r.status != 200 || r.object()["tier"] != "pro" {
		t.Errorf("get custom data: %d %s", r.status, r.raw)
	}
	r = c.do("PATCH", alicePath+"/custom-data", `{"customData":{"seats":3}}`)
	if m := r.object(); r.status != 200 || m["tier"] != "pro" || m["seats"] != float64(3) {
		t.Errorf("patch custom data merges: %d %s", r.status, r.raw)
	}
	before = c.do("GET", alicePath+"/custom-data", "")
	wantFields(t, "custom data missing", c.do("PATCH", alicePath+"/custom-data", `{}`), "customData")
	wantFields(t, "custom data wrong type", c.do("PATCH", alicePath+"/custom-data", `{"customData":"x"}`), "customData")
	unchanged("failed custom data patches", alicePath+"/custom-data", before)
	wantError(t, "custom data of unknown user", c.do("GET", "/api/users/nope/custom-data", ""), 404, "entity.not_exists_with_id")
	wantError(t, "patch custom data of unknown user", c.do("PATCH", "/api/users/nope/custom-data", `{"customData":{}}`), 404, "entity.not_exists_with_id")

	// Suspension ends sessions.
	now := time.Now().UTC()
	if err := env.D.Store.CreateSession(ctx, &store.Session{IDHash: []byte("alice-session-hash-0123456789abcd"), UserID: alice,
		AuthTime: now, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	before = c.do("GET", alicePath, "")
	wantFields(t, "is-suspended missing", c.do("PATCH", alicePath+"/is-suspended", `{}`), "isSuspended")
	wantFields(t, "is-suspended wrong type", c.do("PATCH", alicePath+"/is-suspended", `{"isSuspended":"yes"}`), "isSuspended")
	unchanged("failed suspensions", alicePath, before)
	if _, err := env.D.Store.GetSession(ctx, []byte("alice-session-hash-0123456789abcd")); err != nil {
		t.Errorf("a failed suspension ended the session: %v", err)
	}
	wantError(t, "suspend unknown user", c.do("PATCH", "/api/users/nope/is-suspended", `{"isSuspended":true}`), 404, "entity.not_exists_with_id")
	r = c.do("PATCH", alicePath+"/is-suspended", `{"isSuspended":true}`)
	if r.status != 200 || r.object()["isSuspended"] != true {
		t.Errorf("suspend: %d %s", r.status, r.raw)
	}
	if _, err := env.D.Store.GetSession(ctx, []byte("alice-session-hash-0123456789abcd")); err == nil {
		t.Error("suspending did not end the user's session")
	}
	r = c.do("PATCH", alicePath+"/is-suspended", `{"isSuspended":false}`)
	if r.status != 200 || r.object()["isSuspended"] != false {
		t.Errorf("reinstate: %d %s", r.status, r.raw)
	}

	// Identities.
	if err := env.D.Store.PutIdentity(ctx, &store.Identity{UserID: alice, Target: "patreon", UpstreamID: "p-1",
		Details: map[string]any{"email": "a@p.example"}, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	wantError(t, "unlink unknown target", c.do("DELETE", alicePath+"/identities/github", ""), 404, "user.identity_not_exist")
	wantError(t, "unlink for unknown user", c.do("DELETE", "/api/users/nope/identities/patreon", ""), 404, "entity.not_exists_with_id")
	if ids := c.do("GET", alicePath, "").object()["identities"].(map[string]any); ids["patreon"] == nil {
		t.Errorf("a failed unlink removed the identity: %v", ids)
	}
	r = c.do("DELETE", alicePath+"/identities/patreon", "")
	if r.status != 200 || len(r.object()["identities"].(map[string]any)) != 0 {
		t.Errorf("unlink: %d %s", r.status, r.raw)
	}

	// Search.
	for _, q := range []string{"ALICE", "alice l", "l.", "90765"} {
		r = c.do("GET", "/api/users?search="+url.QueryEscape(q), "")
		if l := r.list(); r.status != 200 || len(l) != 1 || l[0]["id"] != alice || r.header.Get("Total-Number") != "1" {
			t.Errorf("search %q: %d %s (Total-Number %s)", q, r.status, r.raw, r.header.Get("Total-Number"))
		}
	}
	r = c.do("GET", "/api/users?search=example.com&page=2&page_size=1", "")
	if l := r.list(); r.status != 200 || len(l) != 1 || l[0]["id"] != bob || r.header.Get("Total-Number") != "2" {
		t.Errorf("search page 2: %d %s (Total-Number %s)", r.status, r.raw, r.header.Get("Total-Number"))
	}
	if r = c.do("GET", "/api/users?search=zzz", ""); r.status != 200 || len(r.list()) != 0 || r.header.Get("Total-Number") != "0" {
		t.Errorf("search without match: %d %s", r.status, r.raw)
	}
	wantFields(t, "search bad page", c.do("GET", "/api/users?search=a&page=0", ""), "page")

	// Delete.
	wantError(t, "delete unknown user", c.do("DELETE", "/api/users/nope", ""), 404, "entity.not_exists_with_id")
	mustStatus("delete user", c.do("DELETE", "/api/users/"+bob, ""), 204)
	wantError(t, "deleted user", c.do("GET", "/api/users/"+bob, ""), 404, "entity.not_exists_with_id")

	// --- Resources ---
	r = c.do("GET", "/api/resources", "")
	mustStatus("list resources", r, 200)
	n0 := len(r.list())
	r = c.do("POST", "/api/resources", `{"name":"Orders","indicator":"https://orders.example/api","accessTokenTtl":600}`)
	mustStatus("create resource", r, 201)
	res := r.object()
	if res["name"] != "Orders" || res["indicator"] != "https://orders.example/api" || res["accessTokenTtl"] != float64(600) || res["id"] == "" {
		t.Errorf("create resource: %s", r.raw)
	}
	before = c.do("GET", "/api/resources", "")
	wantFields(t, "resource without name", c.do("POST", "/api/resources", `{"indicator":"https://x.example"}`), "name")
	wantFields(t, "resource bad indicator", c.do("POST", "/api/resources", `{"name":"x","indicator":"not a uri"}`), "indicator")
	wantFields(t, "resource bad ttl", c.do("POST", "/api/resources", `{"name":"x","indicator":"https://x.example","accessTokenTtl":5}`), "accessTokenTtl")
	wantError(t, "resource indicator taken", c.do("POST", "/api/resources", `{"name":"y","indicator":"https://orders.example/api"}`), 409, "resource.indicator_in_use")
	unchanged("failed resource creations", "/api/resources", before)
	r = c.do("GET", "/api/resources/"+res["id"].(string), "")
	if r.status != 200 || r.object()["indicator"] != "https://orders.example/api" {
		t.Errorf("get resource: %d %s", r.status, r.raw)
	}
	wantError(t, "unknown resource", c.do("GET", "/api/resources/nope", ""), 404, "entity.not_exists_with_id")
	r = c.do("GET", "/api/resources?page=1&page_size=1", "")
	if r.status != 200 || len(r.list()) != 1 || r.header.Get("Total-Number") != fmt.Sprint(n0+1) {
		t.Errorf("resources page: %d %s (Total-Number %s)", r.status, r.raw, r.header.Get("Total-Number"))
	}

	// Every new route wants a token.
	for _, rt := range [][2]string{{"PATCH", appPath}, {"DELETE", appPath}, {"GET", appPath + "/secrets"},
		{"POST", appPath + "/secrets"}, {"DELETE", appPath + "/secrets/x"}, {"PATCH", alicePath}, {"DELETE", alicePath},
		{"PATCH", alicePath + "/password"}, {"POST", alicePath + "/password/verify"}, {"GET", alicePath + "/custom-data"},
		{"PATCH", alicePath + "/custom-data"}, {"PATCH", alicePath + "/is-suspended"}, {"DELETE", alicePath + "/identities/x"},
		{"GET", "/api/resources"}, {"POST", "/api/resources"}, {"GET", "/api/resources/x"}} {
		wantError(t, rt[0]+" "+rt[1]+" without a token", call(t, env, "", rt[0], rt[1], ""), http.StatusUnauthorized, "auth.unauthorized")
	}
}
