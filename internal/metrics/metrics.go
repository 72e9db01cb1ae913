// Package metrics holds Monban's Prometheus collectors.
//
// Collectors live on a private registry rather than the global default so
// that tests (and multiple servers in one process) can each build their own
// without "duplicate metrics collector registration" panics.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds Monban's Prometheus collectors on its own registry (not the
// global one, so tests can build several).
type Metrics struct {
	Registry *prometheus.Registry

	// HTTPRequests counts finished requests by matched route pattern, method
	// and status code. Route is the mux pattern, not the raw path, so label
	// cardinality stays bounded no matter what clients request.
	HTTPRequests *prometheus.CounterVec // monban_http_requests_total{route,method,code}

	// HTTPDuration times requests by route and method.
	HTTPDuration *prometheus.HistogramVec // monban_http_request_duration_seconds{route,method}

	// TokensIssued counts tokens issued by the token endpoint, by grant type.
	TokensIssued *prometheus.CounterVec // monban_tokens_issued_total{grant_type}

	// TokenErrors counts token endpoint failures by OAuth error code
	// (invalid_grant, invalid_client, ...).
	TokenErrors *prometheus.CounterVec // monban_token_errors_total{error}
}

// durationBuckets spans 0.5ms to 5s: fast endpoints (status, JWKS, cached
// discovery) finish in well under a millisecond, while password hashing and
// database-bound flows take hundreds of milliseconds.
var durationBuckets = []float64{
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
}

// New builds a registry with Monban's collectors plus the standard Go runtime
// and process collectors.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		HTTPRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "monban",
			Name:      "http_requests_total",
			Help:      "HTTP requests handled, by matched route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		HTTPDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "monban",
			Name:      "http_request_duration_seconds",
			Help:      "HTTP request latency in seconds, by matched route pattern and method.",
			Buckets:   durationBuckets,
		}, []string{"route", "method"}),
		TokensIssued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "monban",
			Name:      "tokens_issued_total",
			Help:      "Tokens issued by the token endpoint, by grant type.",
		}, []string{"grant_type"}),
		TokenErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "monban",
			Name:      "token_errors_total",
			Help:      "Token endpoint error responses, by OAuth error code.",
		}, []string{"error"}),
	}
	m.Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.HTTPRequests,
		m.HTTPDuration,
		m.TokensIssued,
		m.TokenErrors,
	)
	return m
}

// Handler exposes this registry (and only this registry) in the Prometheus
// text/OpenMetrics exposition format. Collection errors are reported in the
// response and the registry itself counts handler errors.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{
		Registry:      m.Registry,
		ErrorHandling: promhttp.ContinueOnError,
	})
}
