package mgmt_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/connector"
	_ "github.com/monban-dev/monban/internal/connector/patreon"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

const managementAPI = "https://default.logto.app/api"

// client is a Management API client as Logto's scripts have it: an M2M app
// with a client_credentials token for the Management API.
type client struct {
	t     *testing.T
	env   *testenv.Env
	token string
}

func newClient(t *testing.T, env *testenv.Env) *client {
	t.Helper()
	return &client{t: t, env: env, token: m2mToken(t, env, true, managementAPI, "all")}
}

// m2mToken creates an M2M application (with or without Management API
// access) and gets a client_credentials token for resource and scope.
func m2mToken(t *testing.T, env *testenv.Env, access bool, resource, scope string) string {
	t.Helper()
	app, secret, err := env.D.Applications.Create(context.Background(), application.NewApplication{
		Name: "mgmt client", Type: store.AppMachineToMachine, ManagementAPIAccess: access})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {resource}, "scope": {scope}}
	req, _ := http.NewRequest(http.MethodPost, env.Issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(app.ID, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("client_credentials: %d %s", resp.StatusCode, body)
	}
	return tok.AccessToken
}

type response struct {
	status int
	header http.Header
	raw    []byte
}

func (r response) object() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.raw, &m)
	return m
}

func (r response) list() []map[string]any {
	var l []map[string]any
	_ = json.Unmarshal(r.raw, &l)
	return l
}

func (c *client) do(method, path, body string) response {
	c.t.Helper()
	return call(c.t, c.env, c.token, method, path, body)
}

func call(t *testing.T, env *testenv.Env, token, method, path, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, env.Endpoint+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, raw: raw}
}

// wantError checks a Logto error body.
func wantError(t *testing.T, what string, r response, status int, code string) map[string]any {
	t.Helper()
	m := r.object()
	if r.status != status || m["code"] != code || m["message"] == nil || m["message"] == "" {
		t.Errorf("%s: %d %s, want %d with code %q", what, r.status, r.raw, status, code)
	}
	if _, ok := m["data"]; !ok {
		t.Errorf("%s: error body without data: %s", what, r.raw)
	}
	return m
}

// wantFields checks a 400 guard.invalid_input naming field.
func wantFields(t *testing.T, what string, r response, field string) {
	t.Helper()
	code := "guard.invalid_input"
	if field == "page" || field == "page_size" {
		code = "guard.invalid_pagination" // Logto's code for bad pagination
	}
	m := wantError(t, what, r, http.StatusBadRequest, code)
	data, _ := m["data"].(map[string]any)
	issues, _ := data["issues"].([]any)
	for _, i := range issues {
		if f, _ := i.(map[string]any)["field"].(string); f == field {
			return
		}
	}
	t.Errorf("%s: issues do not name %q: %s", what, field, r.raw)
}

func TestAuthentication(t *testing.T) { onBothDatabases(t, testAuthentication) }

func testAuthentication(t *testing.T, env *testenv.Env) {
	routes := [][2]string{{"GET", "/api/sign-in-exp"}, {"GET", "/api/applications/x"}, {"GET", "/api/users/x"},
		{"GET", "/api/connector-factories"}, {"POST", "/api/users"}, {"PATCH", "/api/sign-in-exp"}}
	for _, rt := range routes {
		r := call(t, env, "", rt[0], rt[1], "")
		wantError(t, rt[0]+" "+rt[1]+" without a token", r, 401, "auth.unauthorized")
		if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s %s: WWW-Authenticate = %q", rt[0], rt[1], r.header.Get("WWW-Authenticate"))
		}
	}
	wantError(t, "garbage token", call(t, env, "not.a.jwt", "GET", "/api/sign-in-exp", ""), 401, "auth.unauthorized")

	// A token for another resource.
	env.Resource("https://api.example.com")
	other := m2mToken(t, env, true, "https://api.example.com", "all")
	wantError(t, "token for another resource", call(t, env, other, "GET", "/api/sign-in-exp", ""), 401, "auth.unauthorized")

	// A tampered token.
	good := m2mToken(t, env, true, managementAPI, "all")
	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"all"`, `"all "`, 1)))
	wantError(t, "tampered token", call(t, env, strings.Join(parts, "."), "GET", "/api/sign-in-exp", ""), 401, "auth.unauthorized")

	// Without the scope all.
	noScope := m2mToken(t, env, true, managementAPI, "")
	wantError(t, "token without scope all", call(t, env, noScope, "GET", "/api/sign-in-exp", ""), 403, "auth.forbidden")
	noAccess := m2mToken(t, env, false, managementAPI, "all")
	wantError(t, "app without Management API access", call(t, env, noAccess, "GET", "/api/sign-in-exp", ""), 403, "auth.forbidden")

	if r := call(t, env, good, "GET", "/api/sign-in-exp", ""); r.status != 200 {
		t.Errorf("good token: %d %s", r.status, r.raw)
	}
}

func TestSignInExperience(t *testing.T) { onBothDatabases(t, testSignInExperience) }

func testSignInExperience(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	r := c.do("GET", "/api/sign-in-exp", "")
	if m := r.object(); r.status != 200 || m["signInMode"] != "SignInAndRegister" || m["signIn"] == nil {
		t.Fatalf("GET: %d %s", r.status, r.raw)
	}
	r = c.do("PATCH", "/api/sign-in-exp", `{"color":{"primaryColor":"#123456"},"signInMode":"SignIn"}`)
	m := r.object()
	color, _ := m["color"].(map[string]any)
	if r.status != 200 || m["signInMode"] != "SignIn" || color["primaryColor"] != "#123456" || m["signUp"] == nil {
		t.Fatalf("PATCH: %d %s", r.status, r.raw)
	}
	if got := c.do("GET", "/api/sign-in-exp", "").object(); got["signInMode"] != "SignIn" {
		t.Errorf("PATCH not stored: %v", got["signInMode"])
	}
	wantFields(t, "bad mode", c.do("PATCH", "/api/sign-in-exp", `{"signInMode":"Nope"}`), "signInMode")
	wantFields(t, "bad color", c.do("PATCH", "/api/sign-in-exp", `{"color":{"primaryColor":"red"}}`), "color.primaryColor")
	wantFields(t, "malformed JSON", c.do("PATCH", "/api/sign-in-exp", `{"signInMode":`), "body")
	wantFields(t, "not an object", c.do("PATCH", "/api/sign-in-exp", `[1]`), "body")
	if got := c.do("GET", "/api/sign-in-exp", "").object(); got["signInMode"] != "SignIn" {
		t.Errorf("a refused PATCH changed the experience: %v", got["signInMode"])
	}
}

func TestApplications(t *testing.T) { onBothDatabases(t, testApplications) }

func testApplications(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	r := c.do("POST", "/api/applications", `{"name":"My web app","type":"Traditional","description":"d",
		"oidcClientMetadata":{"redirectUris":["http://localhost:3000/callback"],"postLogoutRedirectUris":["http://localhost:3000/"]},
		"customClientMetadata":{"corsAllowedOrigins":["http://localhost:3000"]}}`)
	app := r.object()
	id, _ := app["id"].(string)
	secret, _ := app["secret"].(string)
	if r.status != 200 || id == "" || secret == "" || app["type"] != "Traditional" || app["name"] != "My web app" {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	meta, _ := app["oidcClientMetadata"].(map[string]any)
	if uris, _ := meta["redirectUris"].([]any); len(uris) != 1 || uris[0] != "http://localhost:3000/callback" {
		t.Errorf("redirectUris: %s", r.raw)
	}
	if _, err := env.D.Applications.Authenticate(context.Background(), id, secret); err != nil {
		t.Errorf("the returned secret does not authenticate: %v", err)
	}
	r = c.do("GET", "/api/applications/"+id, "")
	if got := r.object(); r.status != 200 || got["id"] != id || got["secret"] != nil {
		t.Errorf("get: %d %s (the secret is shown only at creation)", r.status, r.raw)
	}
	r = c.do("GET", "/api/applications?page=1&page_size=1", "")
	if r.status != 200 || len(r.list()) != 1 || r.header.Get("Total-Number") == "" {
		t.Errorf("list: %d %s Total-Number=%q", r.status, r.raw, r.header.Get("Total-Number"))
	}
	wantFields(t, "bad page", c.do("GET", "/api/applications?page=0", ""), "page")
	wantError(t, "unknown id", c.do("GET", "/api/applications/nope", ""), 404, "entity.not_exists_with_id")
	wantFields(t, "no name", c.do("POST", "/api/applications", `{"type":"SPA"}`), "name")
	wantFields(t, "bad type", c.do("POST", "/api/applications", `{"name":"x","type":"Desktop"}`), "type")
	wantFields(t, "bad redirect", c.do("POST", "/api/applications",
		`{"name":"x","type":"SPA","oidcClientMetadata":{"redirectUris":["not a uri"],"postLogoutRedirectUris":[]}}`),
		"oidcClientMetadata.redirectUris[0]")
	wantFields(t, "name of the wrong type", c.do("POST", "/api/applications", `{"name":5,"type":"SPA"}`), "name")
	wantFields(t, "malformed JSON", c.do("POST", "/api/applications", `{"name":`), "body")
	wantFields(t, "empty body", c.do("POST", "/api/applications", ""), "body")
}

func TestUsers(t *testing.T) { onBothDatabases(t, testUsers) }

func testUsers(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	r := c.do("POST", "/api/users", `{"username":"alice","password":"correct horse battery","primaryEmail":"alice@example.com","name":"Alice"}`)
	u := r.object()
	id, _ := u["id"].(string)
	if r.status != 200 || id == "" || u["username"] != "alice" || u["primaryEmail"] != "alice@example.com" || u["hasPassword"] != true {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	for _, leak := range []string{"password", "passwordDigest", "passwordHash", "argon2"} {
		if strings.Contains(string(r.raw), leak) {
			t.Errorf("the user carries %q: %s", leak, r.raw)
		}
	}
	r = c.do("GET", "/api/users/"+id, "")
	if got := r.object(); r.status != 200 || got["id"] != id || got["primaryPhone"] != nil || got["identities"] == nil {
		t.Errorf("get: %d %s", r.status, r.raw)
	}
	r = c.do("GET", "/api/users", "")
	if r.status != 200 || len(r.list()) != 1 || r.header.Get("Total-Number") != "1" {
		t.Errorf("list: %d %s Total-Number=%q", r.status, r.raw, r.header.Get("Total-Number"))
	}
	wantError(t, "unknown id", c.do("GET", "/api/users/nope", ""), 404, "entity.not_exists_with_id")
	wantError(t, "taken username", c.do("POST", "/api/users", `{"username":"alice","password":"another long one"}`),
		409, "user.username_already_in_use")
	wantError(t, "taken email", c.do("POST", "/api/users", `{"username":"bob","primaryEmail":"alice@example.com"}`),
		409, "user.email_already_in_use")
	wantFields(t, "short password", c.do("POST", "/api/users", `{"username":"carol","password":"short"}`), "password")
	wantFields(t, "bad email", c.do("POST", "/api/users", `{"primaryEmail":"nope"}`), "primaryEmail")
	wantFields(t, "no identifier", c.do("POST", "/api/users", `{}`), "username")
	wantFields(t, "bad avatar", c.do("POST", "/api/users", `{"username":"dave","avatar":"javascript:x"}`), "avatar")
	wantFields(t, "malformed JSON", c.do("POST", "/api/users", `nope`), "body")
}

func TestConnectorFactories(t *testing.T) { onBothDatabases(t, testConnectorFactories) }

func testConnectorFactories(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	r := c.do("GET", "/api/connector-factories", "")
	if r.status != 200 || r.list() == nil && string(r.raw) != "[]" || r.header.Get("Total-Number") == "" {
		t.Fatalf("list: %d %s", r.status, r.raw)
	}
	for _, f := range connector.Factories() {
		r := c.do("GET", "/api/connector-factories/"+f.ID, "")
		if got := r.object(); r.status != 200 || got["id"] != f.ID || got["target"] != f.Target {
			t.Errorf("get %s: %d %s", f.ID, r.status, r.raw)
		}
	}
	wantError(t, "unknown factory", c.do("GET", "/api/connector-factories/nope", ""), 404, "entity.not_exists_with_id")
}

func TestConnectors(t *testing.T) { onBothDatabases(t, testConnectors) }

func testConnectors(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	if _, ok := connector.Lookup("patreon-universal"); !ok {
		t.Skip("the Patreon connector factory is not registered")
	}
	r := c.do("GET", "/api/connectors", "")
	if r.status != 200 || string(r.raw) != "[]" || r.header.Get("Total-Number") != "0" {
		t.Fatalf("empty list: %d %s", r.status, r.raw)
	}
	r = c.do("POST", "/api/connectors", `{"connectorId":"patreon-universal","config":{"clientId":"cid","clientSecret":"top secret"},"metadata":{"target":"patreon"},"syncProfile":true}`)
	got := r.object()
	id, _ := got["id"].(string)
	cfg, _ := got["config"].(map[string]any)
	if r.status != 200 || id == "" || id == "patreon-universal" || got["connectorId"] != "patreon-universal" ||
		got["target"] != "patreon" || got["syncProfile"] != true || cfg["clientId"] != "cid" {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	if strings.Contains(string(r.raw), "top secret") {
		t.Errorf("the client secret is shown: %s", r.raw)
	}
	if r := c.do("GET", "/api/connectors/"+id, ""); r.status != 200 || r.object()["id"] != id {
		t.Errorf("get: %d %s", r.status, r.raw)
	}
	r = c.do("GET", "/api/connectors?page=1&page_size=5", "")
	if r.status != 200 || len(r.list()) != 1 || r.header.Get("Total-Number") != "1" {
		t.Errorf("list: %d %s", r.status, r.raw)
	}
	wantError(t, "second Patreon connector", c.do("POST", "/api/connectors",
		`{"connectorId":"patreon-universal","config":{"clientId":"a","clientSecret":"b"}}`), 422, "connector.multiple_instances_not_supported")
	wantFields(t, "no connectorId", c.do("POST", "/api/connectors", `{"config":{}}`), "connectorId")
	wantFields(t, "unknown factory", c.do("POST", "/api/connectors", `{"connectorId":"nope","config":{}}`), "connectorId")
	wantFields(t, "no config", c.do("POST", "/api/connectors", `{"connectorId":"patreon-universal"}`), "config")
	wantFields(t, "config of the wrong type", c.do("POST", "/api/connectors", `{"connectorId":"patreon-universal","config":"x"}`), "config")
	wantFields(t, "bad page_size", c.do("GET", "/api/connectors?page_size=1000", ""), "page_size")

	if r := c.do("DELETE", "/api/connectors/"+id, ""); r.status != 204 {
		t.Errorf("delete: %d %s", r.status, r.raw)
	}
	wantError(t, "get deleted", c.do("GET", "/api/connectors/"+id, ""), 404, "entity.not_exists_with_id")
	wantError(t, "delete unknown", c.do("DELETE", "/api/connectors/"+id, ""), 404, "entity.not_exists_with_id")
}

// TestLogtoClientShapes creates a Traditional web application, a user with
// a password (and, when its factory is registered, a Patreon connector)
// exactly as a Logto user would, then signs that user in through the OIDC
// flow.
func TestLogtoClientShapes(t *testing.T) { onBothDatabases(t, testLogtoClientShapes) }

func testLogtoClientShapes(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	const redirect = "http://localhost:3000/callback"
	r := c.do("POST", "/api/applications", `{"name":"Logto sample","type":"Traditional","description":"",
		"oidcClientMetadata":{"redirectUris":["`+redirect+`"],"postLogoutRedirectUris":["http://localhost:3000"]}}`)
	app := r.object()
	appID, _ := app["id"].(string)
	secret, _ := app["secret"].(string)
	if r.status != 200 || appID == "" || secret == "" {
		t.Fatalf("create application: %d %s", r.status, r.raw)
	}
	r = c.do("POST", "/api/users", `{"username":"patron","password":"a long enough password","primaryEmail":"patron@example.com","name":"Pat Ron"}`)
	user := r.object()
	userID, _ := user["id"].(string)
	if r.status != 200 || userID == "" {
		t.Fatalf("create user: %d %s", r.status, r.raw)
	}
	if _, ok := connector.Lookup("patreon-universal"); ok && c.do("GET", "/api/connectors", "").status == 200 {
		r = c.do("POST", "/api/connectors", `{"connectorId":"patreon-universal","config":{"clientId":"id","clientSecret":"s","scope":"identity identity[email]"},"metadata":{"target":"patreon"},"syncProfile":false}`)
		if id, _ := r.object()["id"].(string); r.status != 200 || id == "" {
			t.Errorf("create Patreon connector: %d %s", r.status, r.raw)
		}
	} else {
		t.Log("the Patreon connector (factory or /api/connectors) is not available yet: application and user only")
	}

	verifier := rand.Text() + rand.Text()
	sum := sha256.Sum256([]byte(verifier))
	state := rand.Text()
	authURL := env.Issuer + "/auth?" + url.Values{"client_id": {appID}, "redirect_uri": {redirect},
		"response_type": {"code"}, "scope": {"openid profile email"}, "state": {state}, "prompt": {"consent"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}.Encode()
	cb, err := env.Authorize(testenv.Browser(), authURL, "patron", "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	code := cb.Query().Get("code")
	if code == "" || cb.Query().Get("state") != state {
		t.Fatalf("callback: %s", cb)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
	req, _ := http.NewRequest(http.MethodPost, env.Issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(appID, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &tok) != nil || tok.IDToken == "" {
		t.Fatalf("token: %d %s", resp.StatusCode, body)
	}
	payload, err := env.D.Keys.Verify(tok.IDToken)
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	json.Unmarshal(payload, &claims)
	if claims.Sub != userID {
		t.Errorf("ID token sub %q, want the Management API's user id %q", claims.Sub, userID)
	}
}

// A user's access token is refused even when it carries the scope all: the
// Management API is for machine-to-machine applications (admins use the
// console). Without this check a User role holding the Management API's
// permission would open /api to whoever holds it.
func TestUserTokenRefused(t *testing.T) { onBothDatabases(t, testUserTokenRefused) }

func testUserTokenRefused(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	const redirect = "http://localhost:3000/callback"
	app := c.do("POST", "/api/applications", `{"name":"web","type":"Traditional","oidcClientMetadata":{"redirectUris":["`+redirect+`"],"postLogoutRedirectUris":[]}}`).object()
	appID, _ := app["id"].(string)
	secret, _ := app["secret"].(string)
	user := c.do("POST", "/api/users", `{"username":"mallory","password":"a long enough password"}`).object()
	userID, _ := user["id"].(string)
	if appID == "" || userID == "" {
		t.Fatalf("set-up: app %v user %v", app, user)
	}
	// A User role holding the Management API's permission all.
	var scopeID string
	for _, res := range c.do("GET", "/api/resources", "").list() {
		if res["indicator"] == managementAPI {
			for _, s := range c.do("GET", "/api/resources/"+res["id"].(string)+"/scopes", "").list() {
				if s["name"] == "all" {
					scopeID, _ = s["id"].(string)
				}
			}
		}
	}
	if scopeID == "" {
		t.Fatal("the Management API resource or its permission all is not listed")
	}
	wantError(t, "Management API permission in a User role", c.do("POST", "/api/roles",
		`{"name":"api-admins","description":"x","type":"User","scopeIds":["`+scopeID+`"]}`), 400, "role.management_api_scopes_not_assignable_to_user_role")
	role := c.do("POST", "/api/roles", `{"name":"api-admins","description":"x","type":"User"}`)
	roleID, _ := role.object()["id"].(string)
	if roleID == "" {
		t.Fatalf("create role: %d %s", role.status, role.raw)
	}
	// The domain refuses this (above); a row put there by hand, or by an
	// older version, must still not open /api to a user.
	if err := env.D.Store.AddRoleScopes(context.Background(), roleID, []string{scopeID}); err != nil {
		t.Fatal(err)
	}
	if r := c.do("POST", "/api/roles/"+roleID+"/users", `{"userIds":["`+userID+`"]}`); r.status != 201 {
		t.Fatalf("assign role: %d %s", r.status, r.raw)
	}

	verifier := rand.Text() + rand.Text()
	sum := sha256.Sum256([]byte(verifier))
	authURL := env.Issuer + "/auth?" + url.Values{"client_id": {appID}, "redirect_uri": {redirect},
		"response_type": {"code"}, "scope": {"openid all"}, "state": {"s"}, "resource": {managementAPI},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}.Encode()
	cb, err := env.Authorize(testenv.Browser(), authURL, "mallory", "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")}, "redirect_uri": {redirect},
		"code_verifier": {verifier}, "resource": {managementAPI}}
	req, _ := http.NewRequest(http.MethodPost, env.Issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(appID, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	if tok.Scope != "all" {
		t.Fatalf("the user's token carries scope %q; the test needs all to mean anything", tok.Scope)
	}
	wantError(t, "user token with scope all", call(t, env, tok.AccessToken, "GET", "/api/users", ""), 403, "auth.forbidden")
	wantError(t, "user token with scope all, write", call(t, env, tok.AccessToken, "DELETE", "/api/users/"+userID, ""), 403, "auth.forbidden")
	if r := c.do("GET", "/api/users/"+userID, ""); r.status != 200 {
		t.Errorf("the refused DELETE removed the user: %d", r.status)
	}
}
