package secretbox

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func skipOnWindows(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("Unix permission bits")
	}
}

func TestLoadOrCreateMasterSecretCreates(t *testing.T) {
	skipOnWindows(t)
	dir := filepath.Join(t.TempDir(), "state", "keys")
	secret, err := LoadOrCreateMasterSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 48 {
		t.Errorf("len(secret) = %d, want 48", len(secret))
	}
	if _, err := New(secret); err != nil {
		t.Errorf("New(secret): %v", err)
	}

	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := di.Mode().Perm(); perm != 0o700 {
		t.Errorf("dir mode = %o, want 700", perm)
	}
	path := filepath.Join(dir, "master.key")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode = %o, want 600", perm)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || !bytes.Equal(decoded, secret) {
		t.Errorf("file holds %q, want base64 of the secret", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("dir has %d entries, want only master.key (temp file left behind?)", len(entries))
	}

	again, err := LoadOrCreateMasterSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, secret) {
		t.Error("second call returned a different secret")
	}
}

func TestLoadOrCreateMasterSecretDistinctDirs(t *testing.T) {
	a, err := LoadOrCreateMasterSecret(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreateMasterSecret(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Error("two deployments got the same secret")
	}
}

func TestLoadOrCreateMasterSecretConcurrent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	const n = 10
	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		secrets [n][]byte
		errs    [n]error
	)
	for i := range n {
		wg.Go(func() {
			<-start
			secrets[i], errs[i] = LoadOrCreateMasterSecret(dir)
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if !bytes.Equal(secrets[i], secrets[0]) {
			t.Fatalf("goroutine %d got a different secret", i)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("dir has %d entries, want only master.key", len(entries))
	}
}

func TestLoadOrCreateMasterSecretFixesMode(t *testing.T) {
	skipOnWindows(t)
	dir := t.TempDir()
	want := bytes.Repeat([]byte{9}, 32)
	path := filepath.Join(dir, "master.key")
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(want)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // defeat umask
		t.Fatal(err)
	}
	got, err := LoadOrCreateMasterSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("existing secret not returned")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode = %o, want 600", perm)
	}
}

func TestLoadOrCreateMasterSecretExisting(t *testing.T) {
	secret := bytes.Repeat([]byte{5}, 40)
	enc := base64.StdEncoding.EncodeToString(secret)
	tests := []struct {
		name    string
		content string
		want    []byte
		wantErr string
	}{
		{"plain", enc, secret, ""},
		{"trailing newline", enc + "\n", secret, ""},
		{"surrounding space", "  " + enc + "\r\n", secret, ""},
		{"not base64", "this is not base64!!", nil, "not valid base64"},
		{"unpadded", strings.TrimRight(base64.StdEncoding.EncodeToString(make([]byte, 32)), "="), nil, "not valid base64"},
		{"too short", base64.StdEncoding.EncodeToString(make([]byte, 31)), nil, "need at least 32"},
		{"empty", "", nil, "need at least 32"},
		{"huge", strings.Repeat("A", 10000), nil, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "master.key")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := LoadOrCreateMasterSecret(dir)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatal("no error")
				}
				if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q should name %s and say %q", err, path, tt.wantErr)
				}
				// The corrupt file must be left for the operator.
				if data, _ := os.ReadFile(path); string(data) != tt.content {
					t.Error("corrupt file was modified")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("got %x, want %x", got, tt.want)
			}
		})
	}
}

func TestLoadOrCreateMasterSecretNotAFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "master.key"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateMasterSecret(dir); err == nil {
		t.Error("directory in place of master.key accepted")
	}
}
