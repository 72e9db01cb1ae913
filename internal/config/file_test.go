package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadFile(t *testing.T) {
	tests := []struct {
		name, file, content string
		wantErr             string // substring; "" means success
		check               func(c Config) bool
	}{
		{"json", "m.json", `{"addr": ":1", "trusted_proxies": ["::1"], "production": true}`, "",
			func(c Config) bool { return c.Addr == ":1" && c.Production && c.TrustedProxies[0] == "::1" }},
		{"empty file", "m.yaml", "", "", func(c Config) bool { return c.Addr == Default().Addr }},
		{"only comments", "m.yaml", "# nothing yet\n", "", func(c Config) bool { return c.Addr == Default().Addr }},
		{"null keeps default", "m.yaml", "log_level:\naddr: ~\n", "",
			func(c Config) bool { return c.LogLevel == "info" && c.Addr == Default().Addr }},
		{"numeric-looking secret kept verbatim", "m.yaml", "master_secret: 0123456789012345678901234567890123\n", "",
			func(c Config) bool { return c.MasterSecret == "0123456789012345678901234567890123" }},
		{"proxies as comma string", "m.yaml", "trusted_proxies: 10.0.0.1, 10.0.0.2\n", "",
			func(c Config) bool { return len(c.TrustedProxies) == 2 }},
		{"unknown key", "m.yaml", "addr: :1\nfoo: bar\n", `line 2: unknown key "foo"`, nil},
		{"config key not allowed", "m.yaml", "config: other.yaml\n", `unknown key "config"`, nil},
		{"duplicate key", "m.yaml", "addr: :1\naddr: :2\n", "addr: key given twice", nil},
		{"list for scalar", "m.yaml", "addr: [a, b]\n", "addr: want a single value, got a list", nil},
		{"mapping for list", "m.yaml", "trusted_proxies: {a: b}\n", "trusted_proxies: want a list", nil},
		{"not a mapping", "m.yaml", "- a\n- b\n", "top level must be a mapping", nil},
		{"two documents", "m.yaml", "addr: :1\n---\naddr: :2\n", "single YAML document", nil},
		{"syntax error", "m.yaml", "addr: [\n", "config file", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.content)
			c, err := load(t, []string{"--config", path}, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !tt.check(c) {
				t.Errorf("unexpected config %+v", c)
			}
		})
	}

	_, err := load(t, nil, map[string]string{"MONBAN_CONFIG": filepath.Join(t.TempDir(), "missing.yaml")})
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: err = %v, want it to name the file", err)
	}
}
