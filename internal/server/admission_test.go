package server

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TestAdmissionSheds: with one slot taken, a second request waits
// MaxQueueWait and gets 429 with Retry-After; probes pass regardless; once
// the slot frees, requests are served again.
func TestAdmissionSheds(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	s := New(Options{MaxInFlight: 1, MaxQueueWait: 20 * time.Millisecond})
	s.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})
	s.HandleFunc("GET /fast", func(w http.ResponseWriter, r *http.Request) {})
	h := s.Handler()

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow", nil))
	}()
	<-started
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/fast", nil))
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("over capacity: %d %v, want 429 with Retry-After", w.Code, w.Header())
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
	if w.Code != 200 {
		t.Fatalf("healthz under load = %d", w.Code)
	}
	close(release)
	wg.Wait()
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/fast", nil))
	if w.Code != 200 {
		t.Fatalf("after the slot freed: %d", w.Code)
	}
}
