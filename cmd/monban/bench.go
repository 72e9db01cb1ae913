package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/bench"
)

const benchUsage = `Usage: monban bench --issuer URL --scenario NAME [flags]

Drives any OpenID provider with load and prints throughput and latency. It
only sends requests to the issuer's host (scheme, host and port); it refuses
to run when the discovery document names endpoints elsewhere.

Scenarios:
  client_credentials  --client-id --client-secret [--resource] [--scope]
  signin              --client-id [--client-secret] --redirect-uri --username --password
                      (one iteration = a whole authorization code + PKCE sign-in)
  refresh             as signin; signs in once per worker, then rotates refresh tokens
  userinfo            as signin; signs in once per worker, then GETs userinfo
  introspection       --client-id --client-secret [--resource]
  discovery           GETs the discovery document and the JWKS alternately

Progress goes to stderr, the result to stdout (one JSON object with --json).
Request errors are counted, not fatal; setup failures exit 2.

Flags:
`

// benchCmd runs "monban bench".
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("monban bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, benchUsage)
		fs.PrintDefaults()
	}
	o := bench.Options{}
	fs.StringVar(&o.Issuer, "issuer", "", "issuer URL, e.g. http://127.0.0.1:3001/oidc (required)")
	fs.StringVar(&o.Scenario, "scenario", "", "one of "+strings.Join(bench.Scenarios(), ", ")+" (required)")
	fs.StringVar(&o.ClientID, "client-id", "", "client ID")
	fs.StringVar(&o.ClientSecret, "client-secret", "", "client secret (HTTP Basic authentication); none for a public client")
	fs.StringVar(&o.RedirectURI, "redirect-uri", "", "redirect URI registered for the client (sign-ins stop there)")
	fs.StringVar(&o.Username, "username", "", "user to sign in as")
	fs.StringVar(&o.Password, "password", "", "the user's password")
	fs.StringVar(&o.Resource, "resource", "", "API resource indicator for tokens (RFC 8707)")
	fs.StringVar(&o.Scope, "scope", "", "space-separated scopes to request")
	fs.IntVar(&o.Concurrency, "concurrency", bench.DefaultConcurrency, "number of workers")
	fs.DurationVar(&o.Duration, "duration", bench.DefaultDuration, "measured duration")
	fs.DurationVar(&o.Warmup, "warmup", time.Second, "warm-up before measuring, not counted")
	fs.Float64Var(&o.Rate, "rate", 0, "open-loop target in iterations/s over all workers; 0 = closed loop, as fast as possible")
	fs.DurationVar(&o.Timeout, "timeout", bench.DefaultTimeout, "timeout of each HTTP request")
	fs.BoolVar(&o.InsecureSkipVerify, "insecure-skip-verify", false, "do not verify TLS certificates (test servers only)")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if o.Concurrency <= 0 || o.Duration <= 0 || o.Timeout <= 0 {
		return usageError{errors.New("bench: --concurrency, --duration and --timeout must be positive")}
	}
	res, err := bench.Run(ctx, o, stderr)
	if err != nil {
		return usageError{fmt.Errorf("bench: %w", err)}
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	res.WriteText(stdout)
	return nil
}
