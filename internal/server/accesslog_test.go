package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestAccessLog(t *testing.T) {
	tests := []struct {
		name      string
		basePath  string
		target    string
		header    http.Header
		want      []string // substrings of the log
		forbidden []string
	}{
		{
			name:      "query string never logged",
			target:    "/x?code=SECRET123&state=abc",
			want:      []string{"level=INFO", `msg="http request"`, "method=GET", `route="GET /x"`, "path=/x ", "status=200", "bytes=2", "duration_ms=", "remote_ip=192.0.2.1", "request_id="},
			forbidden: []string{"SECRET123", "code=", "state=abc"},
		},
		{
			name:      "headers never logged",
			target:    "/x",
			header:    http.Header{"Authorization": {"Bearer TOKEN-XYZ"}, "Cookie": {"session=COOKIE-XYZ"}},
			forbidden: []string{"TOKEN-XYZ", "COOKIE-XYZ"},
		},
		{
			name:      "unmatched route",
			target:    "/missing/123?token=SECRET123",
			want:      []string{"route=unmatched", "path=/missing/123", "status=404"},
			forbidden: []string{"SECRET123"},
		},
		{
			name:      "path includes base path",
			basePath:  "/auth",
			target:    "/auth/x?code=SECRET123",
			want:      []string{"path=/auth/x ", `route="GET /x"`},
			forbidden: []string{"SECRET123"},
		},
		{
			name:      "probes logged at debug",
			target:    "/healthz",
			want:      []string{"level=DEBUG", `route="GET /healthz"`},
			forbidden: []string{"level=INFO"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, logs := newTestServer(t, Options{BasePath: tt.basePath})
			s.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("ok"))
			})
			do(t, s.Handler(), http.MethodGet, tt.target, tt.header)
			l := logs.String()
			if n := strings.Count(l, `msg="http request"`); n != 1 {
				t.Errorf("got %d access log lines, want 1:\n%s", n, l)
			}
			for _, w := range tt.want {
				if !strings.Contains(l, w) {
					t.Errorf("log lacks %q:\n%s", w, l)
				}
			}
			for _, f := range tt.forbidden {
				if strings.Contains(l, f) {
					t.Errorf("log contains %q:\n%s", f, l)
				}
			}
		})
	}
}
