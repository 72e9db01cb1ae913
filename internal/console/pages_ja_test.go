package console_test

import (
	"context"
	"net/url"
	"regexp"
	"testing"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
)

// untranslated finds a phrase key shown as text (a key without a phrase is
// shown as itself).
var untranslated = regexp.MustCompile(`>[^<]*\b(users|res|roles|logs|dash|list|form|notice|code)\.[a-z_]+[^<]*<`)

// TestPagesInBothLanguages renders every page of the users, API resources,
// roles, audit-log and dashboard areas in English and Japanese: 200, the
// language's own title, no phrase key left as text.
func TestPagesInBothLanguages(t *testing.T) {
	env, b := signedIn(t, false)
	ctx := context.Background()
	u := env.User("alice", "correct horse battery")
	res := env.Resource("https://api.lang.example")
	sc, _ := env.D.RBAC.CreateScope(ctx, res.ID, rbac.NewScope{Name: "read"})
	role, _ := env.D.RBAC.CreateRole(ctx, rbac.NewRole{Name: "Reader", ScopeIDs: []string{sc.ID}})
	m2m, _ := env.D.RBAC.CreateRole(ctx, rbac.NewRole{Name: "Robots", Type: store.RoleMachineToMachine})
	env.D.Audit.Record(ctx, audit.Entry{Key: audit.KeySignIn, UserID: u.ID, ErrCode: audit.CodeInvalidCredentials})
	logs, _, _ := env.D.Audit.List(ctx, audit.Filter{}, store.Page{})
	pages := map[string][2]string{
		"/console/dashboard":                                  {"Dashboard", "ダッシュボード"},
		"/console/users":                                      {"Users", "ユーザー"},
		"/console/users?search=zz":                            {"Users", "ユーザー"},
		"/console/users/new":                                  {"Add user", "ユーザーを追加"},
		"/console/users/" + u.ID:                              {"User Test alice", "ユーザー Test alice"},
		"/console/users/" + u.ID + "/roles":                   {"User Test alice", "ユーザー Test alice"},
		"/console/api-resources":                              {"API resources", "API リソース"},
		"/console/api-resources/new":                          {"Create API resource", "API リソースを作成"},
		"/console/api-resources/" + res.ID:                    {"API resource https://api.lang.example", "API リソース https://api.lang.example"},
		"/console/api-resources/management-api":               {"API resource", "API リソース"},
		"/console/roles":                                      {"Roles", "ロール"},
		"/console/roles/new":                                  {"Create role", "ロールを作成"},
		"/console/roles/" + role.ID:                           {"Role Reader", "ロール Reader"},
		"/console/roles/" + role.ID + "/assignments?search=a": {"Role Reader", "ロール Reader"},
		"/console/roles/" + m2m.ID + "/assignments":           {"Role Robots", "ロール Robots"},
		"/console/audit-logs":                                 {"Audit logs", "監査ログ"},
		"/console/audit-logs/" + logs[0].ID:                   {"Audit log: Interaction.SignIn.Submit", "監査ログ：Interaction.SignIn.Submit"},
	}
	for i, lang := range []string{"en", "ja"} {
		b.post("/console/language", url.Values{"csrf_token": {b.csrf("/console/users")}, "lang": {lang}, "back": {"/console/users"}})
		for path, titles := range pages {
			p := b.get(path)
			if p.status != 200 {
				t.Errorf("%s %s: %d", lang, path, p.status)
				continue
			}
			if !regexp.MustCompile(`<title>` + regexp.QuoteMeta(titles[i])).MatchString(p.body) {
				t.Errorf("%s %s: title is not %q", lang, path, titles[i])
			}
			if m := untranslated.FindString(p.body); m != "" {
				t.Errorf("%s %s: untranslated %q", lang, path, m)
			}
		}
	}
}
