// Package bench drives an OpenID provider with load and measures it: the
// engine of "monban bench".
//
// It works against any provider given its issuer, a client and (for the
// scenarios that sign in) a user, and it only ever talks to the issuer's
// origin: the discovery document's endpoints must share the issuer's scheme,
// host and port, and every request, redirects included, goes through a
// transport that refuses any other destination.
//
// Scenarios:
//
//	client_credentials  POST token endpoint, grant_type=client_credentials
//	signin              a full authorization code + PKCE sign-in through the HTML form
//	refresh             refresh_token grant in a loop, always with the newest token
//	userinfo            GET userinfo with a bearer access token
//	introspection       POST introspection endpoint with one access token
//	discovery           GET the discovery document and the JWKS alternately
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Options configures a run. Zero values take the defaults noted per field.
type Options struct {
	// Issuer is the provider's issuer URL; discovery is {Issuer}/.well-known/openid-configuration.
	Issuer string
	// Scenario is one of Scenarios().
	Scenario string

	ClientID, ClientSecret string
	// RedirectURI is registered for the client; sign-ins stop at it.
	RedirectURI string
	// Username and Password sign in through the provider's HTML form.
	Username, Password string
	// Resource (RFC 8707) and Scope are added to token and authorization requests.
	Resource, Scope string

	// Concurrency is the number of workers (default 8).
	Concurrency int
	// Duration is the measured time (default 10s); Warmup runs before it and is not counted (default 0).
	Duration, Warmup time.Duration
	// Timeout bounds each HTTP request (default 10s).
	Timeout time.Duration
	// Rate, when positive, is the open-loop target in iterations per second over
	// all workers; zero runs closed loop, each worker as fast as it can.
	Rate float64
	// InsecureSkipVerify disables TLS certificate verification (test servers only).
	InsecureSkipVerify bool
}

// Defaults for zero Options fields.
const (
	DefaultConcurrency = 8
	DefaultDuration    = 10 * time.Second
	DefaultTimeout     = 10 * time.Second
)

// Scenarios returns the scenario names Run accepts, sorted.
func Scenarios() []string {
	names := make([]string, 0, len(scenarios))
	for name := range scenarios {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// withDefaults returns o with zero fields defaulted and the issuer's trailing
// slash removed, or an error naming the first invalid option.
func (o Options) withDefaults() (Options, error) {
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Duration == 0 {
		o.Duration = DefaultDuration
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	o.Issuer = strings.TrimRight(o.Issuer, "/")
	sc, ok := scenarios[o.Scenario]
	switch {
	case !ok:
		return o, fmt.Errorf("--scenario %q: want one of %s", o.Scenario, strings.Join(Scenarios(), ", "))
	case o.Concurrency < 0:
		return o, errors.New("--concurrency must be positive")
	case o.Duration < 0 || o.Warmup < 0 || o.Timeout < 0:
		return o, errors.New("--duration, --warmup and --timeout must not be negative")
	case o.Rate < 0:
		return o, errors.New("--rate must not be negative")
	}
	if err := checkIssuer(o.Issuer); err != nil {
		return o, err
	}
	if sc.client && o.ClientID == "" {
		return o, fmt.Errorf("scenario %s needs --client-id", o.Scenario)
	}
	if sc.secret && o.ClientSecret == "" {
		return o, fmt.Errorf("scenario %s needs --client-secret", o.Scenario)
	}
	if sc.user {
		if o.Username == "" || o.Password == "" {
			return o, fmt.Errorf("scenario %s needs --username and --password", o.Scenario)
		}
		if u, err := url.Parse(o.RedirectURI); err != nil || !u.IsAbs() {
			return o, fmt.Errorf("scenario %s needs --redirect-uri as an absolute URL", o.Scenario)
		}
	}
	return o, nil
}

// checkIssuer accepts absolute http(s) URLs without query or fragment.
func checkIssuer(issuer string) error {
	if issuer == "" {
		return errors.New("--issuer is required")
	}
	u, err := url.Parse(issuer)
	if err != nil {
		return fmt.Errorf("--issuer: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("--issuer %q: want an http(s) URL without query or fragment", issuer)
	}
	return nil
}

// Run checks o, fetches discovery, prepares the workers (sign-ins and tokens
// the scenario needs), runs the warm-up and the measured duration, and
// returns what was measured. Setup problems return an error; request errors
// during the run are counted in the Result. Cancelling ctx during the
// measurement ends it early with the partial result. Progress lines go to
// progress, which may be nil.
func Run(ctx context.Context, o Options, progress io.Writer) (*Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if progress == nil {
		progress = io.Discard
	}
	b, err := newBench(ctx, o, progress)
	if err != nil {
		return nil, err
	}
	defer b.close()
	sc := scenarios[o.Scenario]
	if err := b.disc.check(b.origin, sc.needs); err != nil {
		return nil, err
	}
	iters, err := sc.setup(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return b.measure(ctx, iters), nil
}
