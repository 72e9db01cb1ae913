package server

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestRecovery(t *testing.T) {
	const secret = "SECRET-PANIC-VALUE-42"
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantLog string // the panic value as logged
	}{
		{"panic string", func(w http.ResponseWriter, r *http.Request) { panic(secret) }, secret},
		{"panic error", func(w http.ResponseWriter, r *http.Request) { panic(errors.New(secret)) }, secret},
		{"panic after setting headers", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Secret", secret)
			panic(secret)
		}, secret},
		{"runtime error", func(w http.ResponseWriter, r *http.Request) {
			var m map[string]string
			m[secret] = secret
		}, "assignment to entry in nil map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, logs := newTestServer(t, Options{})
			s.Handle("GET /boom", tt.handler)
			resp := do(t, s.Handler(), http.MethodGet, "/boom", nil)
			body := readBody(t, resp)
			if resp.StatusCode != http.StatusInternalServerError {
				t.Errorf("status = %d, want 500", resp.StatusCode)
			}
			if strings.Contains(body, secret) || strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
				t.Errorf("body leaks panic details: %q", body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type = %q, want text/plain", ct)
			}
			if resp.Header.Get("X-Secret") != "" {
				t.Errorf("headers set before the panic were sent")
			}
			id := resp.Header.Get("X-Request-Id")
			if id == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("common headers missing: %v", resp.Header)
			}
			l := logs.String()
			for _, want := range []string{"level=ERROR", "panic serving request", tt.wantLog, "request_id=" + id, "stack=", "recovery_test.go"} {
				if !strings.Contains(l, want) {
					t.Errorf("log lacks %q:\n%s", want, l)
				}
			}
			if !strings.Contains(l, "status=500") {
				t.Errorf("access log does not record status 500:\n%s", l)
			}
		})
	}
}

func TestRecoveryAbortsStartedResponse(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"ErrAbortHandler is re-panicked", func(w http.ResponseWriter, r *http.Request) {
			panic(http.ErrAbortHandler)
		}},
		{"panic after body started aborts", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("partial"))
			panic("late")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, Options{})
			s.Handle("GET /boom", tt.handler)
			defer func() {
				if p := recover(); p != http.ErrAbortHandler {
					t.Errorf("recovered %v, want http.ErrAbortHandler", p)
				}
			}()
			do(t, s.Handler(), http.MethodGet, "/boom", nil)
			t.Errorf("handler chain returned normally")
		})
	}
}
