package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/storetesting"
)

// TestImportUsersCommand: monban admin import-users creates every user of
// a JSON Lines file or none, naming the line and field of each problem, on
// SQLite and on PostgreSQL.
func TestImportUsersCommand(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testImportUsersCommand(t, []string{"--data-dir", t.TempDir()}) })
	t.Run("postgres", func(t *testing.T) {
		testImportUsersCommand(t, []string{"--data-dir", t.TempDir(), "--database", storetesting.PostgresDSN(t)})
	})
}

func testImportUsersCommand(t *testing.T, where []string) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	importFile := func(path string) result {
		return runCLI(t, nil, append([]string{"admin", "import-users", "--file", path}, where...)...)
	}
	// md5("password") and a bcrypt of "password", as other servers export them.
	good := write("good.jsonl", `{"username":"ann","primaryEmail":"ann@example.com","passwordDigest":"5f4dcc3b5aa765d61d8327deb882cf99","passwordAlgorithm":"MD5","customData":{"plan":"pro"}}

{"username":"ben","name":"Ben","passwordDigest":"$2a$04$mkGyNh8TvYuODAroDKH28OFwaIPn6b.XA7ioQ93CNZcnd4GZyHYtS","passwordAlgorithm":"Bcrypt"}
{"primaryPhone":"+81900000002","password":"a plain password"}
`)
	r := importFile(good)
	var sum struct {
		Imported int      `json:"imported"`
		IDs      []string `json:"ids"`
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if r.code != 0 || dec.Decode(&sum) != nil || dec.More() || sum.Imported != 3 || len(sum.IDs) != 3 || sum.IDs[0] == "" {
		t.Fatalf("import: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	for _, tc := range []struct {
		name, content string
		wants         []string
	}{
		{"bad email on line 3", "{\"username\":\"cat\"}\n\n{\"username\":\"dan\",\"primaryEmail\":\"nope\"}\n", []string{"line 3", "primaryEmail"}},
		{"taken username on line 2", "{\"username\":\"eve\"}\n{\"username\":\"ANN\"}\n", []string{"line 2", "username", "already in use"}},
		{"bad digest", "{\"username\":\"fay\",\"passwordDigest\":\"xyz\",\"passwordAlgorithm\":\"SHA256\"}\n", []string{"line 1", "passwordDigest"}},
		{"unsupported algorithm", "{\"username\":\"gus\",\"passwordDigest\":\"xyz\",\"passwordAlgorithm\":\"Argon2d\"}\n", []string{"line 1", "passwordAlgorithm"}},
		{"not JSON", "{\"username\":\"hal\"}\nusername=ivy\n", []string{"line 2", "JSON"}},
		{"wrong type", "{\"username\":[1]}\n", []string{"line 1", "username"}},
		{"empty file", "\n\n", []string{"--file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := importFile(write(strings.ReplaceAll(tc.name, " ", "_")+".jsonl", tc.content))
			if r.code != 2 || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", r.code, r.stdout)
			}
			for _, w := range tc.wants {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q does not mention %q", r.stderr, w)
				}
			}
		})
	}
	if r := importFile(filepath.Join(dir, "missing.jsonl")); r.code != 2 || !strings.Contains(r.stderr, "--file") {
		t.Errorf("missing file: exit %d, stderr %q", r.code, r.stderr)
	}
	// All or nothing: the good lines of the refused files were not created,
	// so importing them now succeeds.
	r = importFile(write("again.jsonl", "{\"username\":\"cat\"}\n{\"username\":\"eve\"}\n{\"username\":\"hal\"}\n"))
	if r.code != 0 || !strings.Contains(r.stdout, `"imported":3`) {
		t.Errorf("good lines of refused files: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
