package connector

import (
	"net/http"
	"net/url"
	"time"
)

// UpstreamTimeout bounds every upstream call (spec: 5 s).
const UpstreamTimeout = 5 * time.Second

// NewEnv is the Env of a connector of target: an HTTP client with a bounded
// timeout, and Rewrite applying the endpoint override of target (scheme,
// host and port replaced by the override's, path and query kept).
func NewEnv(target string, overrides map[string]*url.URL) Env {
	env := Env{HTTP: &http.Client{Timeout: UpstreamTimeout}, Rewrite: func(s string) string { return s }}
	if base, ok := overrides[target]; ok && base != nil {
		env.Rewrite = func(s string) string { return Rewrite(s, base) }
	}
	return env
}

// Rewrite replaces rawURL's scheme, host and port by base's.
func Rewrite(rawURL string, base *url.URL) string {
	u, err := url.Parse(rawURL)
	if err != nil || base == nil {
		return rawURL
	}
	u.Scheme, u.Host = base.Scheme, base.Host
	return u.String()
}

// withDefaults fills a zero Env.
func (e Env) withDefaults() Env {
	if e.HTTP == nil {
		e.HTTP = &http.Client{Timeout: UpstreamTimeout}
	}
	if e.Rewrite == nil {
		e.Rewrite = func(s string) string { return s }
	}
	return e
}
