package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestNewIsIndependent(t *testing.T) {
	// Two instances must not collide, which they would on the global registry.
	a, b := New(), New()
	a.TokensIssued.WithLabelValues("authorization_code").Inc()
	if got := scrape(t, b); strings.Contains(got, `monban_tokens_issued_total{grant_type="authorization_code"}`) {
		t.Errorf("metrics leaked between registries")
	}
}

func TestHandlerExposesCollectors(t *testing.T) {
	m := New()
	m.HTTPRequests.WithLabelValues("GET /api/status", "GET", "204").Inc()
	m.HTTPDuration.WithLabelValues("GET /api/status", "GET").Observe(0.0007)
	m.TokensIssued.WithLabelValues("client_credentials").Add(2)
	m.TokenErrors.WithLabelValues("invalid_grant").Inc()
	out := scrape(t, m)

	tests := []struct {
		name string
		want string
	}{
		{"request counter", `monban_http_requests_total{code="204",method="GET",route="GET /api/status"} 1`},
		{"sub-millisecond bucket", `monban_http_request_duration_seconds_bucket{method="GET",route="GET /api/status",le="0.001"} 1`},
		{"half-millisecond bucket", `monban_http_request_duration_seconds_bucket{method="GET",route="GET /api/status",le="0.0005"} 0`},
		{"five-second bucket", `monban_http_request_duration_seconds_bucket{method="GET",route="GET /api/status",le="5"} 1`},
		{"tokens issued", `monban_tokens_issued_total{grant_type="client_credentials"} 2`},
		{"token errors", `monban_token_errors_total{error="invalid_grant"} 1`},
		{"go collector", `go_goroutines `},
		{"process collector", `process_start_time_seconds `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(out, tt.want) {
				t.Errorf("output lacks %q", tt.want)
			}
		})
	}
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rr := httptest.NewRecorder()
	m.Handler().ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rr.Code != http.StatusOK {
		t.Fatalf("status = %d", rr.Code)
	}
	return rr.Body.String()
}
