package server

import (
	"context"
	"net/http"
	"time"
)

// Built-in route patterns, also used to keep their access logs at debug.
const (
	statusPattern  = "GET /api/status"
	healthzPattern = "GET /healthz"
	readyzPattern  = "GET /readyz"
	metricsPattern = "GET /metrics"
)

// readyTimeout bounds the readiness check so a hung database makes /readyz
// answer 503 promptly instead of stalling the orchestrator's probe.
const readyTimeout = 2 * time.Second

func (s *Server) registerBuiltins() {
	s.HandleFunc(statusPattern, handleStatus)
	s.HandleFunc(healthzPattern, handleHealthz)
	s.HandleFunc(readyzPattern, s.handleReadyz)
	s.Handle(metricsPattern, s.metrics.Handler())
}

// handleStatus mirrors Logto's GET /api/status: 204 when the process is up,
// so existing Logto health checks keep working.
func handleStatus(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// handleHealthz is the liveness probe. It deliberately never touches the
// database: a database outage must not make the orchestrator restart every
// replica, which would not fix it.
func handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeStatusJSON(w, http.StatusOK, `{"status":"ok"}`)
}

// handleReadyz is the readiness probe: 503 takes the replica out of load
// balancing while its dependencies are down. The error is logged, never
// returned, as database errors can reveal hosts, users or schema.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	if s.opts.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		err := s.opts.Ready(ctx)
		cancel()
		if err != nil {
			Logger(r.Context()).Warn("readiness check failed", "err", err)
			writeStatusJSON(w, http.StatusServiceUnavailable, `{"status":"unavailable"}`)
			return
		}
	}
	writeStatusJSON(w, http.StatusOK, `{"status":"ready"}`)
}

// writeStatusJSON writes a constant JSON body. Probe answers must never be
// cached by an intermediary, or a stale "ready" could outlive an outage.
func writeStatusJSON(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body))
}
