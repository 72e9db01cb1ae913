package server

import (
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the client's IP: the direct peer, or the right-most
// untrusted address of X-Forwarded-For when the peer is a trusted proxy.
//
// X-Forwarded-For is client-controlled except for the entries appended by our
// own proxies, which are always on the right. Walking from the right and
// stopping at the first address that is not one of our proxies yields the
// address our outermost proxy actually saw; anything further left may be
// forged. The header is never consulted unless the direct peer is trusted.
//
// Inside a request served by Server the result was computed once by the
// middleware with the configured TrustedProxies. Elsewhere (no Server in the
// chain) no proxies are trusted and the direct peer is returned. The zero
// Addr is returned if RemoteAddr cannot be parsed.
func ClientIP(r *http.Request) netip.Addr {
	if st := stateFrom(r.Context()); st != nil && st.clientIP.IsValid() {
		return st.clientIP
	}
	return peerAddr(r.RemoteAddr)
}

// resolveClientIP implements ClientIP for a given set of trusted proxies.
func resolveClientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := peerAddr(r.RemoteAddr)
	if !peer.IsValid() || !isTrusted(peer, trusted) {
		return peer
	}
	// Several X-Forwarded-For header lines are equivalent to one
	// comma-joined line, in order.
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	last := peer
	for i := len(hops) - 1; i >= 0; i-- {
		addr, ok := parseHop(hops[i])
		if !ok {
			// A malformed entry means we can no longer tell who wrote what;
			// the last address we could vouch for is the best answer.
			return last
		}
		if !isTrusted(addr, trusted) {
			return addr
		}
		last = addr
	}
	// Every hop is one of our proxies: the left-most is the furthest out.
	return last
}

// peerAddr parses http.Request.RemoteAddr ("ip:port", or a bare IP from
// tests and some custom listeners).
func peerAddr(remote string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return canonical(ap.Addr())
	}
	if a, err := netip.ParseAddr(remote); err == nil {
		return canonical(a)
	}
	return netip.Addr{}
}

// parseHop parses one X-Forwarded-For entry. Some proxies append a port, so
// "ip:port" and "[ipv6]:port" are accepted too.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return canonical(a), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return canonical(ap.Addr()), true
	}
	return netip.Addr{}, false
}

// canonical unmaps IPv4-in-IPv6 addresses (so "::ffff:10.0.0.1" matches
// 10.0.0.0/8) and drops IPv6 zones, which are meaningless to callers.
func canonical(a netip.Addr) netip.Addr {
	return a.Unmap().WithZone("")
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
