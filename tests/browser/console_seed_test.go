package browser

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/monban-dev/monban/internal/connector/patreon/patreontest"
)

// TestSeedScenarioThroughConsole is the reference scenario (/shared/seed)
// done in the console only, in a real Chromium against a real `monban
// serve`: the first administrator through the set-up page; "Bookstore"
// from the Flask card, its App ID and App Secret read from the guide page;
// Patreon added with its client id and secret and shown on the sign-in
// page; sign-up identifier "not applicable". Then the seed's Flask app,
// given exactly those values, signs in with Patreon (fake Patreon).
func TestSeedScenarioThroughConsole(t *testing.T) {
	chromium(t)
	py := seedPython(t)
	if ln, err := net.Listen("tcp", "127.0.0.1:3000"); err != nil {
		t.Fatalf("port 3000 is taken (%v): the seed app's redirect URI is %s", err, seedCallback)
	} else {
		ln.Close()
	}
	fake := patreontest.New(t)
	bin, dataDir := filepath.Join(t.TempDir(), "monban"), t.TempDir()
	build := exec.Command("go", "build", "-o", bin, "./cmd/monban")
	build.Dir = repoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build monban: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	endpoint := fmt.Sprintf("http://localhost:%d", port)
	serve := exec.Command(bin, "serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--endpoint", endpoint, "--data-dir", dataDir)
	serve.Env = cleanEnv("MONBAN_CONNECTOR_ENDPOINT_OVERRIDES=patreon=" + fake.URL)
	startCmd(t, "monban serve", serve)
	waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/healthz", port))

	ctx := browser(t)
	val := func(sel string) string {
		t.Helper()
		var v string
		run(t, ctx, chromedp.Value(sel, &v, chromedp.ByQuery))
		return v
	}

	// First start: the console sends to the one-time set-up page.
	run(t, ctx, chromedp.Navigate(endpoint+"/console"), chromedp.WaitVisible(`input[name=username]`, chromedp.ByQuery))
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/console/setup") {
		t.Fatalf("first start: at %s, want the set-up page", loc)
	}
	screenshots(t, ctx, "console-setup")
	run(t, ctx, chromedp.SendKeys(`input[name=username]`, "admin", chromedp.ByQuery),
		chromedp.SendKeys(`input[name=password]`, consolePassword, chromedp.ByQuery),
		chromedp.SendKeys(`input[name=confirm]`, consolePassword, chromedp.ByQuery))
	submit(t, ctx, `form[action$="/console/setup"]`, `nav.side`)

	// Applications > Create application > Traditional web > Flask.
	click(t, ctx, `nav.side a[href$="/console/applications"]`, `a[href$="/console/applications/new"]`)
	click(t, ctx, `a.button[href$="/console/applications/new"]`, `a[data-framework=flask]`)
	screenshots(t, ctx, "console-applications-catalogue")
	click(t, ctx, `a[data-framework=flask]`, `input[name=name]`)
	// Bad input first: no name. The field is named and the typed URIs stay.
	run(t, ctx, chromedp.SetValue(`textarea[name=redirectUris]`, seedCallback+"\nnot a uri", chromedp.ByQuery))
	submit(t, ctx, `form[action$="/console/applications"]`, `#form-error`)
	if got := text(t, ctx, "#form-error"); !strings.Contains(got, "Name:") || !strings.Contains(got, "Redirect URIs:") {
		t.Errorf("errors %q do not name the fields", got)
	}
	if got := val(`textarea[name=redirectUris]`); !strings.Contains(got, "not a uri") {
		t.Errorf("typed redirect URIs lost: %q", got)
	}
	screenshots(t, ctx, "console-applications-create-error")
	run(t, ctx, chromedp.SetValue(`textarea[name=redirectUris]`, seedCallback, chromedp.ByQuery),
		chromedp.SetValue(`textarea[name=postLogoutRedirectUris]`, seedURL+"/", chromedp.ByQuery),
		chromedp.SendKeys(`input[name=name]`, "Bookstore", chromedp.ByQuery))
	screenshots(t, ctx, "console-applications-create")
	submit(t, ctx, `form[action$="/console/applications"]`, `#app-secret`)
	// The guide: this deployment's endpoint, the app's id and secret.
	appID, appSecret := text(t, ctx, "#app-id"), text(t, ctx, "#app-secret")
	if len(appID) < 10 || len(appSecret) < 32 {
		t.Fatalf("guide shows id %q secret %q", appID, appSecret)
	}
	snippet := text(t, ctx, "#snippet-client")
	for _, want := range []string{`endpoint="` + endpoint + `"`, `appId="` + appID + `"`, `appSecret="` + appSecret + `"`} {
		if !strings.Contains(snippet, want) {
			t.Errorf("Flask snippet lacks %s:\n%s", want, snippet)
		}
	}
	screenshots(t, ctx, "console-applications-guide-flask")
	click(t, ctx, `a.button[href$="/console/applications/`+appID+`"]`, `#app-id`)
	if got := text(t, ctx, "#app-id"); got != appID {
		t.Errorf("details page App ID %q", got)
	}
	screenshots(t, ctx, "console-applications-details")

	// Connectors > Patreon: the form of its formItems.
	click(t, ctx, `nav.side a[href$="/console/connectors"]`, `a[data-factory=patreon-universal]`)
	click(t, ctx, `a[data-factory=patreon-universal]`, `input[name="config.clientId"]`)
	run(t, ctx, chromedp.SendKeys(`input[name="config.clientId"]`, fake.ClientID, chromedp.ByQuery))
	submit(t, ctx, `form[action$="/console/connectors"]`, `#form-error`)
	if got := text(t, ctx, "#form-error"); !strings.Contains(got, "Client Secret:") {
		t.Errorf("missing secret: errors %q", got)
	}
	if got := val(`input[name="config.clientId"]`); got != fake.ClientID {
		t.Errorf("typed client id lost: %q", got)
	}
	screenshots(t, ctx, "console-connectors-patreon-error")
	run(t, ctx, chromedp.SendKeys(`input[name="config.clientSecret"]`, fake.ClientSecret, chromedp.ByQuery))
	submit(t, ctx, `form[action$="/console/connectors"]`, `#callback-url`)
	callback := text(t, ctx, "#callback-url")
	if !strings.HasPrefix(callback, endpoint+"/callback/") {
		t.Fatalf("callback URL %q", callback)
	}
	fake.Set(func(f *patreontest.Fake) { f.RegisteredRedirectURI = callback })
	click(t, ctx, `#toggle-sign-in`, `#sign-in-state .badge.on`)
	screenshots(t, ctx, "console-connectors-patreon")

	// Sign-in experience: sign-up "not applicable" (social only).
	click(t, ctx, `nav.side a[href$="/console/sign-in-experience"]`, `select[name=signUpIdentifier]`)
	var patreonChecked bool
	run(t, ctx, chromedp.Evaluate(`document.querySelector('input[name=social][value=patreon]').checked`, &patreonChecked))
	if !patreonChecked {
		t.Error("Patreon is not ticked as a social button on the sign-in experience page")
	}
	run(t, ctx, chromedp.SetValue(`select[name=signUpIdentifier]`, "none", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('input[name=signUpPassword]').checked = false`, nil))
	submit(t, ctx, `#sie-form`, `p.alert.success`)
	if got := val(`select[name=signUpIdentifier]`); got != "none" {
		t.Errorf("sign-up identifier after save: %q", got)
	}
	waitPreview(t, ctx, "Continue with Patreon")
	screenshots(t, ctx, "console-sign-in-experience-patreon")

	// The seed's Flask app with the values read from the console.
	seed := exec.Command(py, "seed_app.py")
	seed.Dir = filepath.Join(repoRoot(t), "tests", "python")
	seed.Env = cleanEnv("MONBAN_ENDPOINT="+endpoint, "APP_ID="+appID, "APP_SECRET="+appSecret,
		"PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1")
	startCmd(t, "seed_app.py", seed)
	waitHTTP(t, seedURL+"/")
	app := browser(t) // the end user's browser
	run(t, app, chromedp.Navigate(seedURL+"/"))
	waitText(t, app, notAuthenticated)
	run(t, app, chromedp.Navigate(seedURL+"/sign-in"), chromedp.WaitVisible(`a[href$="/sign-in/social/patreon"]`, chromedp.ByQuery))
	run(t, app, chromedp.Click(`a[href$="/sign-in/social/patreon"]`, chromedp.ByQuery))
	waitText(t, app, authenticated)
	if !strings.HasPrefix(location(t, app), seedURL+"/") {
		t.Errorf("ended at %s", location(t, app))
	}
}

// waitPreview waits until the preview frame's document contains want.
func waitPreview(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		var body string
		_ = chromedp.Run(ctx, chromedp.Evaluate(`(() => { const d = document.getElementById('preview-frame').contentDocument; return d && d.body ? d.body.innerText : "" })()`, &body))
		if strings.Contains(body, want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("the preview never showed %q", want)
}
