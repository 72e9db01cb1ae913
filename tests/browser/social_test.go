package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/monban-dev/monban/internal/boot"
	"github.com/monban-dev/monban/internal/config"
	"github.com/monban-dev/monban/internal/connector/patreon/patreontest"
	"github.com/monban-dev/monban/internal/store"
)

// The reference scenario (/work/shared/seed): the guide's Flask app signs
// in with Patreon through a real `monban serve`, configured by the CLI, the
// connector pointed at a fake Patreon by --connector-endpoint-overrides.

const (
	seedURL          = "http://localhost:3000"
	seedCallback     = seedURL + "/callback"
	authenticated    = "認証されています"
	notAuthenticated = "認証されていません"
)

func repoRoot(t *testing.T) string {
	wd, _ := os.Getwd()
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

// seedPython is tests/python's virtualenv; without it the test skips,
// except under CI=true.
func seedPython(t *testing.T) string {
	t.Helper()
	py := filepath.Join(repoRoot(t), "tests", "python", ".venv", "bin", "python")
	if _, err := os.Stat(py); err == nil {
		if out, err := exec.Command(py, "-c", "import logto, flask, asgiref").CombinedOutput(); err == nil {
			return py
		} else {
			py = string(out)
		}
	}
	msg := "the Python virtualenv tests/python/.venv (logto, flask[async]) is missing: python3 -m venv tests/python/.venv && tests/python/.venv/bin/pip install -r tests/python/requirements.txt"
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true: " + msg)
	}
	t.Skip(msg)
	return ""
}

func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MONBAN_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// startCmd starts cmd in its own process group, killed at the end of t.
// syncBuffer is an output buffer a running process writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func startCmd(t *testing.T, name string, cmd *exec.Cmd) *syncBuffer {
	t.Helper()
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, out.String())
		}
	})
	return out
}

func waitHTTP(t *testing.T, u string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer within 30s", u)
}

type seedScenario struct {
	bin, dataDir, endpoint string
	fake                   *patreontest.Fake
	serveOut               *syncBuffer
	token                  string
}

func (s *seedScenario) admin(t *testing.T, args ...string) map[string]any {
	t.Helper()
	cmd := exec.Command(s.bin, append(append([]string{"admin"}, args...), "--data-dir", s.dataDir)...)
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("monban admin %v: %v\n%s", args, err, stderr.String())
	}
	var out map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("monban admin %v printed %q", args, stdout.String())
	}
	return out
}

func newSeedScenario(t *testing.T) *seedScenario {
	t.Helper()
	chromium(t)
	py := seedPython(t)
	if ln, err := net.Listen("tcp", "127.0.0.1:3000"); err != nil {
		t.Fatalf("port 3000 is taken (%v): the seed app's redirect URI is %s", err, seedCallback)
	} else {
		ln.Close()
	}
	s := &seedScenario{bin: filepath.Join(t.TempDir(), "monban"), dataDir: t.TempDir(), fake: patreontest.New(t)}
	build := exec.Command("go", "build", "-o", s.bin, "./cmd/monban")
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
	s.endpoint = fmt.Sprintf("http://localhost:%d", port)

	serve := exec.Command(s.bin, "serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--endpoint", s.endpoint, "--data-dir", s.dataDir)
	serve.Env = cleanEnv("MONBAN_CONNECTOR_ENDPOINT_OVERRIDES=patreon=" + s.fake.URL)
	s.serveOut = startCmd(t, "monban serve", serve)
	waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/healthz", port))

	// The guide's console steps, over the Management API exactly as a Logto
	// user's script would do them: the Flask app, Patreon, the experience.
	m2m := s.admin(t, "create-m2m-app", "--name", "setup script")
	s.token = s.managementToken(t, m2m["id"].(string), m2m["secret"].(string))
	app := s.api(t, "POST", "/api/applications", `{"name": "Bookstore", "type": "Traditional",
		"oidcClientMetadata": {"redirectUris": ["`+seedCallback+`"], "postLogoutRedirectUris": ["`+seedURL+`/"]}}`)
	conn := s.api(t, "POST", "/api/connectors", fmt.Sprintf(`{"connectorId": "patreon-universal", "config": {"clientId": %q, "clientSecret": %q}}`,
		s.fake.ClientID, s.fake.ClientSecret))
	s.api(t, "PATCH", "/api/sign-in-exp",
		`{"socialSignInConnectorTargets": ["patreon"], "signUp": {"identifiers": [], "password": false, "verify": false}}`)
	// Patreon's client has exactly the callback URL the README asks for.
	s.fake.Set(func(f *patreontest.Fake) { f.RegisteredRedirectURI = s.endpoint + "/callback/" + conn["id"].(string) })

	seed := exec.Command(py, "seed_app.py")
	seed.Dir = filepath.Join(repoRoot(t), "tests", "python")
	seed.Env = cleanEnv("MONBAN_ENDPOINT="+s.endpoint, "APP_ID="+app["id"].(string), "APP_SECRET="+app["secret"].(string),
		"PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1")
	startCmd(t, "seed_app.py", seed)
	waitHTTP(t, seedURL+"/")
	return s
}

// managementToken gets a Management API token with client_credentials, as
// Logto's docs describe.
func (s *seedScenario) managementToken(t *testing.T, id, secret string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {"https://default.logto.app/api"}, "scope": {"all"}}
	req, _ := http.NewRequest("POST", s.endpoint+"/oidc/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	s.do(t, req, &tok)
	if tok.AccessToken == "" {
		t.Fatal("no Management API token")
	}
	return tok.AccessToken
}

// api calls the Management API with the token and decodes the JSON answer.
func (s *seedScenario) api(t *testing.T, method, path, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, s.endpoint+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	out := map[string]any{}
	s.do(t, req, &out)
	return out
}

func (s *seedScenario) do(t *testing.T, req *http.Request, v any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s %s: %v in %s", req.Method, req.URL.Path, err, b)
	}
}

// store opens the deployment's database (as `monban admin` does, while
// the server runs).
func (s *seedScenario) store(t *testing.T) store.Store {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = s.dataDir
	cfg.Endpoint = s.endpoint
	d, err := boot.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d.Store
}

// waitText waits for the page's text to contain one of wants; it returns it.
func waitText(t *testing.T, ctx context.Context, wants ...string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var body string
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.readyState === "complete" && document.body ? document.body.innerText : ""`, &body)); err == nil {
			for _, w := range wants {
				if strings.Contains(body, w) {
					return w
				}
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("no page with %q (at %s): %q", wants, location(t, ctx), body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestSeedScenarioPatreon(t *testing.T) {
	s := newSeedScenario(t)
	if !strings.Contains(s.serveOut.String(), "connector endpoint override") || !strings.Contains(s.serveOut.String(), "patreon") {
		t.Errorf("serve did not warn about the override:\n%s", s.serveOut.String())
	}
	ctx := browser(t)

	t.Run("approve", func(t *testing.T) {
		run(t, ctx, chromedp.Navigate(seedURL+"/"))
		waitText(t, ctx, notAuthenticated)
		run(t, ctx, chromedp.Navigate(seedURL+"/sign-in"), chromedp.WaitVisible(`a[href$="/sign-in/social/patreon"]`, chromedp.ByQuery))
		if got := text(t, ctx, `a[href$="/sign-in/social/patreon"]`); got != "Continue with Patreon" {
			t.Errorf("button %q", got)
		}
		screenshots(t, ctx, "sign-in-patreon")
		run(t, ctx, chromedp.Click(`a[href$="/sign-in/social/patreon"]`, chromedp.ByQuery))
		// The seed app asks prompt=consent: authorize when asked.
		for i := 0; i < 2; i++ {
			var consent bool
			if waitText(t, ctx, authenticated, "Authorize") == authenticated {
				break
			}
			run(t, ctx, chromedp.Evaluate(`document.querySelector('button[value=allow]') !== null`, &consent))
			if consent {
				run(t, ctx, chromedp.Click(`button[value=allow]`, chromedp.ByQuery))
			}
		}
		waitText(t, ctx, authenticated)
		if !strings.HasPrefix(location(t, ctx), seedURL+"/") {
			t.Errorf("ended at %s", location(t, ctx))
		}
		st := s.store(t)
		ident, err := st.GetIdentity(context.Background(), "patreon", "32187")
		if err != nil {
			t.Fatalf("no patreon identity: %v", err)
		}
		u, err := st.GetUser(context.Background(), ident.UserID)
		if err != nil || u.PrimaryEmail != "patron@example.com" || u.Name != "Pat Patron" {
			t.Errorf("user %+v %v", u, err)
		}
	})

	t.Run("access_denied", func(t *testing.T) {
		ctx := browser(t) // a fresh browser: no session
		s.fake.Set(func(f *patreontest.Fake) {
			f.Deny = true
			f.User = patreontest.User{ID: "40404", Email: "declined@example.com", EmailVerified: true}
		})
		st := s.store(t)
		_, before, _ := st.ListUsers(context.Background(), store.Page{})
		run(t, ctx, chromedp.Navigate(seedURL+"/sign-in"), chromedp.WaitVisible(`a[href$="/sign-in/social/patreon"]`, chromedp.ByQuery))
		run(t, ctx, chromedp.Click(`a[href$="/sign-in/social/patreon"]`, chromedp.ByQuery))
		waitText(t, ctx, "You cancelled signing in with Patreon.")
		if !strings.HasPrefix(location(t, ctx), s.endpoint+"/sign-in") {
			t.Errorf("declined: at %s, want the sign-in page", location(t, ctx))
		}
		run(t, ctx, chromedp.WaitVisible(`a[href$="/sign-in/social/patreon"]`, chromedp.ByQuery))
		screenshots(t, ctx, "sign-in-patreon-declined")
		_, after, _ := st.ListUsers(context.Background(), store.Page{})
		if after != before {
			t.Errorf("users %d -> %d after declining", before, after)
		}
		if _, err := st.GetIdentity(context.Background(), "patreon", "40404"); err == nil {
			t.Error("an identity was created")
		}
		run(t, ctx, chromedp.Navigate(seedURL+"/"))
		waitText(t, ctx, notAuthenticated)
	})
}
