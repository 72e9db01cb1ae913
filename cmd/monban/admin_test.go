package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// decodeOne asserts stdout is exactly one JSON object and decodes it.
func decodeOne(t *testing.T, r result) map[string]string {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	var obj map[string]string
	if err := dec.Decode(&obj); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\n%q", err, r.stdout)
	}
	if dec.More() {
		t.Fatalf("stdout has more than one JSON value: %q", r.stdout)
	}
	return obj
}

func TestAdminCommands(t *testing.T) {
	dir := t.TempDir()
	alnum := func(s string) bool {
		return s != "" && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == ""
	}

	m2m := decodeOne(t, runCLI(t, nil, "admin", "create-m2m-app", "--name", "ops", "--data-dir", dir))
	if !alnum(m2m["id"]) || len(m2m["secret"]) < 43 || !alnum(m2m["secret"]) {
		t.Errorf("create-m2m-app = %v", m2m)
	}
	web := decodeOne(t, runCLI(t, nil, "admin", "create-app", "--type", "traditional", "--name", "Bookstore",
		"--redirect-uri", "http://localhost:3000/callback", "--post-logout-redirect-uri", "http://localhost:3000/", "--data-dir", dir))
	if !alnum(web["id"]) || web["secret"] == "" || web["id"] == m2m["id"] {
		t.Errorf("create-app traditional = %v", web)
	}
	spa := decodeOne(t, runCLI(t, nil, "admin", "create-app", "--type", "spa", "--name", "SPA",
		"--redirect-uri", "http://localhost:5173/callback", "--data-dir", dir))
	if spa["id"] == "" || spa["secret"] != "" {
		t.Errorf("create-app spa must have no secret: %v", spa)
	}
	native := decodeOne(t, runCLI(t, nil, "admin", "create-app", "--type", "native", "--name", "App",
		"--redirect-uri", "io.monban.demo://callback", "--data-dir", dir))
	if native["secret"] != "" {
		t.Errorf("create-app native must have no secret: %v", native)
	}
	user := decodeOne(t, runCLI(t, []string{"MONBAN_DATA_DIR=" + dir}, "admin", "create-user", "--username", "admin",
		"--password", "correct horse battery", "--email", "admin@example.com", "--admin"))
	if !alnum(user["id"]) || len(user) != 1 {
		t.Errorf("create-user = %v", user)
	}

	for _, tc := range []struct {
		name  string
		args  []string
		wants []string
	}{
		{"unknown flag", []string{"admin", "create-app", "--colour", "red"}, []string{"colour"}},
		{"bad type", []string{"admin", "create-app", "--type", "robot", "--name", "x"}, []string{"--type"}},
		{"bad redirect", []string{"admin", "create-app", "--type", "spa", "--name", "x", "--redirect-uri", "javascript:alert(1)"}, []string{"--redirect-uri"}},
		{"missing password", []string{"admin", "create-user", "--username", "bob"}, []string{"--password"}},
		{"short password", []string{"admin", "create-user", "--username", "bob", "--password", "short"}, []string{"--password", "8"}},
		{"unknown subcommand", []string{"admin", "create-robot"}, []string{"create-robot"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, nil, append(tc.args, "--data-dir", dir)...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", r.code, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout must stay empty on error, got %q", r.stdout)
			}
			for _, w := range tc.wants {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q does not mention %q", r.stderr, w)
				}
			}
		})
	}
}

func TestAdminSignInExperience(t *testing.T) {
	dir := t.TempDir()
	r := runCLI(t, nil, "admin", "patch-sign-in-exp", "--json", `{"signInMode":"SignIn","color":{"primaryColor":"#123456"}}`, "--data-dir", dir)
	if r.code != 0 {
		t.Fatalf("patch: exit %d: %s", r.code, r.stderr)
	}
	r = runCLI(t, nil, "admin", "get-sign-in-exp", "--data-dir", dir)
	var got struct {
		SignInMode string `json:"signInMode"`
		Color      struct {
			PrimaryColor string `json:"primaryColor"`
		} `json:"color"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.SignInMode != "SignIn" || got.Color.PrimaryColor != "#123456" {
		t.Fatalf("get after patch: %v %q", err, r.stdout)
	}
	r = runCLI(t, nil, "admin", "patch-sign-in-exp", "--json", `{"signInMode":"Sometimes"}`, "--data-dir", dir)
	if r.code != 2 || !strings.Contains(r.stderr, "signInMode") || r.stdout != "" {
		t.Fatalf("invalid patch: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestAdminCreateConnector(t *testing.T) {
	dir := t.TempDir()
	r := runCLI(t, nil, "admin", "create-connector", "--connector-id", "patreon-universal",
		"--config", `{"clientId":"cid","clientSecret":"top-secret"}`, "--data-dir", dir)
	var out struct {
		ID string `json:"id"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &out) != nil || out.ID == "" {
		t.Fatalf("create-connector: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, nil, "admin", "create-connector", "--connector-id", "patreon-universal",
		"--config", `{"clientId":"cid"}`, "--data-dir", dir)
	if r.code != 2 || !strings.Contains(r.stderr, "config.clientSecret") || r.stdout != "" {
		t.Fatalf("missing secret: exit %d, stderr %q", r.code, r.stderr)
	}
}
