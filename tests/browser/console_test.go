package browser

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/testenv"
)

// The admin console (/console) in a real Chromium.

const consolePassword = "correct horse battery"

// consoleBrowser starts a deployment with an administrator "root" and a
// browser signed in to its console through the sign-in page.
func consoleBrowser(t *testing.T) (context.Context, *testenv.Env) {
	t.Helper()
	chromium(t)
	env := testenv.New(t, testenv.Options{})
	if _, err := env.D.Accounts.CreateUser(context.Background(), account.NewUser{Username: "root",
		Password: consolePassword, IsAdmin: true}); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	consoleSignIn(t, ctx, env.Endpoint, "root", consolePassword)
	return ctx, env
}

// consoleSignIn signs in on the console's sign-in page.
func consoleSignIn(t *testing.T, ctx context.Context, endpoint, username, password string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(endpoint+"/console"), chromedp.WaitVisible(`input[name=identifier]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name=identifier]`, username, chromedp.ByQuery),
		chromedp.SendKeys(`input[name=password]`, password, chromedp.ByQuery))
	submit(t, ctx, `form[action$="/console/sign-in"]`, `nav.side`)
}

// TestConsolePages visits every page of the navigation, checks that the
// navigation is there, and takes screenshots.
func TestConsolePages(t *testing.T) {
	ctx, env := consoleBrowser(t)
	run(t, ctx, chromedp.Navigate(env.Endpoint+"/console/get-started"), chromedp.WaitVisible(`h1`, chromedp.ByQuery))
	screenshots(t, ctx, "console-get-started")
	for _, p := range []struct{ path, shot, h1 string }{
		{"/console/applications", "console-applications", "Applications"},
		{"/console/applications/new", "console-applications-new", "Create application"},
		{"/console/connectors", "console-connectors", "Connectors"},
		{"/console/sign-in-experience", "console-sign-in-experience", "Sign-in experience"},
		{"/console/users", "console-users", "Users"},
		{"/console/api-resources", "console-api-resources", "API resources"},
		{"/console/roles", "console-roles", "Roles"},
		{"/console/audit-logs", "console-audit-logs", "Audit logs"},
	} {
		run(t, ctx, chromedp.Navigate(env.Endpoint+p.path), chromedp.WaitVisible(`h1`, chromedp.ByQuery))
		if got := text(t, ctx, "h1"); !strings.Contains(got, p.h1) {
			t.Errorf("%s: h1 %q", p.path, got)
		}
		for _, nav := range []string{"Applications", "Connectors", "Sign-in experience", "Users", "API resources", "Roles", "Audit logs"} {
			var n int
			run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("nav.side a")].filter(a => a.textContent.trim() === `+"`"+nav+"`"+`).length`, &n))
			if n != 1 {
				t.Errorf("%s: nav link %q x%d", p.path, nav, n)
			}
		}
		screenshots(t, ctx, p.shot)
	}
}
