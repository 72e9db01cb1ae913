package mgmt_test

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/testenv"
)

// TestUserSearch: Logto's search parameters on GET /api/users.
func TestUserSearch(t *testing.T) { onBothDatabases(t, testUserSearch) }

func testUserSearch(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	ids := map[string]string{}
	for _, body := range []string{
		`{"username":"alice","primaryEmail":"alice@example.com","name":"Alice Liddell"}`,
		`{"username":"bob","primaryEmail":"bob@example.org","primaryPhone":"+81901234567"}`,
		`{"username":"carol_1","primaryEmail":"carol@example.com","name":"Carol"}`,
	} {
		r := c.do("POST", "/api/users", body)
		if r.status != 200 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		u := r.object()
		ids[u["username"].(string)] = u["id"].(string)
	}
	check := func(query string, want ...string) {
		t.Helper()
		r := c.do("GET", "/api/users?"+query, "")
		var got []string
		for _, u := range r.list() {
			got = append(got, u["username"].(string))
		}
		if r.status != 200 || strings.Join(got, ",") != strings.Join(want, ",") || r.header.Get("Total-Number") != fmt.Sprint(len(want)) {
			t.Errorf("?%s: %d %v (Total-Number %s), want %v", query, r.status, got, r.header.Get("Total-Number"), want)
		}
	}
	check("search=ALICE", "alice")
	check("search=%25example.com", "alice", "carol_1")               // Logto's like pattern
	check("search=%25ali%25", "alice")                               // as Logto's console sends it
	check("search.primaryEmail=example.org", "bob")                  // one field, substring
	check("search.name=carol&search.username=bob", "bob", "carol_1") // OR by default
	check("search.primaryEmail=example.com&search.name=liddell&joint=and", "alice")
	check("search.primaryEmail=example.com&search.name=liddell&jointMode=and", "alice")
	check("search.username=bob&search.username=alice&mode=exact", "alice", "bob")
	check("search.username=ALICE&mode.username=exact", "alice")
	check("search.username=ali&mode.username=exact")
	check("search.username=ALICE&mode=exact&isCaseSensitive=true")
	check("search.username=alice&mode=exact&isCaseSensitive=true", "alice")
	check("search.id="+ids["bob"]+"&mode=exact", "bob")
	check("search.primaryPhone=9012", "bob")
	check("search=l_1", "carol_1")
	check("search=zzz")
	r := c.do("GET", "/api/users?search=example&page=2&page_size=2", "")
	if l := r.list(); r.status != 200 || len(l) != 1 || r.header.Get("Total-Number") != "3" {
		t.Errorf("page 2: %d %s (Total-Number %s)", r.status, r.raw, r.header.Get("Total-Number"))
	}
	for _, tc := range []struct{ query, field string }{
		{"search.password=x", "search.password"},
		{"search.primaryEmail.domain=x", "search.primaryEmail.domain"},
		{"search=a&mode=posix", "mode"},
		{"search=a&mode.name=similar_to", "mode.name"},
		{"search=a&joint=xor", "joint"},
		{"search=a&isCaseSensitive=maybe", "isCaseSensitive"},
		{"search=a&isCaseSensitive=true", "isCaseSensitive"},
		{"search=", "search"},
		{"search.username=a&search.username=b", "search.username"},
		{"page=0", "page"},
	} {
		wantFields(t, "?"+tc.query, c.do("GET", "/api/users?"+tc.query, ""), tc.field)
	}
}

// TestCustomDataConcurrentMerges: concurrent PATCHes of a user's and an
// application's custom data all land (read-modify-write on the version,
// retried), none is lost.
func TestCustomDataConcurrentMerges(t *testing.T) { onBothDatabases(t, testCustomDataConcurrentMerges) }

func testCustomDataConcurrentMerges(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	user := c.do("POST", "/api/users", `{"username":"racer","customData":{"base":true}}`).object()["id"].(string)
	app := c.do("POST", "/api/applications", `{"name":"racer","type":"MachineToMachine","customData":{"base":true}}`).object()["id"].(string)
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan string, 2*n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			r := call(t, env, c.token, "PATCH", "/api/users/"+user+"/custom-data", fmt.Sprintf(`{"customData":{"k%d":%d}}`, i, i))
			if r.status != 200 {
				errs <- fmt.Sprintf("user merge %d: %d %s", i, r.status, r.raw)
			}
		}()
		go func() {
			defer wg.Done()
			r := call(t, env, c.token, "PATCH", "/api/applications/"+app+"/custom-data", fmt.Sprintf(`{"k%d":%d}`, i, i))
			if r.status != 200 {
				errs <- fmt.Sprintf("application merge %d: %d %s", i, r.status, r.raw)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	want := map[string]any{"base": true}
	for i := range n {
		want[fmt.Sprintf("k%d", i)] = float64(i)
	}
	if got := c.do("GET", "/api/users/"+user+"/custom-data", "").object(); !reflect.DeepEqual(got, want) {
		t.Errorf("user custom data lost updates: %v", got)
	}
	if got := c.do("GET", "/api/applications/"+app, "").object()["customData"]; !reflect.DeepEqual(got, want) {
		t.Errorf("application custom data lost updates: %v", got)
	}
}

// TestApplicationsListAndCustomData: Logto's types, isThirdParty and
// search filters; PATCH /api/applications/{id}/custom-data; third-party
// applications are Traditional; PATCH leaves type and isThirdParty alone.
func TestApplicationsListAndCustomData(t *testing.T) {
	onBothDatabases(t, testApplicationsListAndCustomData)
}

func testApplicationsListAndCustomData(t *testing.T, env *testenv.Env) {
	c := newClient(t, env) // its own M2M application is in the lists too
	mk := func(body string) string {
		t.Helper()
		r := c.do("POST", "/api/applications", body)
		if r.status != 200 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		return r.object()["id"].(string)
	}
	web := mk(`{"name":"Bookstore web","type":"Traditional","description":"the shop","oidcClientMetadata":{"redirectUris":["https://shop.example/cb"],"postLogoutRedirectUris":["https://shop.example/"]},"customClientMetadata":{"corsAllowedOrigins":["https://shop.example"]},"customData":{"team":"a"}}`)
	spa := mk(`{"name":"Bookstore SPA","type":"SPA","oidcClientMetadata":{"redirectUris":["https://spa.example/cb"],"postLogoutRedirectUris":[]}}`)
	third := mk(`{"name":"Partner","type":"Traditional","isThirdParty":true,"oidcClientMetadata":{"redirectUris":["https://partner.example/cb"],"postLogoutRedirectUris":[]}}`)
	check := func(query string, want ...string) {
		t.Helper()
		r := c.do("GET", "/api/applications?"+query, "")
		var got []string
		for _, a := range r.list() {
			got = append(got, a["id"].(string))
		}
		if r.status != 200 || strings.Join(got, ",") != strings.Join(want, ",") || r.header.Get("Total-Number") != fmt.Sprint(len(want)) {
			t.Errorf("?%s: %d %v (Total-Number %s), want %v", query, r.status, got, r.header.Get("Total-Number"), want)
		}
	}
	check("types=SPA", spa)
	check("types=Traditional&types=SPA", web, spa, third)
	r := c.do("GET", "/api/applications?types=Traditional,SPA&page=2&page_size=2", "")
	if l := r.list(); r.status != 200 || len(l) != 1 || l[0]["id"] != third || r.header.Get("Total-Number") != "3" {
		t.Errorf("filtered page 2: %d %s (Total-Number %s)", r.status, r.raw, r.header.Get("Total-Number"))
	}
	check("isThirdParty=true", third)
	check("types=Traditional&isThirdParty=false", web)
	check("search=bookstore", web, spa)
	check("search=%25shop", web) // description
	check("search.name=partner", third)
	check("search.id="+spa+"&mode=exact", spa)
	wantFields(t, "bad type filter", c.do("GET", "/api/applications?types=Desktop", ""), "types")
	wantFields(t, "bad isThirdParty", c.do("GET", "/api/applications?isThirdParty=yes", ""), "isThirdParty")
	wantFields(t, "bad search field", c.do("GET", "/api/applications?search.secret=x", ""), "search.secret")

	// Every field round-trips in Logto's names.
	got := c.do("GET", "/api/applications/"+web, "").object()
	meta := got["oidcClientMetadata"].(map[string]any)
	if meta["redirectUris"].([]any)[0] != "https://shop.example/cb" || meta["postLogoutRedirectUris"].([]any)[0] != "https://shop.example/" ||
		got["customClientMetadata"].(map[string]any)["corsAllowedOrigins"].([]any)[0] != "https://shop.example" ||
		got["customData"].(map[string]any)["team"] != "a" || got["isThirdParty"] != false || got["description"] != "the shop" {
		t.Errorf("GET: %v", got)
	}
	if got := c.do("GET", "/api/applications/"+third, "").object(); got["isThirdParty"] != true {
		t.Errorf("third party: %v", got)
	}
	before := c.total("/api/applications")
	wantFields(t, "third-party SPA", c.do("POST", "/api/applications", `{"name":"x","type":"SPA","isThirdParty":true}`), "isThirdParty")
	wantFields(t, "isThirdParty not a boolean", c.do("POST", "/api/applications", `{"name":"x","type":"Traditional","isThirdParty":"yes"}`), "isThirdParty")
	if after := c.total("/api/applications"); after != before {
		t.Errorf("refused creations wrote applications: %s then %s", before, after)
	}
	r = c.do("PATCH", "/api/applications/"+web, `{"type":"SPA","isThirdParty":true,"description":"d2"}`)
	if m := r.object(); r.status != 200 || m["type"] != "Traditional" || m["isThirdParty"] != false || m["description"] != "d2" {
		t.Errorf("PATCH changed type or isThirdParty (Logto ignores them): %d %s", r.status, r.raw)
	}

	// Custom data: merged at the top level.
	r = c.do("PATCH", "/api/applications/"+web+"/custom-data", `{"region":"eu","nested":{"x":1}}`)
	if m := r.object(); r.status != 200 || m["team"] != "a" || m["region"] != "eu" || m["nested"].(map[string]any)["x"] != float64(1) {
		t.Errorf("custom data merge: %d %s", r.status, r.raw)
	}
	beforeApp := c.do("GET", "/api/applications/"+web, "")
	wantFields(t, "custom data not an object", c.do("PATCH", "/api/applications/"+web+"/custom-data", `[1]`), "body")
	wantFields(t, "custom data malformed", c.do("PATCH", "/api/applications/"+web+"/custom-data", `{"a":`), "body")
	if after := c.do("GET", "/api/applications/"+web, ""); !reflect.DeepEqual(after.object(), beforeApp.object()) {
		t.Errorf("refused custom data patches changed the application:\n%s\n%s", beforeApp.raw, after.raw)
	}
	wantError(t, "custom data of unknown app", c.do("PATCH", "/api/applications/nope/custom-data", `{"a":1}`), 404, "entity.not_exists_with_id")
	wantError(t, "without a token", call(t, env, "", "PATCH", "/api/applications/"+web+"/custom-data", `{}`), http.StatusUnauthorized, "auth.unauthorized")
}

// TestConnectorPatch: PATCH /api/connectors/{id} merges config (a masked
// secret sent back keeps the stored one), validates it against the
// factory's form items, and writes nothing when it fails.
func TestConnectorPatch(t *testing.T) { onBothDatabases(t, testConnectorPatch) }

func testConnectorPatch(t *testing.T, env *testenv.Env) {
	if _, ok := connector.Lookup("patreon-universal"); !ok {
		t.Skip("the Patreon connector factory is not registered")
	}
	c := newClient(t, env)
	r := c.do("POST", "/api/connectors", `{"connectorId":"patreon-universal","config":{"clientId":"cid","clientSecret":"first secret"}}`)
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	id := r.object()["id"].(string)
	path := "/api/connectors/" + id
	r = c.do("PATCH", path, `{"config":{"clientId":"cid2","clientSecret":"`+connector.Masked+`"},"metadata":{"name":{"en":"Patrons"}},"syncProfile":true}`)
	got := r.object()
	cfg, _ := got["config"].(map[string]any)
	md, _ := got["metadata"].(map[string]any)
	if r.status != 200 || cfg["clientId"] != "cid2" || cfg["clientSecret"] != connector.Masked || got["syncProfile"] != true ||
		md["name"] == nil || got["target"] != "patreon" || got["connectorId"] != "patreon-universal" {
		t.Fatalf("patch: %d %s", r.status, r.raw)
	}
	if strings.Contains(string(r.raw), "first secret") {
		t.Errorf("the secret is shown: %s", r.raw)
	}
	// The secret kept its value: the upstream authorization request carries
	// the new client id, and the stored config still opens (checked by
	// building the connector).
	if _, _, err := env.D.Connectors.Social(t.Context(), id); err != nil {
		t.Errorf("connector after patch: %v", err)
	}
	if got := c.do("GET", path, "").object(); got["config"].(map[string]any)["clientId"] != "cid2" {
		t.Errorf("patch not stored: %v", got)
	}

	before := c.do("GET", path, "")
	wantFields(t, "unknown config key", c.do("PATCH", path, `{"config":{"clientId":"x","nope":1}}`), "config.nope")
	wantFields(t, "required emptied", c.do("PATCH", path, `{"config":{"clientId":""}}`), "config.clientId")
	wantFields(t, "wrong config type", c.do("PATCH", path, `{"config":{"clientId":5}}`), "config.clientId")
	wantFields(t, "config not an object", c.do("PATCH", path, `{"config":"x"}`), "config")
	wantFields(t, "syncProfile not a boolean", c.do("PATCH", path, `{"syncProfile":"yes","config":{"clientId":"y"}}`), "syncProfile")
	wantFields(t, "malformed", c.do("PATCH", path, `{"config":`), "body")
	if after := c.do("GET", path, ""); !reflect.DeepEqual(after.object(), before.object()) {
		t.Errorf("refused patches changed the connector:\n%s\n%s", before.raw, after.raw)
	}
	wantError(t, "unknown connector", c.do("PATCH", "/api/connectors/nope", `{"syncProfile":false}`), 404, "entity.not_exists_with_id")
	wantError(t, "without a token", call(t, env, "", "PATCH", path, `{}`), http.StatusUnauthorized, "auth.unauthorized")
}
