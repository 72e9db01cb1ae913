package server

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// quietRoutes are polled by orchestrators and scrapers every few seconds;
// logging them at info would drown real traffic.
var quietRoutes = map[string]bool{
	healthzPattern: true,
	readyzPattern:  true,
	metricsPattern: true,
}

// accessLog writes one line per request. It records the path but never the
// query string (authorization codes, tokens and state travel there) and
// never headers (cookies, Authorization).
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := recorderFor(w)
		panicked := true
		defer func() {
			status := rec.Status()
			if panicked && !rec.wroteHeader {
				status = http.StatusInternalServerError // what recovery will send
			}
			route := routeOf(r.Context())
			level := slog.LevelInfo
			if quietRoutes[route] {
				level = slog.LevelDebug
			}
			path := r.URL.Path
			if st := stateFrom(r.Context()); st != nil {
				path = st.path // include the base path, as the client sent it
			}
			Logger(r.Context()).LogAttrs(r.Context(), level, "http request",
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.String("path", path),
				slog.Int("status", status),
				slog.Int64("bytes", rec.bytes),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
				slog.String("remote_ip", ClientIP(r).String()),
			)
		}()
		next.ServeHTTP(rec, r)
		panicked = false
	})
}

// observeMetrics counts and times every request by matched route pattern,
// method and status code.
func (s *Server) observeMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := recorderFor(w)
		panicked := true
		defer func() {
			status := rec.Status()
			if panicked && !rec.wroteHeader {
				status = http.StatusInternalServerError
			}
			route := routeOf(r.Context())
			method := methodLabel(r.Method)
			s.metrics.HTTPRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
			s.metrics.HTTPDuration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(rec, r)
		panicked = false
	})
}

// methodLabel folds non-standard methods into "OTHER": the method is chosen
// by the client, and each distinct label value creates a new time series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions,
		http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}
