package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
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

// TestOverloadDetectorSheds: a scheduler kept late by CPU-bound goroutines
// raises the shed fraction; an idle one lowers it back to zero.
func TestOverloadDetectorSheds(t *testing.T) {
	d := newOverloadDetector(schedThreshold)
	d.minArrivals = 0 // this test has no requests
	d.check()         // baseline
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					// 2 ms of CPU, then yield: 8 such goroutines per
					// CPU keep every runnable one waiting ~14 ms.
					for start := time.Now(); time.Since(start) < 2*time.Millisecond; {
					}
					runtime.Gosched()
				}
			}
		}()
	}
	ctx, cancel := context.WithCancel(context.Background())
	go d.run(ctx, 100*time.Millisecond)
	deadline := time.Now().Add(3 * time.Second)
	for d.shed.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if d.shed.Load() == 0 {
		t.Fatal("busy scheduler never raised the shed fraction")
	}
	deadline = time.Now().Add(5 * time.Second)
	for d.shed.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if d.shed.Load() > 0 {
		t.Fatal("idle scheduler did not lower the shed fraction back to zero")
	}
}
