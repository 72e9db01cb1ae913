package config

import (
	"strings"
	"testing"
	"time"
)

const goodSecret = "q3Vb7yWm1XoE9rTt5LkP2sJd8HfG4cNz6AaBbCcDdEeFf"

func TestValidateReportsEveryField(t *testing.T) {
	c := Config{
		DataDir:         " ",
		Addr:            "localhost",
		Endpoint:        "ftp://x",
		Database:        "mysql://root:hunter2@db/monban",
		MasterSecret:    "short",
		LogFormat:       "xml",
		LogLevel:        "trace",
		SigningAlg:      "HS256",
		TrustedProxies:  []string{"10.0.0.1", "not-an-ip", "10.0.0.0/33"},
		ShutdownTimeout: 0,
		DBMaxOpenConns:  -1,
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want errors")
	}
	msg := err.Error()
	for _, want := range []string{
		"--data-dir (MONBAN_DATA_DIR): must not be empty",
		`--addr (MONBAN_ADDR): must be host:port`,
		`--endpoint (MONBAN_ENDPOINT): must be an absolute http or https URL, got "ftp://x"`,
		`--database (MONBAN_DATABASE): only PostgreSQL DSNs are accepted`,
		"--master-secret (MONBAN_MASTER_SECRET): must be at least 32 characters",
		`--log-format (MONBAN_LOG_FORMAT): must be one of text, json, got "xml"`,
		`--log-level (MONBAN_LOG_LEVEL): must be one of debug, info, warn, error, got "trace"`,
		`--signing-alg (MONBAN_SIGNING_ALG): must be one of ES256, ES384, ES512, RS256, PS256, got "HS256"`,
		`--trusted-proxies (MONBAN_TRUSTED_PROXIES): want IP addresses or CIDRs (e.g. 10.0.0.1 or 10.0.0.0/8), got "not-an-ip", "10.0.0.0/33"`,
		"--shutdown-timeout (MONBAN_SHUTDOWN_TIMEOUT): must be positive",
		"--db-max-open-conns (MONBAN_DB_MAX_OPEN_CONNS): must be 0",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q", want)
		}
	}
	if n := strings.Count(msg, "\n") + 1; n != 11 {
		t.Errorf("got %d problems, want 11 (one per field):\n%s", n, msg)
	}
	if strings.Contains(msg, "hunter2") || strings.Contains(msg, "short") {
		t.Errorf("error leaks a secret:\n%s", msg)
	}
}

func TestValidateField(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(c *Config)
		wantErr string // substring; "" means valid
	}{
		{"addr empty host", func(c *Config) { c.Addr = ":3001" }, ""},
		{"addr ipv6", func(c *Config) { c.Addr = "[::1]:0" }, ""},
		{"addr port too big", func(c *Config) { c.Addr = ":65536" }, "--addr"},
		{"addr named port", func(c *Config) { c.Addr = "localhost:http" }, "--addr"},
		{"endpoint with prefix", func(c *Config) { c.Endpoint = "https://example.com/auth" }, ""},
		{"endpoint relative", func(c *Config) { c.Endpoint = "/auth" }, "absolute http or https URL"},
		{"endpoint no host", func(c *Config) { c.Endpoint = "http://:3001" }, "absolute http or https URL"},
		{"endpoint query", func(c *Config) { c.Endpoint = "https://x.example/?a=b" }, "must not contain a query"},
		{"endpoint fragment", func(c *Config) { c.Endpoint = "https://x.example/#top" }, "must not contain a fragment"},
		{"endpoint userinfo", func(c *Config) { c.Endpoint = "https://u:p@x.example" }, "must not contain user credentials"},
		{"database url", func(c *Config) { c.Database = "postgres://u:p@db/monban?sslmode=disable" }, ""},
		{"database postgresql url", func(c *Config) { c.Database = "PostgreSQL://db/monban" }, ""},
		{"database key=value", func(c *Config) { c.Database = "host=db user=monban dbname=monban" }, ""},
		{"database key = value", func(c *Config) { c.Database = "dbname = monban" }, ""},
		{"database sqlite", func(c *Config) { c.Database = "sqlite:foo.db" }, `got scheme "sqlite"`},
		{"database file path", func(c *Config) { c.Database = "./monban.db" }, "empty for the embedded SQLite"},
		{"proxies ok", func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/8", "::1", "fd00::/8"} }, ""},
		{"proxy with zone", func(c *Config) { c.TrustedProxies = []string{"fe80::1%eth0"} }, "--trusted-proxies"},
		{"secret 32 chars", func(c *Config) { c.MasterSecret = strings.Repeat("ab", 16) }, ""},
		{"secret 31 chars", func(c *Config) { c.MasterSecret = strings.Repeat("ab", 15) + "c" }, "at least 32"},
		{"audit log retention forever", func(c *Config) { c.AuditLogRetention = 0 }, ""},
		{"audit log retention negative", func(c *Config) { c.AuditLogRetention = -time.Hour }, "--audit-log-retention (MONBAN_AUDIT_LOG_RETENTION): must be 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.mod(&c)
			checkValidate(t, c, tt.wantErr)
		})
	}
}

func TestValidateProduction(t *testing.T) {
	tests := []struct {
		name, endpoint, secret string
		wantErr                string // substring; "" means valid
	}{
		{"good", "https://id.example.com", goodSecret, ""},
		{"http on localhost", "http://localhost:3001", goodSecret, ""},
		{"http on 127.0.0.2", "http://127.0.0.2:3001", goodSecret, ""},
		{"http on ::1", "http://[::1]:3001", goodSecret, ""},
		{"http on public host", "http://id.example.com", goodSecret, "--endpoint (MONBAN_ENDPOINT): must be https in production"},
		{"missing secret", "https://id.example.com", "", "is required in production; generate one with `openssl rand -base64 48`"},
		{"placeholder", "https://id.example.com", "ChangeMe", "well-known placeholder"},
		{"repeated placeholder", "https://id.example.com", strings.Repeat("master-secret", 3), "well-known placeholder"},
		{"repeated character", "https://id.example.com", strings.Repeat("x", 48), "openssl rand -base64 48"},
		{"short", "https://id.example.com", "Zx9", "at least 32 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.Production, c.Endpoint, c.MasterSecret = true, tt.endpoint, tt.secret
			checkValidate(t, c, tt.wantErr)
		})
	}

	// The same weak values are tolerated outside production, where an empty
	// secret is generated for the developer.
	c := Default()
	c.Endpoint = "http://id.example.com"
	for _, secret := range []string{"", strings.Repeat("x", 48)} {
		c.MasterSecret = secret
		checkValidate(t, c, "")
	}
}

func checkValidate(t *testing.T, c Config, wantErr string) {
	t.Helper()
	err := c.Validate()
	switch {
	case wantErr == "" && err != nil:
		t.Errorf("Validate() = %v, want nil", err)
	case wantErr != "" && err == nil:
		t.Errorf("Validate() = nil, want error containing %q", wantErr)
	case wantErr != "" && !strings.Contains(err.Error(), wantErr):
		t.Errorf("Validate() = %v, want error containing %q", err, wantErr)
	}
}
