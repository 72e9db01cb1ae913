package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestServeFirstStartAndRestart: the README's first command on a fresh
// directory, then a restart on the same directory keeps data, secret and keys.
func TestServeFirstStartAndRestart(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "monban-data")
	p := startServer(t, "", "--data-dir", dataDir)

	for path, want := range map[string]int{"/api/status": 204, "/healthz": 200, "/readyz": 200, "/metrics": 200} {
		if code, _ := get(t, p.base+path); code != want {
			t.Errorf("GET %s = %d, want %d", path, code, want)
		}
	}
	_, metrics := get(t, p.base+"/metrics")
	if !strings.Contains(metrics, `monban_http_requests_total{code="204",method="GET",route="GET /api/status"}`) {
		t.Errorf("/metrics lacks the per-route request count:\n%s", grepLines(metrics, "monban_http_requests_total"))
	}
	for _, want := range []string{"/oidc/.well-known/openid-configuration", "/console", "/sign-in", p.base + "/oidc"} {
		if !strings.Contains(p.stdout.String(), want) {
			t.Errorf("start-up banner lacks %q:\n%s", want, p.stdout)
		}
	}
	kids := jwksKids(t, p.base)

	assertMode(t, dataDir, 0o700)
	assertMode(t, filepath.Join(dataDir, "master.key"), 0o600)
	assertMode(t, filepath.Join(dataDir, "monban.db"), 0o600)
	secret1, _ := os.ReadFile(filepath.Join(dataDir, "master.key"))

	// admin works while the server runs on the same database.
	r := runCLI(t, nil, "admin", "create-user", "--username", "keeper", "--password", "a long password", "--data-dir", dataDir)
	if r.code != 0 {
		t.Fatalf("create-user while serving: exit %d: %s", r.code, r.stderr)
	}

	p.stop(t)
	if !strings.Contains(p.stderr.String(), "database closed") {
		t.Errorf("SIGTERM did not close the database cleanly:\n%s", p.stderr)
	}

	p2 := startServer(t, "", "--data-dir", dataDir)
	defer p2.stop(t)
	if got := jwksKids(t, p2.base); !slices.Equal(got, kids) {
		t.Errorf("JWKS kids changed across restart: %v -> %v", kids, got)
	}
	secret2, _ := os.ReadFile(filepath.Join(dataDir, "master.key"))
	if string(secret1) != string(secret2) || len(secret1) == 0 {
		t.Error("master secret changed across restart")
	}
	// The user created before the restart is still there: its username is taken.
	r = runCLI(t, nil, "admin", "create-user", "--username", "KEEPER", "--password", "a long password", "--data-dir", dataDir)
	if r.code != 2 || !strings.Contains(r.stderr, "--username") || !strings.Contains(r.stderr, "already in use") {
		t.Errorf("user lost across restart? create-user again: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestServeUnderPathPrefix(t *testing.T) {
	p := startServer(t, "/auth", "--data-dir", t.TempDir())
	defer p.stop(t)
	if code, _ := get(t, p.base+"/api/status"); code != 204 {
		t.Errorf("GET /auth/api/status = %d, want 204", code)
	}
	root := strings.TrimSuffix(p.base, "/auth")
	if code, _ := get(t, root+"/api/status"); code != 404 {
		t.Errorf("GET /api/status outside the prefix = %d, want 404", code)
	}
	jwksKids(t, p.base)
	if !strings.Contains(p.stdout.String(), p.base+"/oidc/.well-known/openid-configuration") {
		t.Errorf("banner does not carry the prefix:\n%s", p.stdout)
	}
}

func TestServeOnPostgres(t *testing.T) {
	dsn := pgSchemaDSN(t)
	p := startServer(t, "", "--database", dsn, "--master-secret", strings.Repeat("s3cr3t-", 8))
	kids := jwksKids(t, p.base)
	if code, _ := get(t, p.base+"/readyz"); code != 200 {
		t.Errorf("readyz on PostgreSQL = %d", code)
	}
	p.stop(t)
	p2 := startServer(t, "", "--database", dsn, "--master-secret", strings.Repeat("s3cr3t-", 8))
	if got := jwksKids(t, p2.base); !slices.Equal(got, kids) {
		t.Errorf("JWKS kids changed across restart on PostgreSQL: %v -> %v", kids, got)
	}
	p2.stop(t)

	// Another node with a different master secret refuses to start.
	r := runCLI(t, nil, "serve", "--database", dsn, "--master-secret", strings.Repeat("other-", 8), "--addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, "master secret does not match") {
		t.Errorf("wrong master secret: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestBadConfigurationNamesEveryProblem(t *testing.T) {
	r := runCLI(t, nil, "serve", "--data-dir", t.TempDir(), "--endpoint", "ftp://x", "--addr", "nope", "--log-format", "xml", "--database", "mysql://db")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2; stderr %q", r.code, r.stderr)
	}
	for _, name := range []string{"--endpoint", "--addr", "--log-format", "--database"} {
		if !strings.Contains(r.stderr, name) {
			t.Errorf("message does not name %s:\n%s", name, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
		t.Errorf("stack trace in the message:\n%s", r.stderr)
	}

	r = runCLI(t, []string{"MONBAN_PRODUCTION=true"}, "serve", "--data-dir", t.TempDir())
	if r.code != 2 || !strings.Contains(r.stderr, "MONBAN_MASTER_SECRET") {
		t.Errorf("production without master secret: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, nil, "serve", "--production", "--master-secret", "changeme", "--data-dir", t.TempDir())
	if r.code != 2 {
		t.Errorf("production with a default master secret: exit %d, want 2", r.code)
	}
	r = runCLI(t, nil, "serve", "--no-such-flag")
	if r.code != 2 || !strings.Contains(r.stderr, "no-such-flag") {
		t.Errorf("unknown flag: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, nil, "frobnicate")
	if r.code != 2 {
		t.Errorf("unknown command: exit %d", r.code)
	}
}

func TestUnreachableDatabaseIsAClearError(t *testing.T) {
	r := runCLI(t, nil, "serve", "--database", "postgres://monban@127.0.0.1:1/monban?sslmode=disable&connect_timeout=2",
		"--master-secret", strings.Repeat("x1", 20), "--addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, "connect to postgres database") || strings.Contains(r.stderr, "goroutine") {
		t.Errorf("unreachable database: exit %d, stderr %q", r.code, r.stderr)
	}
	// A data directory that cannot be created.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	r = runCLI(t, nil, "serve", "--data-dir", filepath.Join(file, "sub"), "--addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, "data") || strings.Contains(r.stderr, "goroutine") {
		t.Errorf("bad data dir: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestMigrateAndVersion(t *testing.T) {
	dir := t.TempDir()
	if r := runCLI(t, nil, "migrate", "--data-dir", dir); r.code != 0 || !strings.Contains(r.stdout, "up to date") {
		t.Errorf("migrate: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "monban.db")); err != nil {
		t.Errorf("migrate did not create the database: %v", err)
	}
	if r := runCLI(t, nil, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "monban ") {
		t.Errorf("version: %q", r.stdout)
	}
}

func TestKeysRotate(t *testing.T) {
	dir := t.TempDir()
	p := startServer(t, "", "--data-dir", dir)
	before := jwksKids(t, p.base)
	r := runCLI(t, nil, "keys", "rotate", "--data-dir", dir)
	if r.code != 0 {
		t.Fatalf("keys rotate: exit %d: %s", r.code, r.stderr)
	}
	var out struct{ Current string }
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || !slices.Contains(before, out.Current) {
		t.Fatalf("rotate promoted %q, which was not published before (%v): %v", out.Current, before, err)
	}
	p.stop(t)
	p = startServer(t, "", "--data-dir", dir)
	defer p.stop(t)
	after := jwksKids(t, p.base)
	for _, k := range before {
		if !slices.Contains(after, k) {
			t.Errorf("key %s left the JWKS at rotation; retired keys stay until their tokens expire", k)
		}
	}
	if len(after) != len(before)+1 {
		t.Errorf("JWKS after rotation has %d keys, want %d (a new next key)", len(after), len(before)+1)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", path, got, want)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
