package browser

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

// The console's users, API resources, roles, audit-log and dashboard
// pages in a real Chromium.

// fill types value into the input or textarea sel (cleared first).
func fill(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`document.querySelector(%q).value = ""`, sel), nil),
		chromedp.SendKeys(sel, value, chromedp.ByQuery))
}

// TestConsoleUserAndPassword creates a user, is refused a weak password,
// then resets the password to a generated one shown once.
func TestConsoleUserAndPassword(t *testing.T) {
	ctx, env := consoleBrowser(t)
	run(t, ctx, chromedp.Navigate(env.Endpoint+"/console/users/new"), chromedp.WaitVisible(`input[name=username]`, chromedp.ByQuery))
	screenshots(t, ctx, "console-users-create")
	fill(t, ctx, `input[name=username]`, "ivy")
	fill(t, ctx, `input[name=email]`, "ivy@example.com")
	fill(t, ctx, `input[name=name]`, "Ivy Example")
	fill(t, ctx, `input[name=password]`, "password")
	submit(t, ctx, `form[action$="/console/users"]`, `#form-error`)
	if got := text(t, ctx, "#form-error"); !strings.Contains(got, "Password:") {
		t.Errorf("weak password: %q", got)
	}
	var kept string
	run(t, ctx, chromedp.Value(`input[name=username]`, &kept, chromedp.ByQuery))
	if kept != "ivy" {
		t.Errorf("username not kept: %q", kept)
	}
	screenshots(t, ctx, "console-users-create-error")
	fill(t, ctx, `input[name=password]`, "violet-Staple-93")
	submit(t, ctx, `form[action$="/console/users"]`, `#user-name`)
	if got := text(t, ctx, "#user-name"); got != "Ivy Example" {
		t.Errorf("details h1 %q", got)
	}
	u, err := env.D.Store.GetUserByUsername(context.Background(), "ivy")
	if err != nil {
		t.Fatal(err)
	}
	screenshots(t, ctx, "console-user-details")

	// Generate a new password: shown once, and it works.
	click(t, ctx, `button[value=generate]`, `#new-password`)
	pw := text(t, ctx, "#new-password")
	if err := env.D.Accounts.VerifyPassword(context.Background(), u.ID, pw); err != nil || len(pw) < 16 {
		t.Errorf("generated password %q: %v", pw, err)
	}
	screenshots(t, ctx, "console-user-new-password")
	run(t, ctx, chromedp.Navigate(env.Endpoint+"/console/users/"+u.ID), chromedp.WaitVisible(`#user-name`, chromedp.ByQuery))
	var shown bool
	run(t, ctx, chromedp.Evaluate(`document.querySelector("#new-password") !== null`, &shown))
	if shown {
		t.Error("the generated password is shown again")
	}
	run(t, ctx, chromedp.Navigate(env.Endpoint+"/console/users"), chromedp.WaitVisible(`#users`, chromedp.ByQuery))
	screenshots(t, ctx, "console-users")
}

// TestConsoleResourceRoleAssignment: an API resource with a permission, a
// role holding it, the role given to a user, all through the pages.
func TestConsoleResourceRoleAssignment(t *testing.T) {
	ctx, env := consoleBrowser(t)
	bob := env.User("bob", "correct horse battery")
	run(t, ctx, chromedp.Navigate(env.Endpoint+"/console/api-resources/new"), chromedp.WaitVisible(`input[name=indicator]`, chromedp.ByQuery))
	screenshots(t, ctx, "console-api-resources-create")
	fill(t, ctx, `input[name=name]`, "Bookstore API")
	fill(t, ctx, `input[name=indicator]`, "https://api.bookstore.example")
	fill(t, ctx, `input[name=accessTokenTtl]`, "900")
	submit(t, ctx, `form[action$="/console/api-resources"]`, `#resource-name`)
	fill(t, ctx, `input[name=permission]`, "read:books")
	fill(t, ctx, `input[name=permissionDescription]`, "Read the catalogue")
	submit(t, ctx, `form[action$="/permissions"]`, `#scopes`)
	screenshots(t, ctx, "console-api-resource-details")
	run(t, ctx, chromedp.Navigate(env.Endpoint+"/console/api-resources"), chromedp.WaitVisible(`#resources`, chromedp.ByQuery))
	screenshots(t, ctx, "console-api-resources")

	run(t, ctx, chromedp.Navigate(env.Endpoint+"/console/roles/new"), chromedp.WaitVisible(`input[name=name]`, chromedp.ByQuery))
	fill(t, ctx, `input[name=name]`, "Reader")
	fill(t, ctx, `input[name=description]`, "Reads the catalogue")
	run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("input[name=scopeIds]")].find(i => i.nextElementSibling.textContent.includes("read:books")).click()`, nil))
	screenshots(t, ctx, "console-roles-create")
	submit(t, ctx, `form[action$="/console/roles"]`, `#role-scopes`)
	if got := text(t, ctx, "#role-scopes"); !strings.Contains(got, "read:books") {
		t.Errorf("role permissions %q", got)
	}
	screenshots(t, ctx, "console-role-details")

	click(t, ctx, `nav.tabs a[href$="/assignments"]`, `input[name=search]`)
	fill(t, ctx, `input[name=search]`, "bob")
	submit(t, ctx, `form[role=search]`, `input[name=userIds]`)
	run(t, ctx, chromedp.Click(`input[name=userIds]`, chromedp.ByQuery))
	submit(t, ctx, `form[action$="/users"]`, `#role-users`)
	screenshots(t, ctx, "console-role-assignments")
	_, perms, err := env.D.Store.UserResourcePermissions(context.Background(), bob.ID, "https://api.bookstore.example")
	if err != nil || len(perms) != 1 || perms[0] != "read:books" {
		t.Fatalf("bob's permissions: %v %v", perms, err)
	}
	run(t, ctx, chromedp.Navigate(env.Endpoint+"/console/users/"+bob.ID+"/roles"), chromedp.WaitVisible(`#user-roles`, chromedp.ByQuery))
	if got := text(t, ctx, "#user-roles"); !strings.Contains(got, "Reader") {
		t.Errorf("bob's roles tab %q", got)
	}
	screenshots(t, ctx, "console-user-roles")
	run(t, ctx, chromedp.Navigate(env.Endpoint+"/console/roles"), chromedp.WaitVisible(`#roles`, chromedp.ByQuery))
	screenshots(t, ctx, "console-roles")
}

// TestConsoleAuditLogAfterSignIn: a sign-in on the hosted pages shows in
// the audit log, with its details.
func TestConsoleAuditLogAfterSignIn(t *testing.T) {
	ctx, env := consoleBrowser(t)
	app, _ := env.App(store.AppTraditional, "http://localhost:3000/callback")
	carol := env.User("carol", "correct horse battery")
	q := url.Values{"client_id": {app.ID}, "redirect_uri": {"http://localhost:3000/callback"}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"s"}}
	if _, err := env.Authorize(testenv.Browser(), env.Issuer+"/auth?"+q.Encode(), "carol", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(env.Endpoint+"/console/audit-logs"), chromedp.WaitVisible(`#logs`, chromedp.ByQuery))
	if got := text(t, ctx, "#logs"); !strings.Contains(got, "Sign in") || !strings.Contains(got, carol.ID) {
		t.Errorf("audit log %q", got)
	}
	screenshots(t, ctx, "console-audit-logs")
	run(t, ctx, chromedp.SetValue(`#result`, "Success", chromedp.ByQuery))
	fill(t, ctx, `input[name=logKey]`, "Interaction.SignIn.Submit")
	submit(t, ctx, `form[role=search]`, `#logs`)
	click(t, ctx, `#logs tbody a[href*="/console/audit-logs/"]`, `#payload`)
	if got := text(t, ctx, "#payload"); !strings.Contains(got, `"key": "Interaction.SignIn.Submit"`) || !strings.Contains(got, carol.ID) {
		t.Errorf("payload %q", got)
	}
	screenshots(t, ctx, "console-audit-log-details")
}

// TestConsoleDashboardCharts: the landing page after sign-in is the
// dashboard, with its two bar charts drawn.
func TestConsoleDashboardCharts(t *testing.T) {
	ctx, env := consoleBrowser(t)
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/console/dashboard") {
		t.Errorf("landed on %s after sign-in", loc)
	}
	dan := env.User("dan", "correct horse battery")
	// Two weeks of history, as the hosted pages would have recorded it:
	// sign-ins by three users, sign-ups by dan (four active users).
	now := time.Now().UTC()
	for i := range 14 {
		log := &audit.Service{Store: env.D.Store, Now: func() time.Time { return now.AddDate(0, 0, -i) }}
		for j := range (i*7)%11 + 1 {
			log.Record(context.Background(), audit.Entry{Key: audit.KeySignIn, UserID: fmt.Sprintf("%s-%d", dan.ID, j%3)})
		}
		for range (i * 5) % 4 {
			log.Record(context.Background(), audit.Entry{Key: audit.KeyRegister, UserID: dan.ID})
		}
	}
	run(t, ctx, chromedp.Navigate(env.Endpoint+"/console/dashboard"), chromedp.WaitVisible(`svg.chart`, chromedp.ByQuery))
	var bars int
	var width float64
	run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("svg.chart rect.bar").length`, &bars),
		chromedp.Evaluate(`document.querySelector("#chart-sign-ins").getBoundingClientRect().width`, &width))
	if bars != 28 || width < 300 {
		t.Errorf("%d bars, chart %v px wide", bars, width)
	}
	if got := text(t, ctx, "#total-users"); got != "2" {
		t.Errorf("total users %q", got)
	}
	var today string
	run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("#chart-sign-ins rect.bar")].pop().getAttribute("data-count")`, &today))
	if today != "1" || text(t, ctx, "#active-7") != "4" {
		t.Errorf("today's sign-ins %q, active users (7 days) %q", today, text(t, ctx, "#active-7"))
	}
	screenshots(t, ctx, "console-dashboard")
}
