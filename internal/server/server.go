// Package server is the HTTP server every Monban front door (/oidc, hosted
// pages, /api, /console) is mounted on.
//
// It owns the cross-cutting concerns that every route needs and that must not
// be re-implemented (and subtly diverge) per feature: serving under a base
// path, panic recovery, request ids, access logging, Prometheus metrics,
// trusted-proxy client IPs, health endpoints and graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/metrics"
)

// Defaults and limits for the underlying http.Server. The header limits keep
// slow-loris and oversized-header clients from tying up connections; the
// idle timeout bounds how long keep-alive connections are held open.
const (
	defaultShutdownTimeout = 15 * time.Second
	readHeaderTimeout      = 10 * time.Second
	idleTimeout            = 120 * time.Second
	maxHeaderBytes         = 64 << 10
)

// Options configures a Server. The zero value of every field except Addr is
// usable.
type Options struct {
	// Addr is the listen address used by ListenAndServe, e.g. "127.0.0.1:3001".
	Addr string
	// BasePath is "" or a prefix like "/auth": the public endpoint may live
	// under a path prefix, and every route is served under it. A trailing
	// slash is ignored and a missing leading slash is added.
	BasePath string
	// Logger receives access logs, panics and server errors; nil means
	// slog.Default().
	Logger *slog.Logger
	// Metrics receives HTTP metrics and is exposed on GET /metrics; nil means
	// metrics.New().
	Metrics *metrics.Metrics
	// Ready is the readiness check behind GET /readyz (typically a database
	// ping); nil means always ready.
	Ready func(ctx context.Context) error
	// ShutdownTimeout is how long a shutdown waits for in-flight requests;
	// 0 means 15s.
	ShutdownTimeout time.Duration
	// TrustedProxies lists the networks whose X-Forwarded-For is honoured.
	// Proxy headers from any other peer are ignored, so clients cannot spoof
	// their address (which would defeat rate limiting and audit logs).
	TrustedProxies []netip.Prefix
	// MaxInFlight caps requests served at once; 0 means no cap. Excess
	// requests wait up to MaxQueueWait, then get 429.
	MaxInFlight int
	// MaxQueueWait is how long a request waits for a slot; 0 means 50ms.
	MaxQueueWait time.Duration
}

// Server is Monban's HTTP server. Create it with New, register routes with
// Handle, then run it with Serve or ListenAndServe.
type Server struct {
	opts      Options
	basePath  string
	logger    *slog.Logger
	metrics   *metrics.Metrics
	mux       *http.ServeMux
	handler   http.Handler
	admission *admission
}

// New builds a Server with the middleware chain and the built-in routes
// (GET /api/status, /healthz, /readyz, /metrics) already registered.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Metrics == nil {
		opts.Metrics = metrics.New()
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = defaultShutdownTimeout
	}
	s := &Server{
		opts:     opts,
		basePath: normalizeBasePath(opts.BasePath),
		logger:   opts.Logger,
		metrics:  opts.Metrics,
		mux:      http.NewServeMux(),
	}
	if opts.MaxQueueWait <= 0 {
		opts.MaxQueueWait = 50 * time.Millisecond
	}
	s.admission = newAdmission(opts.MaxInFlight, opts.MaxQueueWait)
	s.handler = s.chain()
	s.registerBuiltins()
	return s
}

// normalizeBasePath turns "auth/", "/auth/" and "/auth" into "/auth", and
// "/" into "", so the prefix check only has one shape to deal with.
func normalizeBasePath(p string) string {
	p = strings.TrimRight(p, "/")
	if p != "" && !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

// Handle registers a route with a Go 1.22 ServeMux pattern relative to
// BasePath, e.g. s.Handle("GET /oidc/jwks", h). Like http.ServeMux.Handle it
// panics on an invalid or conflicting pattern, since that is a programming
// error caught at startup.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
}

// HandleFunc is Handle for a plain function.
func (s *Server) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	s.mux.HandleFunc(pattern, h)
}

// Handler is the whole chain (prefix, recovery, request id, logging, metrics,
// mux); for tests with httptest.
func (s *Server) Handler() http.Handler {
	return s.handler
}

// httpServer builds the net/http server with timeouts that protect against
// clients holding connections open indefinitely.
func (s *Server) httpServer() *http.Server {
	return &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		// net/http reports TLS handshake failures, bad requests and the like
		// here; route them into the structured log instead of stderr.
		ErrorLog: slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully: it
// stops accepting, lets in-flight requests finish (up to ShutdownTimeout) and
// returns nil on a clean shutdown. If requests are still running when the
// timeout expires, their connections are closed and an error is returned.
// ln is closed when Serve returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.admission != nil && s.admission.detector != nil {
		dctx, stop := context.WithCancel(ctx)
		defer stop()
		go s.admission.detector.run(dctx, sampleInterval)
	}
	srv := s.httpServer()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.logger.Info("http server listening", "addr", ln.Addr().String(), "base_path", s.basePath)

	select {
	case err := <-errc:
		// Serve failed on its own (e.g. the listener broke); nothing to drain.
		return fmt.Errorf("server: serve: %w", err)
	case <-ctx.Done():
	}

	s.logger.Info("http server shutting down", "timeout", s.opts.ShutdownTimeout.String())
	// The caller's ctx is already cancelled; the drain gets its own deadline
	// but keeps the caller's values.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.ShutdownTimeout)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	serveErr := <-errc
	if shutdownErr != nil {
		// In-flight requests outlived the timeout: cut them off rather than
		// hang the process.
		_ = srv.Close()
		return fmt.Errorf("server: graceful shutdown: %w", shutdownErr)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("server: serve: %w", serveErr)
	}
	s.logger.Info("http server stopped")
	return nil
}

// ListenAndServe listens on Options.Addr then calls Serve.
func (s *Server) ListenAndServe(ctx context.Context) error {
	if s.opts.Addr == "" {
		return errors.New("server: Options.Addr is empty")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("server: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}
