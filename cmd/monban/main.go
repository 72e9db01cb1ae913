// Command monban is the Monban identity server: an OpenID Connect provider,
// hosted sign-in pages, a Management API and an admin console in one binary.
//
//	monban serve                      start the server (embedded SQLite in ./monban-data)
//	monban migrate                    apply database migrations and exit
//	monban admin create-user ...      first set-up and scripts (prints one JSON object)
//	monban keys rotate                publish the next signing key
//	monban version
//
// main.go only parses and wires; the work is in internal/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/monban-dev/monban/internal/config"
	"github.com/monban-dev/monban/internal/validate"
)

// Exit codes: 2 for anything the user typed wrong (flags, configuration,
// invalid values), 1 for everything that failed while running.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError marks errors that exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

const usage = `Usage: monban <command> [flags]

Commands:
  serve                 start the server
  migrate               apply database migrations and exit
  admin <subcommand>    create-user, create-app, create-m2m-app (prints one JSON object)
  keys <subcommand>     rotate, list
  bench                 load-test an OpenID provider (this one or any other)
  version               print the version

Run "monban <command> -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = serve(ctx, rest, stdout, stderr)
	case "migrate":
		err = migrate(ctx, rest, stdout, stderr)
	case "admin":
		err = admin(ctx, rest, stdout, stderr)
	case "keys":
		err = keysCmd(ctx, rest, stdout, stderr)
	case "bench":
		err = benchCmd(ctx, rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionString())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = usageError{fmt.Errorf("unknown command %q\n\n%s", cmd, usage)}
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, new(usageError)):
		if errs, ok := validate.As(err); ok {
			fmt.Fprintln(stderr, "monban: invalid input:")
			for _, f := range errs {
				fmt.Fprintf(stderr, "  %s: %s\n", f.Field, f.Message)
			}
			return exitUsage
		}
		fmt.Fprintf(stderr, "monban: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "monban: %v\n", err)
		return exitFailure
	}
}

// parseConfig parses args on fs (which already carries the command's own
// flags), then loads and validates the configuration.
func parseConfig(fs *flag.FlagSet, args []string, stderr io.Writer) (config.Config, error) {
	fs.SetOutput(stderr)
	cf := config.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config.Config{}, err
		}
		return config.Config{}, usageError{err}
	}
	if fs.NArg() > 0 {
		return config.Config{}, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	cfg, err := cf.Load(os.LookupEnv)
	if err != nil {
		return cfg, usageError{fmt.Errorf("configuration:\n%s", indent(err))}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usageError{fmt.Errorf("invalid configuration:\n%s", indent(err))}
	}
	return cfg, nil
}

func indent(err error) string {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}

// newLogger builds the slog logger the configuration asks for.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
