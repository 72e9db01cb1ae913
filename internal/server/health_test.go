package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestBuiltinRoutes(t *testing.T) {
	dbErr := errors.New("dial tcp 10.1.2.3:5432: password authentication failed for user monban")
	tests := []struct {
		name       string
		ready      func(context.Context) error
		target     string
		wantStatus int
		wantBody   string
		wantCT     string
	}{
		{name: "status", target: "/api/status", wantStatus: http.StatusNoContent},
		{name: "healthz", target: "/healthz", wantStatus: http.StatusOK, wantBody: `{"status":"ok"}`, wantCT: "application/json"},
		{
			name: "healthz ignores database", target: "/healthz",
			ready:      func(context.Context) error { return dbErr },
			wantStatus: http.StatusOK, wantBody: `{"status":"ok"}`, wantCT: "application/json",
		},
		{name: "readyz nil check", target: "/readyz", wantStatus: http.StatusOK, wantBody: `{"status":"ready"}`, wantCT: "application/json"},
		{
			name: "readyz ready", target: "/readyz",
			ready:      func(context.Context) error { return nil },
			wantStatus: http.StatusOK, wantBody: `{"status":"ready"}`, wantCT: "application/json",
		},
		{
			name: "readyz not ready", target: "/readyz",
			ready:      func(context.Context) error { return dbErr },
			wantStatus: http.StatusServiceUnavailable, wantBody: `{"status":"unavailable"}`, wantCT: "application/json",
		},
		{
			name: "readyz check gets a deadline", target: "/readyz",
			ready: func(ctx context.Context) error {
				dl, ok := ctx.Deadline()
				if !ok || time.Until(dl) > readyTimeout {
					return errors.New("no 2s deadline")
				}
				return nil
			},
			wantStatus: http.StatusOK, wantBody: `{"status":"ready"}`, wantCT: "application/json",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, logs := newTestServer(t, Options{Ready: tt.ready})
			resp := do(t, s.Handler(), http.MethodGet, tt.target, nil)
			body := readBody(t, resp)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if body != tt.wantBody {
				t.Errorf("body = %q, want %q", body, tt.wantBody)
			}
			if ct := resp.Header.Get("Content-Type"); tt.wantCT != "" && ct != tt.wantCT {
				t.Errorf("Content-Type = %q, want %q", ct, tt.wantCT)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			if strings.Contains(body, "password") {
				t.Errorf("response leaks the readiness error: %q", body)
			}
			if tt.wantStatus == http.StatusServiceUnavailable {
				if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "password authentication failed") {
					t.Errorf("readiness error not logged at warn:\n%s", logs)
				}
			}
		})
	}
}

func TestMetricsEndpointCountsRoutes(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	s.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	h := s.Handler()
	do(t, h, http.MethodGet, "/api/status", nil)
	do(t, h, http.MethodGet, "/items/1", nil)
	do(t, h, http.MethodGet, "/items/2", nil)
	do(t, h, http.MethodGet, "/nope/123", nil)
	do(t, h, "BREW", "/items/3", nil)

	resp := do(t, h, http.MethodGet, "/metrics", nil)
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics status = %d", resp.StatusCode)
	}
	for _, want := range []string{
		`monban_http_requests_total{code="204",method="GET",route="GET /api/status"} 1`,
		`monban_http_requests_total{code="418",method="GET",route="GET /items/{id}"} 2`,
		`monban_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`monban_http_requests_total{code="405",method="OTHER",route="unmatched"} 1`,
		`monban_http_request_duration_seconds_count{method="GET",route="GET /items/{id}"} 2`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics output lacks %q", want)
		}
	}
	for _, bad := range []string{`/items/1`, `/nope/123`, `BREW`} {
		if strings.Contains(body, bad) {
			t.Errorf("/metrics output has high-cardinality label %q", bad)
		}
	}
}
