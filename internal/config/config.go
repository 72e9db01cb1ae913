package config

import (
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// Config is the complete configuration of a monban process. Build it with
// [Flags.Load] (or start from [Default]) and check it with [Config.Validate]
// before use; the accessor methods assume a valid Config.
type Config struct {
	ConfigFile      string        // --config / MONBAN_CONFIG: optional YAML file path
	DataDir         string        // --data-dir / MONBAN_DATA_DIR, default "./monban-data"
	Addr            string        // --addr / MONBAN_ADDR, listen address, default "127.0.0.1:3001"
	Endpoint        string        // --endpoint / MONBAN_ENDPOINT, public base URL, default "http://localhost:3001"; stored without trailing slash
	Database        string        // --database / MONBAN_DATABASE, PostgreSQL DSN; "" means embedded SQLite in DataDir
	Production      bool          // --production / MONBAN_PRODUCTION
	MasterSecret    string        // --master-secret / MONBAN_MASTER_SECRET ("" => in non-production, generated and kept in DataDir by another package)
	LogFormat       string        // --log-format / MONBAN_LOG_FORMAT: "text" (default) or "json"
	LogLevel        string        // --log-level / MONBAN_LOG_LEVEL: debug, info (default), warn, error
	SigningAlg      string        // --signing-alg / MONBAN_SIGNING_ALG: ES384 (default), ES256, ES512, RS256, PS256
	TrustedProxies  []string      // --trusted-proxies / MONBAN_TRUSTED_PROXIES: IPs or CIDRs whose X-Forwarded-* headers are trusted; default none
	ShutdownTimeout time.Duration // --shutdown-timeout / MONBAN_SHUTDOWN_TIMEOUT, default 15s
	DBMaxOpenConns  int           // --db-max-open-conns / MONBAN_DB_MAX_OPEN_CONNS, default 0 = 32
	MaxInFlight     int           // --max-in-flight / MONBAN_MAX_IN_FLIGHT, default 0 = 32 per CPU
	EmailSMTPURL    string        // --email-smtp-url / MONBAN_EMAIL_SMTP_URL
	EmailWebhookURL string        // --email-webhook-url / MONBAN_EMAIL_WEBHOOK_URL
	SMSWebhookURL   string        // --sms-webhook-url / MONBAN_SMS_WEBHOOK_URL
	WebhookSecret   string        // --webhook-secret / MONBAN_WEBHOOK_SECRET
	MaxQueueWait    time.Duration // --max-queue-wait / MONBAN_MAX_QUEUE_WAIT, default 20ms
	// ConnectorEndpointOverrides: --connector-endpoint-overrides /
	// MONBAN_CONNECTOR_ENDPOINT_OVERRIDES, "target=base-URL,..." (see
	// EndpointOverrides); "" by default.
	ConnectorEndpointOverrides string
	// AuditLogRetention: --audit-log-retention / MONBAN_AUDIT_LOG_RETENTION,
	// how long audit log entries are kept; 0 keeps them forever. Default
	// DefaultAuditLogRetention.
	AuditLogRetention time.Duration
}

// DefaultAuditLogRetention is how long audit log entries are kept unless
// configured otherwise: 90 days. (Logto OSS keeps them until an operator
// deletes them; a bounded default keeps the table from growing forever.)
const DefaultAuditLogRetention = 90 * 24 * time.Hour

// Default returns the built-in defaults. They suit a developer running
// monban on their own machine: loopback listener, plain http, SQLite in the
// working directory. Production deployments are expected to override them.
func Default() Config {
	return Config{
		DataDir:         "./monban-data",
		Addr:            "127.0.0.1:3001",
		Endpoint:        "http://localhost:3001",
		LogFormat:       "text",
		LogLevel:        "info",
		SigningAlg:      "ES384",
		ShutdownTimeout: 15 * time.Second,
		MaxQueueWait:    20 * time.Millisecond,

		AuditLogRetention: DefaultAuditLogRetention,
	}
}

// normalize puts values into the one spelling the rest of Monban compares
// against, so that "Debug", "es256" or "https://x/" are not bugs elsewhere.
func (c *Config) normalize() {
	c.Endpoint = strings.TrimRight(c.Endpoint, "/")
	c.LogFormat = strings.ToLower(c.LogFormat)
	c.LogLevel = strings.ToLower(c.LogLevel)
	c.SigningAlg = strings.ToUpper(c.SigningAlg)
}

// Issuer is the OpenID Connect issuer identifier: Endpoint + "/oidc". It
// must match byte for byte what clients were configured with, which is why
// Endpoint is stored without a trailing slash.
func (c Config) Issuer() string {
	return c.URL("/oidc")
}

// URL joins the public endpoint and an absolute path, keeping the
// endpoint's path prefix: with Endpoint "https://example.com/auth",
// URL("/oidc/jwks") is "https://example.com/auth/oidc/jwks". A path without
// a leading slash gets one; URL("") is the endpoint itself.
func (c Config) URL(path string) string {
	base := strings.TrimRight(c.Endpoint, "/")
	if path != "" && !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return base + path
}

// BasePath is the endpoint's path prefix without trailing slash: "" for
// "http://localhost:3001", "/auth" for "https://example.com/auth/". The
// HTTP server mounts its routes under it when Monban sits behind a reverse
// proxy that forwards only a sub-path.
func (c Config) BasePath() string {
	u, err := url.Parse(c.Endpoint)
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

// SQLitePath is where the embedded database lives: DataDir/monban.db.
func (c Config) SQLitePath() string {
	return filepath.Join(c.DataDir, "monban.db")
}

// UsesSQLite reports whether no PostgreSQL DSN was given, in which case the
// embedded SQLite database at SQLitePath is used.
func (c Config) UsesSQLite() bool {
	return c.Database == ""
}

// Secure reports whether the public endpoint is https. Cookies are marked
// Secure only then, otherwise browsers would drop them on a plain-http
// development setup.
func (c Config) Secure() bool {
	u, err := url.Parse(c.Endpoint)
	return err == nil && u.Scheme == "https"
}

// ParsedTrustedProxies returns TrustedProxies as prefixes: CIDRs are masked
// ("10.1.2.3/8" becomes 10.0.0.0/8) and single IPs become /32 or /128
// (IPv4-mapped IPv6 addresses are unmapped first, so they match the IPv4
// peer addresses the server sees). Entries that do not parse are skipped,
// so this is only meaningful after Validate has succeeded.
func (c Config) ParsedTrustedProxies() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range c.TrustedProxies {
		if p, ok := parseProxy(s); ok {
			out = append(out, p)
		}
	}
	return out
}

// parseProxy parses one TrustedProxies entry. Zoned IPv6 addresses are
// refused: a prefix cannot carry a zone, so it would never match.
func parseProxy(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}
