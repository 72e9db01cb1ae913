package server

import (
	"context"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var generatedID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestRequestID(t *testing.T) {
	tests := []struct {
		name     string
		incoming []string // X-Request-Id values sent; nil sends none
		want     string   // echoed id; "" means a fresh generated one
	}{
		{name: "generated when absent"},
		{name: "valid id honoured", incoming: []string{"abc-123.DEF_456"}, want: "abc-123.DEF_456"},
		{name: "64 chars honoured", incoming: []string{strings.Repeat("a", 64)}, want: strings.Repeat("a", 64)},
		{name: "65 chars rejected", incoming: []string{strings.Repeat("a", 65)}},
		{name: "empty rejected", incoming: []string{""}},
		{name: "markup rejected", incoming: []string{"<script>alert(1)</script>"}},
		{name: "log forging rejected", incoming: []string{"x level=ERROR msg=forged"}},
		{name: "spaces rejected", incoming: []string{"a b"}},
		{name: "newline rejected", incoming: []string{"a\nlevel=ERROR"}},
		{name: "unicode rejected", incoming: []string{"idé"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, logs := newTestServer(t, Options{})
			var seen string
			s.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
				seen = RequestID(r.Context())
				Logger(r.Context()).Info("from handler")
			})
			hdr := http.Header{}
			for _, v := range tt.incoming {
				hdr.Add("X-Request-Id", v)
			}
			resp := do(t, s.Handler(), http.MethodGet, "/x", hdr)
			got := resp.Header.Get("X-Request-Id")
			if tt.want != "" {
				if got != tt.want {
					t.Errorf("X-Request-Id = %q, want %q", got, tt.want)
				}
			} else if !generatedID.MatchString(got) {
				t.Errorf("X-Request-Id = %q, want a generated 32-hex id", got)
			}
			if seen != got {
				t.Errorf("RequestID(ctx) = %q, header = %q", seen, got)
			}
			for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				if !strings.Contains(line, "request_id="+got) {
					t.Errorf("log line lacks request_id=%s: %s", got, line)
				}
			}
		})
	}
}

func TestRequestIDsAreUnique(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seen := map[string]bool{}
	for range 100 {
		id := do(t, s.Handler(), http.MethodGet, "/healthz", nil).Header.Get("X-Request-Id")
		if seen[id] {
			t.Fatalf("duplicate request id %q", id)
		}
		seen[id] = true
	}
}

func TestContextHelpersOutsideServer(t *testing.T) {
	ctx := context.Background()
	if id := RequestID(ctx); id != "" {
		t.Errorf("RequestID(background) = %q, want empty", id)
	}
	if l := Logger(ctx); l != slog.Default() {
		t.Errorf("Logger(background) is not slog.Default()")
	}
}
