package server

import (
	"net/http"
	"strings"
	"time"
)

// admission bounds the work in progress. Past MaxInFlight requests, a
// request waits up to MaxQueueWait for a slot and then gets 429 with
// Retry-After: under overload the accepted requests keep their latency and
// the excess is told to come back, instead of every request slowing down
// until clients time out. Health and metrics probes are never queued.
type admission struct {
	slots    chan struct{}
	wait     time.Duration
	detector *overloadDetector
}

func newAdmission(maxInFlight int, wait time.Duration) *admission {
	if maxInFlight <= 0 {
		return nil
	}
	return &admission{slots: make(chan struct{}, maxInFlight), wait: wait, detector: newOverloadDetector(schedThreshold)}
}

func exempt(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics" || strings.HasPrefix(path, "/static/")
}

func (s *Server) admit(next http.Handler) http.Handler {
	a := s.admission
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if exempt(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		if a.detector.overloaded() {
			tooBusy(w)
			return
		}
		select {
		case a.slots <- struct{}{}:
		default:
			t := time.NewTimer(a.wait)
			select {
			case a.slots <- struct{}{}:
				t.Stop()
			case <-t.C:
				tooBusy(w)
				return
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		defer func() { <-a.slots }()
		next.ServeHTTP(w, r)
	})
}

func tooBusy(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Retry-After", "1")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusTooManyRequests)
	w.Write([]byte(`{"error":"temporarily_unavailable","error_description":"the server is busy; retry shortly"}` + "\n"))
}
