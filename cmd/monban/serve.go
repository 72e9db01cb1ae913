package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // served only on MONBAN_PPROF_ADDR
	"os"
	"runtime"
	"time"

	"github.com/monban-dev/monban/internal/boot"
	"github.com/monban-dev/monban/internal/config"
	"github.com/monban-dev/monban/internal/metrics"
	"github.com/monban-dev/monban/internal/server"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("monban serve", flag.ContinueOnError)
	cfg, err := parseConfig(fs, args, stderr)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	slog.SetDefault(logger)
	if !cfg.Production {
		logger.Warn("development mode: http redirect URIs are accepted on any host and the master secret is kept in the data directory; use --production for a real deployment")
	}

	d, err := boot.Open(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer func() {
		if err := d.Close(); err != nil {
			logger.Error("close database", "err", err)
		} else {
			logger.Info("database closed")
		}
	}()

	m := metrics.New()
	srv := server.New(server.Options{
		Addr:            cfg.Addr,
		BasePath:        cfg.BasePath(),
		Logger:          logger,
		Metrics:         m,
		Ready:           d.Store.Ping,
		ShutdownTimeout: cfg.ShutdownTimeout,
		TrustedProxies:  cfg.ParsedTrustedProxies(),
		MaxInFlight:     maxInFlight(cfg),
		MaxQueueWait:    cfg.MaxQueueWait,
	})
	d.Mount(srv, m, logger, nil)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	printBanner(stdout, cfg, ln.Addr().String())

	if addr := os.Getenv("MONBAN_PPROF_ADDR"); addr != "" {
		// Profiling for benchmarks, on its own listener so it is never
		// reachable through the public endpoint.
		logger.Warn("pprof enabled", "addr", addr)
		go http.ListenAndServe(addr, http.DefaultServeMux)
	}

	bg, stopBg := context.WithCancel(ctx)
	defer stopBg()
	go d.Keys.Run(bg, 30*time.Second)
	go deleteExpired(bg, d, logger, 10*time.Minute)

	logger.Info("monban started", "addr", ln.Addr().String(), "endpoint", cfg.Endpoint, "database", databaseKind(cfg))
	err = srv.Serve(ctx, ln)
	logger.Info("monban stopped")
	return err
}

func printBanner(w io.Writer, cfg config.Config, addr string) {
	fmt.Fprintf(w, "Monban %s\n", version)
	fmt.Fprintf(w, "  listening on        %s\n", addr)
	fmt.Fprintf(w, "  database            %s\n", databaseKind(cfg))
	fmt.Fprintf(w, "  issuer              %s\n", cfg.Issuer())
	fmt.Fprintf(w, "  discovery           %s\n", cfg.URL("/oidc/.well-known/openid-configuration"))
	fmt.Fprintf(w, "  JWKS                %s\n", cfg.URL("/oidc/jwks"))
	fmt.Fprintf(w, "  sign-in page        %s\n", cfg.URL("/sign-in"))
	fmt.Fprintf(w, "  console             %s\n", cfg.URL("/console"))
	fmt.Fprintf(w, "  health              %s  %s  %s\n", cfg.URL("/healthz"), cfg.URL("/readyz"), cfg.URL("/metrics"))
}

// maxInFlight is the configured cap, or 32 requests per CPU: enough to
// keep every core busy while waiting on the database, few enough that a
// request admitted under overload is served without a long queue.
func maxInFlight(cfg config.Config) int {
	if cfg.MaxInFlight > 0 {
		return cfg.MaxInFlight
	}
	return 32 * runtime.GOMAXPROCS(0)
}

func databaseKind(cfg config.Config) string {
	if cfg.UsesSQLite() {
		return "SQLite " + cfg.SQLitePath()
	}
	return "PostgreSQL"
}

// deleteExpired removes expired sessions, codes and tokens, and audit log
// entries older than --audit-log-retention, periodically. Every node may
// run it: the deletes are idempotent.
func deleteExpired(ctx context.Context, d *boot.Deployment, logger *slog.Logger, every time.Duration) {
	st := d.Store
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := st.DeleteExpired(ctx, time.Now())
			if err != nil {
				logger.Warn("delete expired rows", "err", err)
			} else if n > 0 {
				logger.Info("deleted expired rows", "rows", n)
			}
			n, err = d.Audit.Prune(ctx, time.Now())
			if err != nil {
				logger.Warn("prune audit log", "err", err)
			} else if n > 0 {
				logger.Info("pruned audit log", "rows", n, "retention", d.Config.AuditLogRetention)
			}
		}
	}
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("monban migrate", flag.ContinueOnError)
	cfg, err := parseConfig(fs, args, stderr)
	if err != nil {
		return err
	}
	st, err := boot.OpenStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "%s database is up to date\n", databaseKind(cfg))
	return nil
}
