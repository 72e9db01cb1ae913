package console_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

// userCount is the number of users in the store.
func userCount(t *testing.T, env *testenv.Env) int64 {
	t.Helper()
	_, n, err := env.D.Store.ListUsers(context.Background(), store.Page{Number: 1, Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// wantRejected checks a 400 page that names field (its label) with msg
// next to it, and keeps the typed values.
func wantRejected(t *testing.T, p page, label, msg string, kept ...string) {
	t.Helper()
	if p.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400\n%s", p.status, p.body)
	}
	body := html.UnescapeString(p.body)
	if !strings.Contains(body, label+": ") {
		t.Errorf("the error summary does not name %q\n%s", label, body)
	}
	if msg != "" && !strings.Contains(body, msg) {
		t.Errorf("no %q on the page", msg)
	}
	for _, v := range kept {
		if !strings.Contains(body, v) {
			t.Errorf("typed value %q not kept", v)
		}
	}
}

// created is the id in a 303 to /console/<area>/{id}?done=....
func created(t *testing.T, p page, area string) string {
	t.Helper()
	m := regexp.MustCompile(`^/console/` + area + `/([^/?#]+)`).FindStringSubmatch(p.header.Get("Location"))
	if p.status != http.StatusSeeOther || m == nil {
		t.Fatalf("want 303 to /console/%s/{id}: %d %q\n%s", area, p.status, p.header.Get("Location"), p.body)
	}
	return m[1]
}

func TestUserCreateValidationAndList(t *testing.T) {
	env, b := signedIn(t, false)
	ctx := context.Background()

	// Bad email, a common password: both named, typed values kept, the
	// password not echoed, nothing written.
	p := b.submit("/console/users/new", "/console/users", url.Values{"username": {"carol"}, "email": {"not-an-email"},
		"name": {"Carol Q"}, "password": {"password"}})
	wantRejected(t, p, "Email", "Must be an email address.", `value="carol"`, `value="not-an-email"`, `value="Carol Q"`)
	wantRejected(t, p, "Password", "too common")
	if strings.Contains(p.body, `value="password"`) {
		t.Error("the typed password is echoed back")
	}
	if n := userCount(t, env); n != 1 {
		t.Fatalf("%d users after a rejected creation", n)
	}
	// Policy parameters are filled in, in Japanese too.
	b.post("/console/language", url.Values{"csrf_token": {b.csrf("/console/users")}, "lang": {"ja"}, "back": {"/console/users"}})
	p = b.submit("/console/users/new", "/console/users", url.Values{"username": {"carol"}, "password": {"Ab1!"}})
	wantRejected(t, p, "パスワード", "8")
	b.post("/console/language", url.Values{"csrf_token": {b.csrf("/console/users")}, "lang": {"en"}, "back": {"/console/users"}})
	// No identifier at all.
	p = b.submit("/console/users/new", "/console/users", url.Values{"name": {"Nobody"}})
	wantRejected(t, p, "Username", "A username, email or phone is required.", `value="Nobody"`)

	// Without the CSRF token: 403, nothing created.
	p = b.post("/console/users", url.Values{"username": {"mallory"}, "password": {"Tr0ub4dor&3-horse"}})
	if p.status != http.StatusForbidden || userCount(t, env) != 1 {
		t.Fatalf("no CSRF token: %d, %d users", p.status, userCount(t, env))
	}

	// Created with a password the policy accepts.
	p = b.submit("/console/users/new", "/console/users", url.Values{"username": {"carol"}, "email": {"carol@example.com"},
		"phone": {"+81901234567"}, "name": {"Carol Q"}, "password": {"violet-Staple-93"}})
	id := created(t, p, "users")
	if !strings.Contains(p.header.Get("Location"), "done=notice.user_created") {
		t.Errorf("no notice: %s", p.header.Get("Location"))
	}
	if err := env.D.Accounts.VerifyPassword(ctx, id, "violet-Staple-93"); err != nil {
		t.Errorf("the password set at creation does not verify: %v", err)
	}
	d := b.get(p.header.Get("Location"))
	if d.status != 200 || !strings.Contains(d.body, "The user was added.") || !strings.Contains(d.body, "carol@example.com") {
		t.Errorf("details after creation: %d\n%s", d.status, d.body)
	}
	// Taken username: named.
	p = b.submit("/console/users/new", "/console/users", url.Values{"username": {"carol"}, "password": {"violet-Staple-93"}})
	wantRejected(t, p, "Username", "already in use", `value="carol"`)

	// The list, searched and paged (20 a page).
	for i := range 22 {
		env.User(fmt.Sprintf("bulk%02d", i), "correct horse battery")
	}
	list := b.get("/console/users")
	if list.status != 200 || !strings.Contains(list.body, "Page 1 of 2 (24 in all)") || !strings.Contains(list.body, `href="/console/users?page=2"`) {
		t.Errorf("first page:\n%s", list.body)
	}
	if p2 := b.get("/console/users?page=2"); !strings.Contains(p2.body, "Page 2 of 2") || !strings.Contains(p2.body, "bulk21") {
		t.Errorf("second page:\n%s", p2.body)
	}
	found := b.get("/console/users?search=" + url.QueryEscape("Carol"))
	if !strings.Contains(found.body, "/console/users/"+id) || strings.Contains(found.body, "bulk01") {
		t.Errorf("search by name:\n%s", found.body)
	}
	if found := b.get("/console/users?search=81901234"); !strings.Contains(found.body, "/console/users/"+id) {
		t.Error("search by phone finds nothing")
	}
	if none := b.get("/console/users?search=zzz%3Cb%3E"); !strings.Contains(none.body, "No user matches “zzz&lt;b&gt;”.") {
		t.Errorf("empty search:\n%s", none.body)
	}
	// Malformed paging is page 1, never an error.
	if p := b.get("/console/users?page=-3"); p.status != 200 || !strings.Contains(p.body, "Page 1 of 2") {
		t.Errorf("page=-3: %d", p.status)
	}
	if p := b.get("/console/users/nope"); p.status != http.StatusNotFound {
		t.Errorf("unknown user: %d", p.status)
	}
}

var newPasswordRe = regexp.MustCompile(`<code id="new-password">([^<]+)</code>`)

func TestUserGeneratedPasswordShownOnce(t *testing.T) {
	env, b := signedIn(t, false)
	ctx := context.Background()
	p := b.submit("/console/users/new", "/console/users", url.Values{"email": {"dave@example.com"}})
	id := created(t, p, "users")
	first := b.get(p.header.Get("Location"))
	m := newPasswordRe.FindStringSubmatch(first.body)
	if m == nil {
		t.Fatalf("no generated password shown:\n%s", first.body)
	}
	pw := html.UnescapeString(m[1])
	if len(pw) < 16 {
		t.Errorf("generated password %q is short", pw)
	}
	if err := env.D.Accounts.VerifyPassword(ctx, id, pw); err != nil {
		t.Errorf("the password shown does not verify: %v", err)
	}
	if again := b.get("/console/users/" + id); newPasswordRe.MatchString(again.body) {
		t.Error("the password is shown a second time")
	}

	// Reset by generation: a new one, shown once, the old one gone.
	p = b.submit("/console/users/"+id, "/console/users/"+id+"/password", url.Values{"mode": {"generate"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("generate: %d\n%s", p.status, p.body)
	}
	m = newPasswordRe.FindStringSubmatch(b.get(p.header.Get("Location")).body)
	if m == nil {
		t.Fatal("no generated password after reset")
	}
	if pw2 := html.UnescapeString(m[1]); pw2 == pw || env.D.Accounts.VerifyPassword(ctx, id, pw2) != nil ||
		env.D.Accounts.VerifyPassword(ctx, id, pw) == nil {
		t.Error("the generated reset did not replace the password")
	}
	// Another admin session cannot read the first one's cookie.
	if again := b.get("/console/users/" + id); newPasswordRe.MatchString(again.body) {
		t.Error("shown twice after reset")
	}
}

func TestUserDetailsActions(t *testing.T) {
	env, b := signedIn(t, false)
	ctx := context.Background()
	u := env.User("erin", "correct horse battery")
	other := env.User("frank", "correct horse battery")
	path := "/console/users/" + u.ID
	get := func() *store.User {
		t.Helper()
		got, err := env.D.Store.GetUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	// Profile: a taken email and a bad avatar are named, input kept.
	p := b.submit(path, path, url.Values{"username": {"erin2"}, "email": {"frank@example.com"}, "name": {"Erin E"}})
	wantRejected(t, p, "Email", "already in use", `value="erin2"`, `value="Erin E"`, `value="frank@example.com"`)
	p = b.submit(path, path, url.Values{"username": {"erin2"}, "avatar": {"javascript:alert(1)"}})
	wantRejected(t, p, "Avatar URL", "http(s)", `value="javascript:alert(1)"`)
	if g := get(); g.Username != "erin" || g.Name != "Test erin" {
		t.Fatalf("a rejected profile changed the user: %+v", g)
	}
	p = b.submit(path, path, url.Values{"username": {""}, "email": {""}, "phone": {""}})
	wantRejected(t, p, "Username", "is required")
	p = b.submit(path, path, url.Values{"username": {"erin2"}, "email": {"erin@example.org"}, "name": {"Erin E"},
		"avatar": {"https://example.com/erin.png"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("profile: %d\n%s", p.status, p.body)
	}
	if g := get(); g.Username != "erin2" || g.PrimaryEmail != "erin@example.org" || g.Name != "Erin E" || g.Avatar != "https://example.com/erin.png" {
		t.Errorf("profile not saved: %+v", g)
	}

	// Custom data: only a JSON object.
	for _, bad := range []string{`[1,2]`, `{"a":1} x`, `null`, `{"a":`, `"text"`} {
		p = b.submit(path, path+"/custom-data", url.Values{"customData": {bad}})
		wantRejected(t, p, "Custom data", "must be a JSON object")
		if !strings.Contains(html.UnescapeString(p.body), bad) {
			t.Errorf("typed custom data %q not kept", bad)
		}
	}
	if g := get(); len(g.CustomData) != 0 {
		t.Fatalf("rejected custom data stored: %v", g.CustomData)
	}
	p = b.submit(path, path+"/custom-data", url.Values{"customData": {`{"plan": "pro", "seats": 12}`}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("custom data: %d\n%s", p.status, p.body)
	}
	if g := get(); g.CustomData["plan"] != "pro" || fmt.Sprint(g.CustomData["seats"]) != "12" {
		t.Errorf("custom data: %#v", g.CustomData)
	}
	if d := b.get(path); !strings.Contains(d.body, "&#34;seats&#34;: 12") {
		t.Errorf("custom data not shown as stored:\n%s", d.body)
	}

	// Password: the policy's message, nothing changed; then set.
	p = b.submit(path, path+"/password", url.Values{"mode": {"set"}, "password": {"erin2erin2"}})
	wantRejected(t, p, "Password", "personal information")
	p = b.submit(path, path+"/password", url.Values{"mode": {"set"}, "password": {""}})
	wantRejected(t, p, "Password", "is required")
	if env.D.Accounts.VerifyPassword(ctx, u.ID, "correct horse battery") != nil {
		t.Fatal("a rejected password changed the password")
	}
	p = b.submit(path, path+"/password", url.Values{"mode": {"set"}, "password": {"violet-Staple-93"}})
	if p.status != http.StatusSeeOther || env.D.Accounts.VerifyPassword(ctx, u.ID, "violet-Staple-93") != nil {
		t.Fatalf("set password: %d", p.status)
	}

	// Suspension and reinstatement.
	b.submit(path, path+"/suspension", url.Values{"suspend": {"on"}})
	if !get().IsSuspended {
		t.Fatal("not suspended")
	}
	if d := b.get(path); !strings.Contains(d.body, "This user is suspended") {
		t.Error("the page does not say suspended")
	}
	b.submit(path, path+"/suspension", url.Values{"suspend": {"off"}})
	if get().IsSuspended {
		t.Fatal("not reinstated")
	}

	// Identities: unlink.
	now := time.Now()
	if err := env.D.Store.PutIdentity(ctx, &store.Identity{UserID: u.ID, Target: "patreon", UpstreamID: "p-7",
		Details: map[string]any{}, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if d := b.get(path); !strings.Contains(d.body, "p-7") {
		t.Error("identity not listed")
	}
	if p = b.submit(path, path+"/identities/delete", url.Values{"target": {"github"}}); p.status != http.StatusNotFound {
		t.Errorf("unlink an identity the user lacks: %d", p.status)
	}
	p = b.submit(path, path+"/identities/delete", url.Values{"target": {"patreon"}})
	if ids, _ := env.D.Store.ListUserIdentities(ctx, u.ID); p.status != http.StatusSeeOther || len(ids) != 0 {
		t.Errorf("unlink: %d, %d identities", p.status, len(ids))
	}

	// Roles tab: assign and remove a User role; an M2M role is refused.
	editor, err := env.D.RBAC.CreateRole(ctx, rbac.NewRole{Name: "Editor", Type: store.RoleUser})
	if err != nil {
		t.Fatal(err)
	}
	robot, err := env.D.RBAC.CreateRole(ctx, rbac.NewRole{Name: "Robot", Type: store.RoleMachineToMachine})
	if err != nil {
		t.Fatal(err)
	}
	roles := b.get(path + "/roles")
	if !strings.Contains(roles.body, `value="`+editor.ID+`"`) || strings.Contains(roles.body, `value="`+robot.ID+`"`) {
		t.Errorf("roles to assign:\n%s", roles.body)
	}
	p = b.submit(path+"/roles", path+"/roles", url.Values{})
	wantRejected(t, p, "Assign", "tick at least one")
	p = b.submit(path+"/roles", path+"/roles", url.Values{"roleIds": {robot.ID}})
	wantRejected(t, p, "Assign", "cannot be given to a user")
	p = b.submit(path+"/roles", path+"/roles", url.Values{"roleIds": {editor.ID}})
	if held, _, _ := env.D.RBAC.ListUserRoles(ctx, u.ID, "", store.Page{}); p.status != http.StatusSeeOther || len(held) != 1 {
		t.Fatalf("assign: %d, %d roles", p.status, len(held))
	}
	if roles := b.get(path + "/roles"); !strings.Contains(roles.body, `href="/console/roles/`+editor.ID+`">Editor</a>`) {
		t.Error("assigned role not listed")
	}
	p = b.submit(path+"/roles", path+"/roles/delete", url.Values{"roleId": {editor.ID}})
	if held, _, _ := env.D.RBAC.ListUserRoles(ctx, u.ID, "", store.Page{}); p.status != http.StatusSeeOther || len(held) != 0 {
		t.Fatalf("remove role: %d, %d roles", p.status, len(held))
	}

	// Deletion needs the name typed; an admin cannot delete themselves.
	p = b.submit(path, path+"/delete", url.Values{"confirmDelete": {"Erin"}})
	wantRejected(t, p, "Type the user's name to confirm", "does not match", `value="Erin"`)
	root, _ := env.D.Store.GetUserByUsername(ctx, "root")
	p = b.submit("/console/users/"+root.ID, "/console/users/"+root.ID+"/delete", url.Values{"confirmDelete": {"root"}})
	wantRejected(t, p, "Type the user's name to confirm", "your own account")
	p = b.submit("/console/users/"+root.ID, "/console/users/"+root.ID+"/suspension", url.Values{"suspend": {"on"}})
	if p.status != http.StatusBadRequest {
		t.Errorf("self-suspension: %d", p.status)
	}
	p = b.submit(path, path+"/delete", url.Values{"confirmDelete": {"Erin E"}})
	if _, err := env.D.Store.GetUser(ctx, u.ID); p.status != http.StatusSeeOther || err == nil {
		t.Fatalf("delete: %d, %v", p.status, err)
	}
	if _, err := env.D.Store.GetUser(ctx, other.ID); err != nil {
		t.Error("another user went too")
	}
}

// TestUserActionsNeedCSRF: every user POST without the session's token is
// 403 and changes nothing.
func TestUserActionsNeedCSRF(t *testing.T) {
	env, b := signedIn(t, false)
	ctx := context.Background()
	u := env.User("gina", "correct horse battery")
	role, _ := env.D.RBAC.CreateRole(ctx, rbac.NewRole{Name: "Viewer"})
	before, _ := env.D.Store.GetUser(ctx, u.ID)
	path := "/console/users/" + u.ID
	for action, form := range map[string]url.Values{
		path:                  {"username": {"x"}, "email": {""}, "name": {"X"}},
		path + "/custom-data": {"customData": {`{"a":1}`}},
		path + "/password":    {"mode": {"set"}, "password": {"violet-Staple-93"}},
		path + "/suspension":  {"suspend": {"on"}},
		path + "/delete":      {"confirmDelete": {"Test gina"}},
		path + "/roles":       {"roleIds": {role.ID}},
	} {
		for _, token := range []string{"", "forged"} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if token != "" {
				f.Set("csrf_token", token)
			}
			if p := b.post(action, f); p.status != http.StatusForbidden {
				t.Errorf("POST %s with token %q: %d", action, token, p.status)
			}
		}
	}
	after, err := env.D.Store.GetUser(ctx, u.ID)
	if err != nil || after.Version != before.Version || after.IsSuspended {
		t.Fatalf("the user changed: %+v %v", after, err)
	}
	if env.D.Accounts.VerifyPassword(ctx, u.ID, "correct horse battery") != nil {
		t.Error("the password changed")
	}
	if held, _, _ := env.D.RBAC.ListUserRoles(ctx, u.ID, "", store.Page{}); len(held) != 0 {
		t.Error("a role was assigned")
	}

	// Signed out: the pages redirect to sign-in.
	anon := newBrowser(t, env)
	for _, p := range []string{path, path + "/roles", "/console/users/new"} {
		if got := anon.get(p); got.status != http.StatusSeeOther || got.header.Get("Location") != "/console/sign-in" {
			t.Errorf("anonymous GET %s: %d %s", p, got.status, got.header.Get("Location"))
		}
	}
}
