package mgmt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

var templateParam = regexp.MustCompile(`\{([^}]+)\}`)

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

// validateOpenAPI checks the subset of OpenAPI 3.0 the document uses.
func validateOpenAPI(doc map[string]any) []string {
	var errs []string
	bad := func(f string, args ...any) { errs = append(errs, fmt.Sprintf(f, args...)) }
	if v, _ := doc["openapi"].(string); !regexp.MustCompile(`^3\.0\.\d+$`).MatchString(v) {
		bad("openapi version %q is not 3.0.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if s, _ := info["title"].(string); s == "" {
		bad("info.title missing")
	}
	if s, _ := info["version"].(string); s == "" {
		bad("info.version missing")
	}
	if servers, _ := doc["servers"].([]any); len(servers) == 0 {
		bad("servers missing")
	} else if u, _ := servers[0].(map[string]any)["url"].(string); u == "" {
		bad("servers[0].url missing")
	}
	components, _ := doc["components"].(map[string]any)
	schemes, _ := components["securitySchemes"].(map[string]any)
	paths, ok := doc["paths"].(map[string]any)
	if !ok || len(paths) == 0 {
		bad("paths missing")
	}
	ids := map[string]string{}
	for path, it := range paths {
		if !strings.HasPrefix(path, "/api/") {
			bad("path %s does not start with /api/", path)
		}
		item, _ := it.(map[string]any)
		var want []string
		for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
			want = append(want, m[1])
		}
		for method, o := range item {
			where := strings.ToUpper(method) + " " + path
			if !httpMethods[method] {
				bad("%s: unknown method", where)
				continue
			}
			op, _ := o.(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" {
				bad("%s: no operationId", where)
			} else if prev, dup := ids[id]; dup {
				bad("%s: operationId %s already used by %s", where, id, prev)
			}
			ids[id] = where
			if resp, _ := op["responses"].(map[string]any); len(resp) == 0 {
				bad("%s: no responses", where)
			} else {
				for code, r := range resp {
					if !regexp.MustCompile(`^([1-5]\d\d|default)$`).MatchString(code) {
						bad("%s: response code %q", where, code)
					}
					if d, _ := r.(map[string]any)["description"].(string); d == "" {
						bad("%s: response %s without description", where, code)
					}
				}
			}
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				pm, _ := p.(map[string]any)
				name, _ := pm["name"].(string)
				if pm["in"] == "path" {
					if pm["required"] != true {
						bad("%s: path parameter %s not required", where, name)
					}
					declared[name] = true
				}
			}
			for _, w := range want {
				if !declared[w] {
					bad("%s: path parameter %s not declared", where, w)
				}
				delete(declared, w)
			}
			for extra := range declared {
				bad("%s: path parameter %s not in the template", where, extra)
			}
			if sec, _ := op["security"].([]any); len(sec) > 0 {
				for _, s := range sec {
					for name := range s.(map[string]any) {
						if schemes[name] == nil {
							bad("%s: security scheme %s not in components", where, name)
						}
					}
				}
			}
			if rb, ok := op["requestBody"].(map[string]any); ok {
				if c, _ := rb["content"].(map[string]any); c["application/json"] == nil {
					bad("%s: requestBody without application/json", where)
				}
			}
		}
	}
	// Every $ref resolves.
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				if !resolves(doc, r) {
					bad("%s: $ref %s does not resolve", at, r)
				}
			}
			for k, c := range x {
				walk(c, at+"/"+k)
			}
		case []any:
			for i, c := range x {
				walk(c, fmt.Sprintf("%s/%d", at, i))
			}
		}
	}
	walk(doc, "#")
	sort.Strings(errs)
	return errs
}

func resolves(doc map[string]any, ref string) bool {
	rest, ok := strings.CutPrefix(ref, "#/components/")
	if !ok {
		return false
	}
	var cur any = doc["components"]
	for _, part := range strings.Split(rest, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return cur != nil
}

type operation struct {
	method, path, id string
	hasBody          bool
	responses        map[string]any // the documented responses, by status
}

func fetchDoc(t *testing.T, env *testenv.Env) (map[string]any, []operation) {
	t.Helper()
	r := call(t, env, "", "GET", "/api/swagger.json", "")
	var doc map[string]any
	if r.status != 200 || json.Unmarshal(r.raw, &doc) != nil {
		t.Fatalf("swagger.json: %d %s", r.status, r.raw)
	}
	var ops []operation
	for path, it := range doc["paths"].(map[string]any) {
		for method, o := range it.(map[string]any) {
			op := o.(map[string]any)
			id, _ := op["operationId"].(string)
			_, hasBody := op["requestBody"]
			responses, _ := op["responses"].(map[string]any)
			ops = append(ops, operation{strings.ToUpper(method), path, id, hasBody, responses})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].path+ops[i].method < ops[j].path+ops[j].method })
	return doc, ops
}

// routedByMux reports whether a response came from a registered handler
// rather than the mux's plain 404/405 for an unknown pattern.
func routedByMux(r response) bool {
	if r.status != 404 && r.status != 405 {
		return true
	}
	_, ok := r.object()["code"]
	return ok
}

func TestOpenAPIDocument(t *testing.T) { onBothDatabases(t, testOpenAPIDocument) }

func testOpenAPIDocument(t *testing.T, env *testenv.Env) {
	doc, ops := fetchDoc(t, env)
	for _, e := range validateOpenAPI(doc) {
		t.Error(e)
	}
	if got := doc["info"].(map[string]any)["title"]; got != "Monban Management API" {
		t.Errorf("title %v", got)
	}
	if got := doc["servers"].([]any)[0].(map[string]any)["url"]; got != env.Endpoint {
		t.Errorf("servers url %v, want %s", got, env.Endpoint)
	}
	// The validator does catch problems.
	broken := map[string]any{"openapi": "2.0", "info": map[string]any{}, "paths": map[string]any{
		"/users/{id}": map[string]any{"get": map[string]any{"responses": map[string]any{}}},
		"/api/x": map[string]any{"get": map[string]any{"operationId": "X", "responses": map[string]any{
			"200": map[string]any{"description": "ok", "content": map[string]any{"application/json": map[string]any{
				"schema": map[string]any{"$ref": "#/components/schemas/Nope"}}}}}}},
	}}
	if errs := validateOpenAPI(broken); len(errs) < 6 {
		t.Errorf("validator missed problems: %q", errs)
	}

	// Every documented operation exists on the real mux: without a token
	// it gets the auth middleware's 401 (the document itself is public),
	// not the mux's 404/405.
	for _, op := range ops {
		path := templateParam.ReplaceAllString(op.path, "bogus")
		r := call(t, env, "", op.method, path, "")
		want := 401
		if op.id == "GetSwaggerJson" {
			want = 200
		}
		if r.status != want {
			t.Errorf("%s %s without a token: %d %s, want %d", op.method, path, r.status, r.raw, want)
		}
	}
	// And the check tells unregistered routes apart.
	for _, probe := range [][2]string{{"GET", "/api/not-a-route"}, {"PUT", "/api/users/bogus"}} {
		if r := call(t, env, "", probe[0], probe[1], ""); routedByMux(r) {
			t.Errorf("%s %s: %d %s, want the mux's 404/405", probe[0], probe[1], r.status, r.raw)
		}
	}
}

// TestEveryDocumentedOperation issues an authenticated request to every
// documented operation, with entities created for its path parameters, and
// checks that each answer's status is documented and its body validates
// against the documented schema.
func TestEveryDocumentedOperation(t *testing.T) { onBothDatabases(t, testEveryDocumentedOperation) }

func testEveryDocumentedOperation(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	doc, ops := fetchDoc(t, env)
	mustID := func(r response) string {
		t.Helper()
		id, _ := r.object()["id"].(string)
		if id == "" {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		return id
	}
	appID := mustID(c.do("POST", "/api/applications", `{"name":"doc app","type":"Traditional","oidcClientMetadata":{"redirectUris":["https://app.example/cb"],"postLogoutRedirectUris":[]}}`))
	userID := mustID(c.do("POST", "/api/users", `{"username":"docuser","password":"Tr0ub4dor&3-horse"}`))
	resID := mustID(c.do("POST", "/api/resources", `{"name":"Doc API","indicator":"https://doc.example/api"}`))
	// An identity, so that unlinking it succeeds.
	now := time.Now().UTC()
	if err := env.D.Store.PutIdentity(context.Background(), &store.Identity{UserID: userID, Target: "patreon", UpstreamID: "p-doc",
		Details: map[string]any{}, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}

	bodies := map[string]string{
		"UpdateSignInExp":             `{}`,
		"CreateConnector":             `{"connectorId":"patreon-universal","config":{"clientId":"cid2","clientSecret":"s2"}}`,
		"UpdateConnector":             `{"config":{"clientId":"cid3"},"syncProfile":true}`,
		"SendTestMessage":             `{"email":"doc@example.com"}`,
		"CreateApplication":           `{"name":"another","type":"MachineToMachine"}`,
		"UpdateApplication":           `{"name":"renamed"}`,
		"UpdateApplicationCustomData": `{"tier":"gold"}`,
		"CreateApplicationSecret":     `{"name":"doc-secret"}`,
		"CreateUser":                  `{"username":"another"}`,
		"ImportUsers":                 `{"users":[{"username":"imported1","passwordDigest":"5f4dcc3b5aa765d61d8327deb882cf99","passwordAlgorithm":"MD5"}]}`,
		"UpdateUser":                  `{"name":"Doc User"}`,
		"UpdateUserPassword":          `{"password":"Tr0ub4dor&3-horse"}`,
		"VerifyUserPassword":          `{"password":"Tr0ub4dor&3-horse"}`,
		"UpdateUserCustomData":        `{"customData":{"tier":"pro"}}`,
		"UpdateUserIsSuspended":       `{"isSuspended":true}`,
		"CreateResource":              `{"name":"Other API","indicator":"https://other.example/api"}`,
	}
	rbacOps := newRBACFixture(t, c, resID, userID)
	for id, body := range rbacOps.bodies {
		bodies[id] = body
	}
	idFor := map[string]string{
		"/api/applications/": appID, "/api/users/": userID,
		"/api/resources/": resID, "/api/connector-factories/": "patreon-universal",
	}
	// fill puts ids into a path; unknown reports a parameter this test has
	// no entity for (an operation added since), filled with a bogus id.
	fill := func(path string) (filled string, unknown bool) {
		path = rbacOps.fill(path)
		for prefix, id := range idFor {
			if strings.HasPrefix(path, prefix) {
				path = strings.Replace(path, "{id}", id, 1)
				if prefix == "/api/users/" {
					path = strings.Replace(path, "{userId}", id, 1)
				}
			}
		}
		path = strings.Replace(path, "{name}", "doc-secret", 1)
		path = strings.Replace(path, "{target}", "patreon", 1)
		if strings.Contains(path, "{") {
			return templateParam.ReplaceAllString(path, "no-such-entity"), true
		}
		return path, false
	}
	// Creations first (the connector is created only by its operation: one
	// per provider), deletions last, deepest paths first, so their entities
	// exist until then.
	rank := func(o operation) int {
		switch {
		case o.method == "POST" && !strings.Contains(o.path, "{"):
			return 0
		case o.method == "DELETE":
			return 2
		}
		return 1
	}
	sort.SliceStable(ops, func(i, j int) bool {
		ri, rj := rank(ops[i]), rank(ops[j])
		if ri != rj {
			return ri < rj
		}
		return ri == 2 && len(ops[i].path) > len(ops[j].path)
	})
	seen := 0
	for _, op := range ops {
		body := ""
		if op.hasBody {
			var ok bool
			if body, ok = bodies[op.id]; !ok {
				t.Errorf("%s (%s %s): no request body in the test", op.id, op.method, op.path)
				continue
			}
		}
		path, unknown := fill(op.path)
		r := c.do(op.method, path, body)
		seen++
		if op.id == "CreateConnector" {
			idFor["/api/connectors/"] = mustID(r)
		}
		if r.status >= 500 || !routedByMux(r) {
			t.Errorf("%s %s: %d %s", op.method, path, r.status, r.raw)
		}
		switch {
		case unknown && r.status == 404:
			t.Logf("%s %s: no entity for its parameters in this test; checked the 404 only", op.method, op.path)
		case r.status >= 400:
			t.Errorf("%s %s: %d %s, want success", op.method, path, r.status, r.raw)
		}
		for _, p := range responseProblems(doc, op, r) {
			t.Errorf("%s (%s %s): %s", op.id, op.method, op.path, p)
		}
	}
	if seen < 30 {
		t.Errorf("only %d operations exercised", seen)
	}
	// Error answers follow the documented Error schema too.
	for _, probe := range []struct{ method, path, body, id string }{
		{"GET", "/api/users/nope", "", "GetUser"},
		{"POST", "/api/users", `{"primaryEmail":"nope"}`, "CreateUser"},
		{"POST", "/api/users", `{"username":"docuser"}`, "CreateUser"},
	} {
		r := c.do(probe.method, probe.path, probe.body)
		for _, op := range ops {
			if op.id == probe.id {
				for _, p := range responseProblems(doc, op, r) {
					t.Errorf("%s %s: %s", probe.method, probe.path, p)
				}
			}
		}
	}
}
