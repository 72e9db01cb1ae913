package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

const callback = "http://localhost:3000/callback"

// hostedSignIn signs username in to app through the hosted pages (the
// audit log records it); a wrong password is recorded as a failure.
func hostedSignIn(t *testing.T, env *testenv.Env, app *store.Application, username, pw string) {
	t.Helper()
	q := url.Values{"client_id": {app.ID}, "redirect_uri": {callback}, "response_type": {"code"}, "scope": {"openid"}, "state": {"s"}}
	_, _ = env.Authorize(testenv.Browser(), env.Issuer+"/auth?"+q.Encode(), username, pw)
}

var logLinkRe = regexp.MustCompile(`href="/console/audit-logs/([^"]+)"`)

func TestAuditLogPages(t *testing.T) {
	env, b := signedIn(t, false)
	app, _ := env.App(store.AppTraditional, callback)
	alice := env.User("alice", "correct horse battery")
	hostedSignIn(t, env, app, "alice", "wrong password!")
	hostedSignIn(t, env, app, "alice", "correct horse battery")

	list := b.get("/console/audit-logs")
	if list.status != 200 || !strings.Contains(list.body, ">Sign in</a>") || !strings.Contains(list.body, "Sign in: password check") {
		t.Fatalf("audit log list: %d\n%s", list.status, list.body)
	}
	// Filters: result, key, user, application; each keeps its value.
	okOnly := b.get("/console/audit-logs?result=Success&logKey=" + url.QueryEscape(audit.KeySignIn) + "&userId=" + alice.ID + "&applicationId=" + app.ID)
	rows := logLinkRe.FindAllStringSubmatch(okOnly.body, -1)
	if len(rows) != 1 || !strings.Contains(okOnly.body, `value="`+alice.ID+`"`) || !strings.Contains(okOnly.body, `<option value="Success" selected>`) {
		t.Fatalf("filtered list: %d rows\n%s", len(rows), okOnly.body)
	}
	errs := b.get("/console/audit-logs?result=Error")
	if strings.Contains(errs.body, ">Sign in</a>") || !strings.Contains(errs.body, "Sign in: password check") {
		t.Errorf("result=Error shows a success or misses the failure:\n%s", errs.body)
	}
	if none := b.get("/console/audit-logs?userId=nobody&result=bogus"); none.status != 200 || !strings.Contains(none.body, "No entry matches.") {
		t.Errorf("unknown user: %d", none.status)
	}

	// Details: the entry's user and application by name, the payload.
	d := b.get("/console/audit-logs/" + rows[0][1])
	for _, want := range []string{"Interaction.SignIn.Submit", `href="/console/users/` + alice.ID + `"`, `href="/console/applications/` + app.ID + `"`,
		"&#34;result&#34;: &#34;Success&#34;", "127.0.0.1", "Go-http-client"} {
		if !strings.Contains(d.body, want) {
			t.Errorf("details lack %q", want)
		}
	}
	if d.status != 200 {
		t.Fatalf("details: %d\n%s", d.status, d.body)
	}
	if p := b.get("/console/audit-logs/nope"); p.status != http.StatusNotFound {
		t.Errorf("unknown entry: %d", p.status)
	}
	// The user's page links to their log.
	if u := b.get("/console/users/" + alice.ID); !strings.Contains(u.body, `href="/console/audit-logs?userId=`+alice.ID+`"`) {
		t.Error("no link from the user to their log")
	}
	// Paging keeps the filters.
	for range 25 {
		env.D.Audit.Record(context.Background(), audit.Entry{Key: audit.KeyForgotPassword, UserID: alice.ID})
	}
	paged := b.get("/console/audit-logs?logKey=" + url.QueryEscape(audit.KeyForgotPassword))
	if !strings.Contains(paged.body, "Page 1 of 2 (25 in all)") ||
		!strings.Contains(paged.body, `href="/console/audit-logs?logKey=Interaction.ForgotPassword.Submit&amp;page=2"`) {
		t.Errorf("paging:\n%s", paged.body)
	}
	anon := newBrowser(t, env)
	if got := anon.get("/console/audit-logs/" + rows[0][1]); got.status != http.StatusSeeOther {
		t.Errorf("anonymous details: %d", got.status)
	}
}
