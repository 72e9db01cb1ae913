package config

import (
	"bytes"
	"flag"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// envMap is a lookup function over a fixed environment.
func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// load registers the config flags on a fresh FlagSet, parses args and loads.
func load(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("monban", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("unrelated", "", "a subcommand's own flag, ignored by Load")
	f := RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("Parse(%q): %v", args, err)
	}
	return f.Load(envMap(env))
}

// writeFile writes a config file into a temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDefault(t *testing.T) {
	c := Default()
	want := Config{
		DataDir:         "./monban-data",
		Addr:            "127.0.0.1:3001",
		Endpoint:        "http://localhost:3001",
		LogFormat:       "text",
		LogLevel:        "info",
		SigningAlg:      "ES384",
		ShutdownTimeout: 15 * time.Second,
		MaxQueueWait:    20 * time.Millisecond,

		AuditLogRetention: 90 * 24 * time.Hour,
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Default() = %+v, want %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
	if !c.UsesSQLite() || c.Secure() || c.BasePath() != "" {
		t.Errorf("UsesSQLite=%v Secure=%v BasePath=%q", c.UsesSQLite(), c.Secure(), c.BasePath())
	}
	if got, want := c.SQLitePath(), filepath.Join("monban-data", "monban.db"); got != want {
		t.Errorf("SQLitePath() = %q, want %q", got, want)
	}
	loaded, err := load(t, nil, nil)
	if err != nil || !reflect.DeepEqual(loaded, want) {
		t.Errorf("Load with nothing set = %+v, %v; want defaults", loaded, err)
	}
}

func TestPrecedence(t *testing.T) {
	file := writeFile(t, "monban.yaml", `
log_level: debug
addr: 0.0.0.0:4000
production: true
trusted_proxies: [10.0.0.0/8, 192.168.1.1]
shutdown_timeout: 30s
db_max_open_conns: 5
endpoint: https://file.example.com/
`)
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(c *Config) // applied to Default()
	}{
		{"defaults", nil, nil, func(c *Config) {}},
		{"file over default", nil, map[string]string{"MONBAN_CONFIG": file}, func(c *Config) {
			c.ConfigFile = file
			c.LogLevel, c.Addr, c.Production = "debug", "0.0.0.0:4000", true
			c.TrustedProxies = []string{"10.0.0.0/8", "192.168.1.1"}
			c.ShutdownTimeout, c.DBMaxOpenConns = 30*time.Second, 5
			c.Endpoint = "https://file.example.com"
		}},
		{"env over file", nil, map[string]string{
			"MONBAN_CONFIG": file, "MONBAN_LOG_LEVEL": "WARN", "MONBAN_PRODUCTION": "false",
			"MONBAN_TRUSTED_PROXIES": " 127.0.0.1 ,, ::1", "MONBAN_SHUTDOWN_TIMEOUT": "1m",
		}, func(c *Config) {
			c.ConfigFile = file
			c.LogLevel, c.Addr = "warn", "0.0.0.0:4000"
			c.TrustedProxies = []string{"127.0.0.1", "::1"}
			c.ShutdownTimeout, c.DBMaxOpenConns = time.Minute, 5
			c.Endpoint = "https://file.example.com"
		}},
		{"flag over env over file", []string{"--log-level=error", "--addr", ":9000", "--db-max-open-conns=7"},
			map[string]string{"MONBAN_CONFIG": file, "MONBAN_LOG_LEVEL": "warn", "MONBAN_ADDR": ":8000"},
			func(c *Config) {
				c.ConfigFile = file
				c.LogLevel, c.Addr, c.Production = "error", ":9000", true
				c.TrustedProxies = []string{"10.0.0.0/8", "192.168.1.1"}
				c.ShutdownTimeout, c.DBMaxOpenConns = 30*time.Second, 7
				c.Endpoint = "https://file.example.com"
			}},
		{"flag set to the default still wins", []string{"--log-level=info", "--production=false", "--trusted-proxies="},
			map[string]string{"MONBAN_LOG_LEVEL": "debug", "MONBAN_PRODUCTION": "1", "MONBAN_TRUSTED_PROXIES": "10.0.0.1"},
			func(c *Config) {}},
		{"bare bool flag", []string{"--production"}, nil, func(c *Config) { c.Production = true }},
		{"empty env var counts as unset", nil,
			map[string]string{"MONBAN_CONFIG": file, "MONBAN_LOG_LEVEL": "", "MONBAN_DB_MAX_OPEN_CONNS": ""},
			func(c *Config) {
				c.ConfigFile = file
				c.LogLevel, c.Addr, c.Production = "debug", "0.0.0.0:4000", true
				c.TrustedProxies = []string{"10.0.0.0/8", "192.168.1.1"}
				c.ShutdownTimeout, c.DBMaxOpenConns = 30*time.Second, 5
				c.Endpoint = "https://file.example.com"
			}},
		{"--config flag over MONBAN_CONFIG", []string{"--config", file},
			map[string]string{"MONBAN_CONFIG": "/does/not/exist.yaml"},
			func(c *Config) {
				c.ConfigFile = file
				c.LogLevel, c.Addr, c.Production = "debug", "0.0.0.0:4000", true
				c.TrustedProxies = []string{"10.0.0.0/8", "192.168.1.1"}
				c.ShutdownTimeout, c.DBMaxOpenConns = 30*time.Second, 5
				c.Endpoint = "https://file.example.com"
			}},
		{"normalisation", []string{"--signing-alg=es256", "--log-format=JSON", "--endpoint=https://x.example/auth//"}, nil,
			func(c *Config) { c.SigningAlg, c.LogFormat, c.Endpoint = "ES256", "json", "https://x.example/auth" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := Default()
			tt.want(&want)
			got, err := load(t, tt.args, tt.env)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Load =\n %+v\nwant\n %+v", got, want)
			}
		})
	}
}

func TestEndpointDerived(t *testing.T) {
	tests := []struct {
		endpoint, basePath, issuer, jwks string
		secure                           bool
	}{
		{"http://localhost:3001", "", "http://localhost:3001/oidc", "http://localhost:3001/oidc/jwks", false},
		{"https://example.com/auth/", "/auth", "https://example.com/auth/oidc", "https://example.com/auth/oidc/jwks", true},
		{"https://example.com/a/b", "/a/b", "https://example.com/a/b/oidc", "https://example.com/a/b/oidc/jwks", true},
	}
	for _, tt := range tests {
		c, err := load(t, []string{"--endpoint", tt.endpoint}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(c.Endpoint, "/") {
			t.Errorf("%s: Endpoint %q kept its trailing slash", tt.endpoint, c.Endpoint)
		}
		if got := c.BasePath(); got != tt.basePath {
			t.Errorf("%s: BasePath() = %q, want %q", tt.endpoint, got, tt.basePath)
		}
		if got := c.Issuer(); got != tt.issuer {
			t.Errorf("%s: Issuer() = %q, want %q", tt.endpoint, got, tt.issuer)
		}
		if got := c.URL("/oidc/jwks"); got != tt.jwks {
			t.Errorf("%s: URL(/oidc/jwks) = %q, want %q", tt.endpoint, got, tt.jwks)
		}
		if got := c.URL("oidc/jwks"); got != tt.jwks {
			t.Errorf("%s: URL(oidc/jwks) = %q, want %q", tt.endpoint, got, tt.jwks)
		}
		if got := c.Secure(); got != tt.secure {
			t.Errorf("%s: Secure() = %v, want %v", tt.endpoint, got, tt.secure)
		}
	}
}

func TestLoadErrorsReportedTogether(t *testing.T) {
	file := writeFile(t, "monban.yaml", "data-dir: /x\nlog_levle: debug\nshutdown_timeout: 15\n")
	_, err := load(t, nil, map[string]string{
		"MONBAN_CONFIG":            file,
		"MONBAN_PRODUCTION":        "maybe",
		"MONBAN_SHUTDOWN_TIMEOUT":  "abc",
		"MONBAN_DB_MAX_OPEN_CONNS": "ten",
	})
	if err == nil {
		t.Fatal("Load succeeded, want errors")
	}
	for _, want := range []string{
		`MONBAN_PRODUCTION: invalid boolean "maybe"`,
		`MONBAN_SHUTDOWN_TIMEOUT: invalid duration "abc"`,
		`MONBAN_DB_MAX_OPEN_CONNS: invalid integer "ten"`,
		`line 1: unknown key "data-dir" (did you mean "data_dir"?)`,
		`line 2: unknown key "log_levle"`,
		`line 3: shutdown_timeout: invalid duration "15"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestFlags(t *testing.T) {
	fs := flag.NewFlagSet("monban", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	RegisterFlags(fs)
	if err := fs.Parse([]string{"--shutdown-timeout=abc"}); err == nil {
		t.Error("Parse(--shutdown-timeout=abc) succeeded, want error")
	}
	out.Reset()
	fs.PrintDefaults()
	for _, want := range []string{"-data-dir directory", "MONBAN_DATA_DIR", "./monban-data", "MONBAN_SHUTDOWN_TIMEOUT", "15s", "-production"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}

	var nilFlags *Flags
	c, err := nilFlags.Load(envMap(map[string]string{"MONBAN_ADDR": ":1"}))
	if err != nil || c.Addr != ":1" {
		t.Errorf("nil Flags Load = %+v, %v", c, err)
	}
}

func TestParsedTrustedProxies(t *testing.T) {
	c := Default()
	c.TrustedProxies = []string{"10.0.0.1", "10.1.2.3/8", "::1", "2001:db8::/32", "::ffff:192.0.2.1", "bogus"}
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.1/32"),
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128"),
		netip.MustParsePrefix("2001:db8::/32"),
		netip.MustParsePrefix("192.0.2.1/32"),
	}
	if got := c.ParsedTrustedProxies(); !reflect.DeepEqual(got, want) {
		t.Errorf("ParsedTrustedProxies() = %v, want %v", got, want)
	}
	if got := Default().ParsedTrustedProxies(); len(got) != 0 {
		t.Errorf("default ParsedTrustedProxies() = %v, want none", got)
	}
}

func TestAuditLogRetention(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want time.Duration
	}{
		{nil, map[string]string{"MONBAN_AUDIT_LOG_RETENTION": "720h"}, 720 * time.Hour},
		{[]string{"--audit-log-retention=0"}, map[string]string{"MONBAN_AUDIT_LOG_RETENTION": "720h"}, 0},
		{nil, nil, 90 * 24 * time.Hour},
	} {
		c, err := load(t, tc.args, tc.env)
		if err != nil || c.AuditLogRetention != tc.want {
			t.Errorf("args %q env %v: retention %s, %v; want %s", tc.args, tc.env, c.AuditLogRetention, err, tc.want)
		}
	}
}
