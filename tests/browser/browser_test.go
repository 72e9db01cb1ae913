// Package browser drives the hosted pages with a real Chromium (Debian's
// chromium, headless) through chromedp, against a whole Monban deployment,
// and writes screenshots of every page to test-results/screenshots.
package browser

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

// chromium finds Debian's chromium; under CI=true its absence fails the run.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but chromium is not installed (.ci/run installs Debian's chromium)")
	}
	t.Skip("chromium not installed; apt-get install chromium to run the browser tests")
	return ""
}

// browser starts a headless Chromium with the flags this machine needs
// (no sandbox as root, no background networking: the network is closed).
func browser(t *testing.T) context.Context {
	t.Helper()
	// Not t.TempDir: Chromium may still be writing its profile when the test
	// ends, which would fail TempDir's strict clean-up.
	profile, err := os.MkdirTemp("", "monban-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// The branding test serves its logo from a local https server with
		// httptest's self-signed certificate.
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelT()
		cancelB()
		cancelA()
		os.RemoveAll(profile)
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// shotDir is where screenshots go (kept out of git).
func shotDir(t *testing.T) string {
	dir := filepath.Join("..", "..", "test-results", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshots saves the current page at desktop and phone width, light and
// dark.
func screenshots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, v := range []struct {
		suffix string
		width  int64
		height int64
		mobile bool
		scheme string
	}{
		{"desktop-light", 1280, 900, false, "light"},
		{"desktop-dark", 1280, 900, false, "dark"},
		{"phone-light", 390, 844, true, "light"},
		{"phone-dark", 390, 844, true, "dark"},
	} {
		var buf []byte
		err := chromedp.Run(ctx,
			emulation.SetDeviceMetricsOverride(v.width, v.height, 1, v.mobile),
			emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v.scheme}}),
			chromedp.FullScreenshot(&buf, 100), // quality 100 means PNG,
		)
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shotDir(t), name+"-"+v.suffix+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	chromedp.Run(ctx, emulation.ClearDeviceMetricsOverride(), emulation.SetEmulatedMedia())
}

// callbackServer is the application's redirect URI: it shows what it got.
func callbackServer(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<html><body><p id=code>%s</p><p id=error>%s</p></body></html>",
			r.URL.Query().Get("code"), r.URL.Query().Get("error"))
	}))
	t.Cleanup(s.Close)
	return s
}

type scene struct {
	env      *testenv.Env
	app      *store.Application
	callback string
}

func newScene(t *testing.T) *scene { return newSceneWith(t, testenv.Options{}) }

// newSceneWith is newScene with a deployment tuned by o (email connector,
// sign-in experience).
func newSceneWith(t *testing.T, o testenv.Options) *scene {
	env := testenv.New(t, o)
	cb := callbackServer(t)
	redirect := strings.Replace(cb.URL, "127.0.0.1", "localhost", 1) + "/callback"
	// Named as in the reference scenario: the screenshots show it.
	app, _, err := env.D.Applications.Create(context.Background(), application.NewApplication{Name: "Bookstore",
		Type: store.AppTraditional, RedirectURIs: []string{redirect}, PostLogoutRedirectURIs: []string{"http://localhost:3000/"}})
	if err != nil {
		t.Fatal(err)
	}
	return &scene{env: env, app: app, callback: redirect}
}

func (s *scene) authURL(extra url.Values) string {
	q := url.Values{"client_id": {s.app.ID}, "redirect_uri": {s.callback}, "response_type": {"code"},
		"scope": {"openid profile"}, "state": {"st"}, "prompt": {"consent"}}
	for k, v := range extra {
		q[k] = v
	}
	return s.env.Issuer + "/auth?" + q.Encode()
}

func location(t *testing.T, ctx context.Context) string {
	var loc string
	if err := chromedp.Run(ctx, chromedp.Location(&loc)); err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestSignInWithKeyboard: username and password typed and submitted with the
// keyboard only; the browser lands on the application's callback with a code.
func TestSignInWithKeyboard(t *testing.T) {
	s := newScene(t)
	s.env.User("alice", "correct horse battery")
	ctx := browser(t)
	if err := chromedp.Run(ctx, chromedp.Navigate(s.authURL(nil)), chromedp.WaitVisible(`input[name=identifier]`)); err != nil {
		t.Fatal(err)
	}
	screenshots(t, ctx, "sign-in")
	// Focus order: the identifier field first, then the password, then submit.
	err := chromedp.Run(ctx,
		chromedp.Focus(`input[name=identifier]`),
		chromedp.KeyEvent("alice"),
		chromedp.KeyEvent("\t"),
		chromedp.KeyEvent("correct horse battery"),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(`#code`),
	)
	if err != nil {
		t.Fatal(err)
	}
	var code string
	chromedp.Run(ctx, chromedp.Text(`#code`, &code))
	if loc := location(t, ctx); !strings.HasPrefix(loc, s.callback) || code == "" {
		t.Fatalf("after sign-in the browser is at %s with code %q", loc, code)
	}
}

// TestWrongPasswordShowsAlert: the error is in role=alert and the typed
// identifier is kept.
func TestWrongPasswordShowsAlert(t *testing.T) {
	s := newScene(t)
	s.env.User("alice", "correct horse battery")
	ctx := browser(t)
	var alert, kept string
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.authURL(nil)),
		chromedp.WaitVisible(`input[name=identifier]`),
		chromedp.SendKeys(`input[name=identifier]`, "alice"),
		chromedp.SendKeys(`input[name=password]`, "wrong password"),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`[role=alert]`),
		chromedp.Text(`[role=alert]`, &alert),
		chromedp.Value(`input[name=identifier]`, &kept),
	)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(alert) == "" || kept != "alice" {
		t.Fatalf("alert %q, identifier kept %q", alert, kept)
	}
	screenshots(t, ctx, "sign-in-error")
}

// TestRegisterFirstScreen: first_screen=register opens the registration page;
// a new account lands on the callback.
func TestRegisterFirstScreen(t *testing.T) {
	s := newScene(t)
	ctx := browser(t)
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.authURL(url.Values{"first_screen": {"register"}})),
		chromedp.WaitVisible(`input[name=username]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if loc := location(t, ctx); !strings.Contains(loc, "/register") {
		t.Fatalf("first_screen=register opened %s", loc)
	}
	screenshots(t, ctx, "register")
	err = chromedp.Run(ctx,
		chromedp.SendKeys(`input[name=username]`, "newreader"),
		chromedp.SendKeys(`input[name=password]`, "a long pass phrase 7"),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`#code`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.env.D.Store.GetUserByUsername(context.Background(), "newreader"); err != nil {
		t.Fatalf("registered user not stored: %v", err)
	}
}
