package config

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// EndpointOverrides parses ConnectorEndpointOverrides: target => base URL
// (scheme://host[:port], path dropped). nil when unset.
func (c Config) EndpointOverrides() map[string]*url.URL {
	m, _ := ParseEndpointOverrides(c.ConnectorEndpointOverrides)
	return m
}

// ParseEndpointOverrides parses "patreon=http://127.0.0.1:9000,google=...":
// each target once, each value an absolute http(s) URL.
func ParseEndpointOverrides(s string) (map[string]*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	out := map[string]*url.URL{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		target, raw, ok := strings.Cut(pair, "=")
		target, raw = strings.TrimSpace(target), strings.TrimSpace(raw)
		if !ok || target == "" || raw == "" {
			return nil, fmt.Errorf("%q must be target=base-URL", pair)
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return nil, fmt.Errorf("%s: %q must be an absolute http(s) URL", target, raw)
		}
		if _, dup := out[target]; dup {
			return nil, fmt.Errorf("%s is overridden twice", target)
		}
		out[target] = &url.URL{Scheme: u.Scheme, Host: u.Host}
	}
	return out, nil
}

// OverrideTargets lists the overridden targets, sorted (for the start-up
// warning).
func OverrideTargets(m map[string]*url.URL) []string {
	out := make([]string, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
