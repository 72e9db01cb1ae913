// Package clients runs Logto's official SDKs, unchanged, against a real
// `monban serve` process: the Node SDK (@logto/node, driven by
// tests/node/signin.mjs) and the Python SDK inside the seed guide's Flask app
// (tests/python/seed_app.py). Only the endpoint differs from what a Logto
// user would write.
//
// The SDKs are installed by `make deps` (CI: .ci/run): node_modules in
// tests/node, a virtualenv in tests/python/.venv. Without them the tests skip,
// except under CI=true, where they fail.
package clients

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binary   string // the monban binary built by TestMain
	repoRoot string
)

func TestMain(m *testing.M) {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	repoRoot = filepath.Clean(filepath.Join(wd, "..", ".."))
	if _, err := os.Stat(filepath.Join(repoRoot, "go.mod")); err != nil {
		fmt.Fprintf(os.Stderr, "repository root not found from %s: %v\n", wd, err)
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "monban-clients-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "monban")
	build := exec.Command("go", "build", "-o", binary, "./cmd/monban")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build monban: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// requireTool skips the test when a client runtime is not installed, or
// fails it under CI=true (CI installs them, so a missing one is a CI bug).
func requireTool(t *testing.T, what, hint string) {
	t.Helper()
	msg := fmt.Sprintf("%s is not installed; run `make deps` (%s)", what, hint)
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true: " + msg)
	}
	t.Skip(msg)
}

// cleanEnv is the environment without the MONBAN_* settings of the
// developer's shell, plus extra.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MONBAN_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// proc is a child process in its own process group, killed (group and all)
// when the test ends.
type proc struct {
	name   string
	cmd    *exec.Cmd
	output *lockedBuffer
	done   chan struct{}
	err    error
}

func startProc(t *testing.T, name string, cmd *exec.Cmd) *proc {
	t.Helper()
	p := &proc{name: name, cmd: cmd, output: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.output, p.output
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.kill)
	return p
}

// kill ends the process group this test started and waits for the process.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitHTTP polls url until it answers 200 or the process dies.
func (p *proc) waitHTTP(t *testing.T, u string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if p.exited() {
			t.Fatalf("%s exited early: %v\n%s", p.name, p.err, p.output)
		}
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer %s within 30s\n%s", p.name, u, p.output)
}

// monban is a running `monban serve` with the reference scenario's
// application, a user and an API resource created through the CLI.
type monban struct {
	Endpoint, Issuer string
	DataDir          string
	AppID, AppSecret string
	UserID           string
	Username, Pass   string
	Resource         string
	proc             *proc
}

const (
	callbackURI   = "http://localhost:3000/callback" // the seed guide's redirect URI
	postLogoutURI = "http://localhost:3000/"
	apiResource   = "https://api.bookstore.example"
)

// startMonban starts the real binary on a free port with a fresh data
// directory. The endpoint uses the host name localhost, as the guide's Logto
// does (http://localhost:3001): a browser then shares cookies between the app
// on localhost:3000 and the identity server, and the tests do the same.
func startMonban(t *testing.T) *monban {
	t.Helper()
	port := freePort(t)
	m := &monban{Endpoint: fmt.Sprintf("http://localhost:%d", port), DataDir: t.TempDir(),
		Username: "alice", Pass: "correct horse battery", Resource: apiResource}
	m.Issuer = m.Endpoint + "/oidc"
	cmd := exec.Command(binary, "serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port),
		"--endpoint", m.Endpoint, "--data-dir", m.DataDir)
	cmd.Env = cleanEnv()
	m.proc = startProc(t, "monban serve", cmd)
	m.proc.waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/healthz", port))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("monban serve output:\n%s", m.proc.output)
		}
	})

	// The CLI works on the same data directory while the server runs.
	app := m.admin(t, "create-app", "--type", "traditional", "--name", "Bookstore",
		"--redirect-uri", callbackURI, "--post-logout-redirect-uri", postLogoutURI)
	m.AppID, m.AppSecret = app["id"], app["secret"]
	if m.AppID == "" || m.AppSecret == "" {
		t.Fatalf("create-app printed %v, want id and secret", app)
	}
	m.UserID = m.admin(t, "create-user", "--username", m.Username, "--password", m.Pass, "--email", "alice@example.com")["id"]
	if m.UserID == "" {
		t.Fatal("create-user printed no id")
	}
	if m.admin(t, "create-resource", "--name", "Bookstore API", "--indicator", m.Resource)["id"] == "" {
		t.Fatal("create-resource printed no id")
	}
	return m
}

// admin runs `monban admin SUB ARGS --data-dir DIR` and decodes its JSON.
func (m *monban) admin(t *testing.T, sub string, args ...string) map[string]string {
	t.Helper()
	cmd := exec.Command(binary, append(append([]string{"admin", sub}, args...), "--data-dir", m.DataDir)...)
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("monban admin %s: %v\n%s", sub, err, stderr.String())
	}
	var out map[string]string
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("monban admin %s: stdout is not one JSON object: %v\n%s", sub, err, stdout.String())
	}
	return out
}

// browser is an HTTP client with a cookie jar that never follows redirects
// by itself: the tests look at every hop.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is one response.
type page struct {
	Method   string
	URL      *url.URL
	Status   int
	Location *url.URL // resolved against URL; nil without a Location header
	Body     string
	Header   http.Header
}

func (p *page) String() string {
	s := fmt.Sprintf("%s %s -> %d", p.Method, p.URL, p.Status)
	if p.Location != nil {
		s += " Location: " + p.Location.String()
	}
	return s
}

func (b *browser) do(method, rawURL string, form url.Values) *page {
	b.t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		b.t.Fatal(err)
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u.String(), body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	p := &page{Method: method, URL: u, Status: resp.StatusCode, Body: string(raw), Header: resp.Header}
	if loc := resp.Header.Get("Location"); loc != "" {
		if p.Location, err = u.Parse(loc); err != nil {
			b.t.Fatalf("%s: bad Location %q: %v", p, loc, err)
		}
	}
	b.t.Logf("%s", p)
	return p
}

func (b *browser) get(u string) *page { b.t.Helper(); return b.do(http.MethodGet, u, nil) }

// redirect asserts p is a redirect and returns where it goes.
func (b *browser) redirect(p *page) *url.URL {
	b.t.Helper()
	if p.Status < 300 || p.Status > 399 || p.Location == nil {
		b.t.Fatalf("%s: want a redirect\n%s", p, p.Body)
	}
	return p.Location
}

var (
	formRe  = regexp.MustCompile(`(?is)<form[^>]*action="([^"]*)"`)
	inputRe = regexp.MustCompile(`(?is)<input[^>]*>`)
	attrRe  = regexp.MustCompile(`(?is)\b(name|value|type)="([^"]*)"`)
)

// form is the first form of an HTML page: its action and its inputs.
type form struct {
	Action string
	Values url.Values
	Types  map[string]string // input name -> type
}

func parseForm(html string) *form {
	m := formRe.FindStringSubmatch(html)
	if m == nil {
		return nil
	}
	f := &form{Action: unescape(m[1]), Values: url.Values{}, Types: map[string]string{}}
	for _, in := range inputRe.FindAllString(html, -1) {
		var name, value, typ string
		for _, a := range attrRe.FindAllStringSubmatch(in, -1) {
			switch strings.ToLower(a[1]) {
			case "name":
				name = unescape(a[2])
			case "value":
				value = unescape(a[2])
			case "type":
				typ = strings.ToLower(a[2])
			}
		}
		if name != "" {
			f.Values.Set(name, value)
			f.Types[name] = typ
		}
	}
	return f
}

func unescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}
