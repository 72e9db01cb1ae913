package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A field describes one setting once. Its flag name is the source of truth:
// the environment variable and the file key are derived from it (see env and
// key), and flags, environment and file all parse text through the same set
// function, so "true", "15s" or "10.0.0.0/8" mean the same everywhere.
type field struct {
	name   string                          // flag name, e.g. "data-dir"
	usage  string                          // help text; RegisterFlags appends the env var
	isBool bool                            // "--production" alone means "--production=true"
	list   bool                            // the file may give a YAML sequence
	set    func(c *Config, s string) error // parses s into c
	get    func(c *Config) string          // formats c's value, for help defaults
}

// configFlag names the setting that points at the file; it cannot appear
// inside the file itself.
const configFlag = "config"

// env is the environment variable for f, e.g. MONBAN_DATA_DIR.
func (f *field) env() string { return envName(f.name) }

// key is the config file key for f, e.g. data_dir.
func (f *field) key() string { return strings.ReplaceAll(f.name, "-", "_") }

func envName(flagName string) string {
	return "MONBAN_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// fields lists every setting, in the order help output shows them.
var fields = []*field{
	stringField(configFlag, "read settings from this YAML or JSON `file`; env vars and flags override it",
		func(c *Config) *string { return &c.ConfigFile }),
	stringField("data-dir", "`directory` for the SQLite database and generated secrets",
		func(c *Config) *string { return &c.DataDir }),
	stringField("addr", "listen `address` as host:port (empty host: all interfaces)",
		func(c *Config) *string { return &c.Addr }),
	stringField("endpoint", "public base `URL` as browsers and clients reach it, path prefix allowed; the issuer is URL/oidc",
		func(c *Config) *string { return &c.Endpoint }),
	stringField("database", "PostgreSQL `DSN` (postgres://... or host=... dbname=...); empty means embedded SQLite in the data dir",
		func(c *Config) *string { return &c.Database }),
	boolField("production", "refuse insecure settings: require https and a strong master secret",
		func(c *Config) *bool { return &c.Production }),
	stringField("master-secret", "`secret` (32+ characters) that encrypts keys at rest; empty outside production means generated in the data dir",
		func(c *Config) *string { return &c.MasterSecret }),
	stringField("log-format", "log `format`: text or json",
		func(c *Config) *string { return &c.LogFormat }),
	stringField("log-level", "log `level`: debug, info, warn or error",
		func(c *Config) *string { return &c.LogLevel }),
	stringField("signing-alg", "`algorithm` for new ID token signing keys: ES256, ES384, ES512, RS256 or PS256",
		func(c *Config) *string { return &c.SigningAlg }),
	listField("trusted-proxies", "comma-separated `list` of IPs or CIDRs of reverse proxies whose X-Forwarded-* headers are believed; empty trusts none",
		func(c *Config) *[]string { return &c.TrustedProxies }),
	durationField("shutdown-timeout", "how long in-flight requests get to finish on shutdown, as a Go `duration`",
		func(c *Config) *time.Duration { return &c.ShutdownTimeout }),
	intField("db-max-open-conns", "maximum `number` of open database connections; 0 means 32",
		func(c *Config) *int { return &c.DBMaxOpenConns }),
	intField("max-in-flight", "maximum `number` of requests served at once; excess requests wait up to --max-queue-wait, then get 429; 0 means 32 per CPU",
		func(c *Config) *int { return &c.MaxInFlight }),
	stringField("email-smtp-url", "SMTP server for verification-code emails, as `URL` smtp://user:password@host:587?from=no-reply@example.com (smtps:// for implicit TLS)",
		func(c *Config) *string { return &c.EmailSMTPURL }),
	stringField("email-webhook-url", "HTTPS `URL` that receives verification-code emails as JSON {to, type, code, locale, subject, body} (instead of SMTP)",
		func(c *Config) *string { return &c.EmailWebhookURL }),
	stringField("sms-webhook-url", "HTTPS `URL` that receives verification-code SMS as JSON {to, type, code, locale, body}",
		func(c *Config) *string { return &c.SMSWebhookURL }),
	stringField("webhook-secret", "`secret` sent as a Bearer token to the email and SMS webhooks",
		func(c *Config) *string { return &c.WebhookSecret }),
	durationField("max-queue-wait", "how long a request waits for a free slot before 429, as a Go `duration`",
		func(c *Config) *time.Duration { return &c.MaxQueueWait }),
	stringField("connector-endpoint-overrides", "comma-separated `list` of target=base-URL pairs pointing a social connector's upstream URLs at another host (tests, mirrors), e.g. patreon=http://127.0.0.1:9000",
		func(c *Config) *string { return &c.ConnectorEndpointOverrides }),
	durationField("audit-log-retention", "how long audit log entries are kept, as a Go `duration` (e.g. 720h); 0 keeps them forever",
		func(c *Config) *time.Duration { return &c.AuditLogRetention }),
}

// fieldsByKey finds a field by its config file key. The config flag is left
// out: a file naming another file would make precedence ambiguous.
var fieldsByKey = func() map[string]*field {
	m := make(map[string]*field, len(fields))
	for _, f := range fields {
		if f.name != configFlag {
			m[f.key()] = f
		}
	}
	return m
}()

func stringField(name, usage string, p func(*Config) *string) *field {
	return &field{
		name:  name,
		usage: usage,
		set:   func(c *Config, s string) error { *p(c) = s; return nil },
		get:   func(c *Config) string { return *p(c) },
	}
}

func boolField(name, usage string, p func(*Config) *bool) *field {
	return &field{
		name:   name,
		usage:  usage,
		isBool: true,
		set: func(c *Config, s string) error {
			v, err := strconv.ParseBool(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("invalid boolean %q (use true or false)", s)
			}
			*p(c) = v
			return nil
		},
		get: func(c *Config) string { return strconv.FormatBool(*p(c)) },
	}
}

func durationField(name, usage string, p func(*Config) *time.Duration) *field {
	return &field{
		name:  name,
		usage: usage,
		set: func(c *Config, s string) error {
			v, err := time.ParseDuration(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("invalid duration %q (use a unit, e.g. \"15s\" or \"1m30s\")", s)
			}
			*p(c) = v
			return nil
		},
		get: func(c *Config) string { return p(c).String() },
	}
}

func intField(name, usage string, p func(*Config) *int) *field {
	return &field{
		name:  name,
		usage: usage,
		set: func(c *Config, s string) error {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("invalid integer %q", s)
			}
			*p(c) = v
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(*p(c)) },
	}
}

// listField parses comma-separated text, trimming blanks around items and
// dropping empty ones, so "a, b," is [a b] and "" clears the list.
func listField(name, usage string, p func(*Config) *[]string) *field {
	return &field{
		name:  name,
		usage: usage,
		list:  true,
		set: func(c *Config, s string) error {
			var items []string
			for item := range strings.SplitSeq(s, ",") {
				if item = strings.TrimSpace(item); item != "" {
					items = append(items, item)
				}
			}
			*p(c) = items
			return nil
		},
		get: func(c *Config) string { return strings.Join(*p(c), ",") },
	}
}
