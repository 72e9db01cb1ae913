package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/storetesting"
)

// These tests drive the real binary as a user would: built once, started
// as a process, talked to over HTTP, stopped with SIGTERM.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "monban-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "monban")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build monban: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cleanEnv is the environment without MONBAN_* settings of the developer's shell.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MONBAN_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = cleanEnv(env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
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

type serverProc struct {
	cmd            *exec.Cmd
	base           string
	stdout, stderr *lockedBuffer
	done           chan error
}

// startServer runs `monban serve` and waits until /healthz answers.
func startServer(t *testing.T, basePath string, args ...string) *serverProc {
	t.Helper()
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d%s", port, basePath)
	args = append([]string{"serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--endpoint", base}, args...)
	p := &serverProc{cmd: exec.Command(binary, args...), base: base, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, done: make(chan error, 1)}
	p.cmd.Env = cleanEnv()
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			t.Fatalf("server exited early: %v\nstdout:\n%s\nstderr:\n%s", err, p.stdout, p.stderr)
		default:
		}
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not become healthy\nstderr:\n%s", p.stderr)
	return nil
}

// stop sends SIGTERM and waits for a clean exit.
func (p *serverProc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("server exit after SIGTERM: %v\nstderr:\n%s", err, p.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop within 30s of SIGTERM")
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func jwksKids(t *testing.T, base string) []string {
	t.Helper()
	code, body := get(t, base+"/oidc/jwks")
	if code != 200 {
		t.Fatalf("GET /oidc/jwks = %d", code)
	}
	var doc struct {
		Keys []map[string]string `json:"keys"` // every member a string (spec: the Go SDK decodes it so)
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("JWKS is not a map of strings: %v\n%s", err, body)
	}
	var kids []string
	for _, k := range doc.Keys {
		kids = append(kids, k["kid"])
	}
	if len(kids) == 0 {
		t.Fatal("JWKS has no keys")
	}
	return kids
}

func pgSchemaDSN(t *testing.T) string { return storetesting.PostgresDSN(t) }

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
