package application

import (
	"net"
	"net/url"
	"strings"
)

// forbiddenSchemes can never be redirect targets: they run code or read
// local data in the browser (spec/security.md item 1).
var forbiddenSchemes = map[string]bool{
	"javascript": true, "data": true, "vbscript": true, "file": true, "blob": true, "about": true,
	"filesystem": true, "view-source": true, "ws": true, "wss": true, "ftp": true,
}

// IsLoopbackHost reports whether host (without port) is a loopback name or
// address: localhost, 127.0.0.0/8 or ::1 (RFC 8252 §7.3, §8.3).
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// uriRules says what a deployment accepts at registration.
type uriRules struct {
	// allowPrivateScheme accepts app-claimed schemes (RFC 8252 §7.1): native apps.
	allowPrivateScheme bool
	// allowHTTP accepts plain http on any host (development deployments).
	allowHTTP bool
}

// checkRedirectURI returns "" when raw may be registered as a redirect or
// post-logout redirect URI, else a reason. Matching at /oidc/auth is by exact
// string comparison, so registration is where the shape is checked.
func checkRedirectURI(raw string, r uriRules) (code, reason string) {
	if raw == "" {
		return "redirect_uri.empty", "must not be empty"
	}
	if strings.TrimSpace(raw) != raw || strings.ContainsAny(raw, " \t\r\n") {
		return "redirect_uri.invalid", "must not contain spaces"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "redirect_uri.invalid", "must be an absolute URI"
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "redirect_uri.fragment", "must not contain a fragment (RFC 6749 §3.1.2)"
	}
	if u.User != nil {
		return "redirect_uri.userinfo", "must not contain user information"
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case forbiddenSchemes[scheme]:
		return "redirect_uri.scheme", "scheme " + scheme + " is not allowed"
	case scheme == "https":
		if u.Host == "" {
			return "redirect_uri.invalid", "must have a host"
		}
	case scheme == "http":
		if u.Host == "" {
			return "redirect_uri.invalid", "must have a host"
		}
		if !IsLoopbackHost(u.Hostname()) && !r.allowHTTP {
			return "redirect_uri.insecure", "http is only accepted for loopback hosts (localhost, 127.0.0.1, [::1]); use https"
		}
	default:
		if !r.allowPrivateScheme {
			return "redirect_uri.scheme", "must use https (or http on a loopback host); custom schemes are for native applications"
		}
	}
	return "", ""
}

// checkOrigin returns "" when raw is a valid CORS origin: scheme://host[:port]
// with nothing else, https or loopback http (any http in development).
func checkOrigin(raw string, allowHTTP bool) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "must be an origin: scheme://host[:port], without path, query or fragment"
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return ""
	case "http":
		if IsLoopbackHost(u.Hostname()) || allowHTTP {
			return ""
		}
		return "http is only accepted for loopback hosts; use https"
	}
	return "scheme must be https or http"
}
