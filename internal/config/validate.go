package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// genSecretHint tells operators how to produce a good master secret; every
// master-secret message ends with it.
const genSecretHint = "generate one with `openssl rand -base64 48`"

// minSecretLen is the shortest master secret accepted.
const minSecretLen = 32

var (
	logFormats  = []string{"text", "json"}
	logLevels   = []string{"debug", "info", "warn", "error"}
	signingAlgs = []string{"ES256", "ES384", "ES512", "RS256", "PS256"}

	// placeholders are master secrets copied from examples and tutorials.
	placeholders = []string{"changeme", "change-me", "secret", "default", "monban",
		"password", "masterkey", "master-secret"}

	// libpqKey spots a key=value DSN: pgx accepts those as well as URLs.
	libpqKey = regexp.MustCompile(`(?:^|\s)(?:host|dbname)\s*=`)
)

// Validate reports every wrong field at once, as an errors.Join of one error
// per field, each naming the flag and env var to fix it, e.g.
//
//	--endpoint (MONBAN_ENDPOINT): must be an absolute http or https URL, got "ftp://x"
//
// It returns nil when c is valid. Messages never echo the database DSN or
// the master secret, since they end up in logs.
func (c Config) Validate() error {
	var errs []error
	bad := func(flagName, format string, args ...any) {
		errs = append(errs, fmt.Errorf("--%s (%s): %s", flagName, envName(flagName), fmt.Sprintf(format, args...)))
	}

	if strings.TrimSpace(c.DataDir) == "" {
		bad("data-dir", "must not be empty")
	}
	if msg := checkAddr(c.Addr); msg != "" {
		bad("addr", "%s", msg)
	}
	if msg := checkEndpoint(c.Endpoint, c.Production); msg != "" {
		bad("endpoint", "%s", msg)
	}
	if msg := checkDatabase(c.Database); msg != "" {
		bad("database", "%s", msg)
	}
	if msg := checkMasterSecret(c.MasterSecret, c.Production); msg != "" {
		bad("master-secret", "%s", msg)
	}
	if !slices.Contains(logFormats, c.LogFormat) {
		bad("log-format", "must be one of %s, got %q", strings.Join(logFormats, ", "), c.LogFormat)
	}
	if !slices.Contains(logLevels, c.LogLevel) {
		bad("log-level", "must be one of %s, got %q", strings.Join(logLevels, ", "), c.LogLevel)
	}
	if !slices.Contains(signingAlgs, c.SigningAlg) {
		bad("signing-alg", "must be one of %s, got %q", strings.Join(signingAlgs, ", "), c.SigningAlg)
	}
	var badProxies []string
	for _, p := range c.TrustedProxies {
		if _, ok := parseProxy(p); !ok {
			badProxies = append(badProxies, strconv.Quote(p))
		}
	}
	if len(badProxies) > 0 {
		bad("trusted-proxies", "want IP addresses or CIDRs (e.g. 10.0.0.1 or 10.0.0.0/8), got %s", strings.Join(badProxies, ", "))
	}
	if c.ShutdownTimeout <= 0 {
		bad("shutdown-timeout", "must be positive, got %s", c.ShutdownTimeout)
	}
	if c.EmailSMTPURL != "" {
		if u, err := url.Parse(c.EmailSMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Port() == "" || u.Query().Get("from") == "" {
			bad("email-smtp-url", "must look like smtp://user:password@host:587?from=no-reply@example.com")
		}
	}
	if c.EmailSMTPURL != "" && c.EmailWebhookURL != "" {
		bad("email-webhook-url", "set either --email-smtp-url or --email-webhook-url, not both")
	}
	for name, v := range map[string]string{"email-webhook-url": c.EmailWebhookURL, "sms-webhook-url": c.SMSWebhookURL} {
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && !c.Production)) {
			bad(name, "must be an https URL (http is accepted outside production)")
		}
	}
	if _, err := ParseEndpointOverrides(c.ConnectorEndpointOverrides); err != nil {
		bad("connector-endpoint-overrides", "%s", err.Error())
	}
	if c.MaxInFlight < 0 {
		bad("max-in-flight", "must be 0 (32 per CPU) or more, got %d", c.MaxInFlight)
	}
	if c.MaxQueueWait < 0 {
		bad("max-queue-wait", "must not be negative, got %s", c.MaxQueueWait)
	}
	if c.AuditLogRetention < 0 {
		bad("audit-log-retention", "must be 0 (keep forever) or more, got %s", c.AuditLogRetention)
	}
	if c.DBMaxOpenConns < 0 {
		bad("db-max-open-conns", "must be 0 (32) or more, got %d", c.DBMaxOpenConns)
	}
	return errors.Join(errs...)
}

// checkAddr returns what is wrong with a listen address, or "".
func checkAddr(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = strconv.ParseUint(port, 10, 16)
	}
	if err != nil {
		return fmt.Sprintf("must be host:port with a numeric port 0-65535 (e.g. \"127.0.0.1:3001\" or \":3001\"), got %q", addr)
	}
	return ""
}

// checkEndpoint returns what is wrong with the public endpoint, or "". The
// endpoint becomes the OIDC issuer, so anything a client could not compare
// exactly (query, fragment, credentials) is refused. In production it must
// be https, except on loopback where TLS is pointless and a local reverse
// proxy or test harness is the norm.
func checkEndpoint(endpoint string, production bool) string {
	u, err := url.Parse(endpoint)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Hostname() == "":
		return fmt.Sprintf("must be an absolute http or https URL, got %q", endpoint)
	case u.User != nil:
		return "must not contain user credentials"
	case u.RawQuery != "" || u.ForceQuery:
		return fmt.Sprintf("must not contain a query, got %q", endpoint)
	case u.Fragment != "" || strings.Contains(endpoint, "#"):
		return fmt.Sprintf("must not contain a fragment, got %q", endpoint)
	case production && u.Scheme != "https" && !isLoopback(u.Hostname()):
		return fmt.Sprintf("must be https in production (plain http is allowed only for localhost and loopback IPs), got %q", endpoint)
	}
	return ""
}

// isLoopback reports whether host is localhost, 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// checkDatabase returns what is wrong with the database DSN, or "". Only
// PostgreSQL is supported besides the embedded SQLite; a mysql:// or sqlite:
// DSN is refused here rather than failing obscurely at connect time. The
// message omits the DSN, which usually carries a password.
func checkDatabase(dsn string) string {
	if dsn == "" {
		return ""
	}
	lower := strings.ToLower(dsn)
	if strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://") {
		return ""
	}
	if !strings.Contains(dsn, "://") && libpqKey.MatchString(dsn) {
		return ""
	}
	got := "a value that is neither"
	if scheme, _, ok := strings.Cut(dsn, ":"); ok && !strings.ContainsAny(scheme, " =") {
		got = fmt.Sprintf("scheme %q", scheme)
	}
	return fmt.Sprintf("only PostgreSQL DSNs are accepted (postgres://... or host=... dbname=...); leave it empty for the embedded SQLite database in the data dir; got %s", got)
}

// checkMasterSecret returns what is wrong with the master secret, or "".
// Outside production it may be empty (another package generates one into
// the data dir); in production it is required and must not be a
// placeholder copied from an example.
func checkMasterSecret(secret string, production bool) string {
	switch {
	case secret == "" && production:
		return "is required in production; " + genSecretHint
	case secret == "":
		return ""
	case production && isPlaceholder(secret):
		return "is a well-known placeholder value; " + genSecretHint
	case utf8.RuneCountInString(secret) < minSecretLen:
		return fmt.Sprintf("must be at least %d characters, got %d; %s",
			minSecretLen, utf8.RuneCountInString(secret), genSecretHint)
	}
	return ""
}

// isPlaceholder reports whether s is a known placeholder, repeated one or
// more times to reach the length limit ("changemechangeme..."), or a single
// character repeated ("xxxx...").
func isPlaceholder(s string) bool {
	lower := strings.ToLower(s)
	for _, p := range placeholders {
		if len(lower)%len(p) == 0 && strings.Repeat(p, len(lower)/len(p)) == lower {
			return true
		}
	}
	r, size := utf8.DecodeRuneInString(lower)
	return size > 0 && strings.Repeat(string(r), len(lower)/size) == lower
}
