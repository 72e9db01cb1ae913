package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128"),
	}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		remote  string
		xff     []string
		want    string
	}{
		{name: "no proxies: peer", remote: "203.0.113.5:1234", want: "203.0.113.5"},
		{name: "no proxies: header ignored", remote: "203.0.113.5:1234", xff: []string{"1.2.3.4"}, want: "203.0.113.5"},
		{name: "no proxies: trusted-looking peer ignored", remote: "10.0.0.1:1234", xff: []string{"1.2.3.4"}, want: "10.0.0.1"},
		{name: "untrusted peer: header ignored", trusted: proxies, remote: "198.51.100.7:1234", xff: []string{"1.2.3.4"}, want: "198.51.100.7"},
		{name: "trusted peer, no header", trusted: proxies, remote: "10.0.0.1:1234", want: "10.0.0.1"},
		{name: "trusted peer: forwarded client", trusted: proxies, remote: "10.0.0.1:1234", xff: []string{"1.2.3.4"}, want: "1.2.3.4"},
		{
			name: "right-most untrusted wins over spoofed left entries", trusted: proxies,
			remote: "10.0.0.1:1234", xff: []string{"6.6.6.6, 1.2.3.4, 10.0.0.2"}, want: "1.2.3.4",
		},
		{
			name: "multiple header lines are joined", trusted: proxies,
			remote: "10.0.0.1:1234", xff: []string{"6.6.6.6", "1.2.3.4"}, want: "1.2.3.4",
		},
		{name: "all hops trusted: left-most", trusted: proxies, remote: "10.0.0.1:1234", xff: []string{"10.0.0.3, 10.0.0.2"}, want: "10.0.0.3"},
		{name: "garbage right of client: last trusted hop", trusted: proxies, remote: "10.0.0.1:1234", xff: []string{"1.2.3.4, garbage"}, want: "10.0.0.1"},
		{name: "garbage left of client ignored", trusted: proxies, remote: "10.0.0.1:1234", xff: []string{"garbage, 1.2.3.4"}, want: "1.2.3.4"},
		{name: "hop with port", trusted: proxies, remote: "10.0.0.1:1234", xff: []string{"1.2.3.4:5678"}, want: "1.2.3.4"},
		{name: "ipv6 peer and client", trusted: proxies, remote: "[::1]:1234", xff: []string{" 2001:db8::7 "}, want: "2001:db8::7"},
		{name: "ipv6 hop with port", trusted: proxies, remote: "[::1]:1234", xff: []string{"[2001:db8::7]:443"}, want: "2001:db8::7"},
		{name: "4in6 peer unmapped", trusted: proxies, remote: "[::ffff:10.0.0.1]:1234", xff: []string{"1.2.3.4"}, want: "1.2.3.4"},
		{name: "unparseable peer", trusted: proxies, remote: "pipe", xff: []string{"1.2.3.4"}, want: "invalid IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, Options{TrustedProxies: tt.trusted})
			var got netip.Addr
			s.HandleFunc("GET /ip", func(w http.ResponseWriter, r *http.Request) {
				got = ClientIP(r)
			})
			req := httptest.NewRequest(http.MethodGet, "/ip", nil)
			req.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			s.Handler().ServeHTTP(httptest.NewRecorder(), req)
			if got.String() != tt.want {
				t.Errorf("ClientIP = %s, want %s", got, tt.want)
			}
		})
	}
}

// Outside the server's chain nobody configured proxies, so the header must
// not be believed.
func TestClientIPWithoutServer(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "10.0.0.1:1234"
	req.Header.Set("X-Forwarded-For", "1.2.3.4")
	if got := ClientIP(req); got != netip.MustParseAddr("10.0.0.1") {
		t.Errorf("ClientIP = %s, want 10.0.0.1", got)
	}
}
