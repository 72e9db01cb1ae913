package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// iteration is one measured unit of work of one worker; nil means success.
// It records 429s, 5xx and sub-step latencies in t. A worker's iterations
// run one after the other, so an iteration may keep state between calls.
type iteration func(ctx context.Context, t *tally) error

// scenario is what a scenario needs and how it prepares its workers.
type scenario struct {
	// needs are the discovery endpoints used, checked to be on the issuer's host.
	needs []string
	// client, secret and user say which options are required.
	client, secret, user bool
	// setup does the unmeasured preparation and returns one iteration per worker.
	setup func(ctx context.Context, b *bench) ([]iteration, error)
}

var scenarios = map[string]scenario{
	"client_credentials": {
		needs: []string{"token_endpoint"}, client: true, secret: true,
		setup: func(_ context.Context, b *bench) ([]iteration, error) {
			return b.each(func(int) iteration {
				return func(ctx context.Context, t *tally) error {
					_, err := b.clientCredentials(ctx, t)
					return err
				}
			}), nil
		},
	},
	"signin": {
		needs: []string{"authorization_endpoint", "token_endpoint"}, client: true, user: true,
		setup: func(_ context.Context, b *bench) ([]iteration, error) {
			return b.each(func(int) iteration {
				return func(ctx context.Context, t *tally) error {
					_, err := b.signIn(ctx, t)
					return err
				}
			}), nil
		},
	},
	"refresh": {
		needs: []string{"authorization_endpoint", "token_endpoint"}, client: true, user: true,
		setup: setupRefresh,
	},
	"userinfo": {
		needs: []string{"authorization_endpoint", "token_endpoint", "userinfo_endpoint"}, client: true, user: true,
		setup: setupUserinfo,
	},
	"introspection": {
		needs: []string{"token_endpoint", "introspection_endpoint"}, client: true, secret: true,
		setup: setupIntrospection,
	},
	"discovery": {
		needs: []string{"jwks_uri"},
		setup: setupDiscovery,
	},
}

// each returns one iteration per worker made by mk.
func (b *bench) each(mk func(worker int) iteration) []iteration {
	iters := make([]iteration, b.o.Concurrency)
	for i := range iters {
		iters[i] = mk(i)
	}
	return iters
}

// setupRefresh signs each worker in once; each iteration redeems the
// worker's newest refresh token. After a failure other than 429 the token
// may be spent, so the next iteration signs in again first.
func setupRefresh(ctx context.Context, b *bench) ([]iteration, error) {
	fmt.Fprintf(b.progress, "signing in %d workers as %s\n", b.o.Concurrency, b.o.Username)
	toks, err := b.signInAll(ctx, b.o.Concurrency)
	if err != nil {
		return nil, err
	}
	if toks[0].RefreshToken == "" {
		return nil, errors.New("the sign-in returned no refresh_token (does the client get offline_access?)")
	}
	return b.each(func(i int) iteration {
		token := toks[i].RefreshToken
		return func(ctx context.Context, t *tally) error {
			if token == "" {
				tr, err := b.signIn(ctx, t)
				if err != nil {
					return err
				}
				token = tr.RefreshToken
			}
			tr, err := b.refresh(ctx, token, t)
			switch {
			case err != nil && !isStatus(err, http.StatusTooManyRequests):
				token = ""
			case err == nil && tr.RefreshToken != "":
				token = tr.RefreshToken
			}
			return err
		}
	}), nil
}

// setupUserinfo signs each worker in once; each iteration calls userinfo
// with the worker's access token, signing in again after a 401.
func setupUserinfo(ctx context.Context, b *bench) ([]iteration, error) {
	fmt.Fprintf(b.progress, "signing in %d workers as %s\n", b.o.Concurrency, b.o.Username)
	toks, err := b.signInAll(ctx, b.o.Concurrency)
	if err != nil {
		return nil, err
	}
	return b.each(func(i int) iteration {
		token := toks[i].AccessToken
		return func(ctx context.Context, t *tally) error {
			if token == "" {
				tr, err := b.signIn(ctx, t)
				if err != nil {
					return err
				}
				token = tr.AccessToken
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.disc.UserinfoEndpoint, nil)
			if err != nil {
				return err
			}
			req.Header.Set("Authorization", "Bearer "+token)
			err = expectJSON(b.client, req, t, func(v map[string]any) bool { return v["sub"] != nil }, "sub")
			if isStatus(err, http.StatusUnauthorized) {
				token = ""
			}
			return err
		}
	}), nil
}

// setupIntrospection gets one access token; each iteration introspects it.
func setupIntrospection(ctx context.Context, b *bench) ([]iteration, error) {
	tr, err := b.clientCredentials(ctx, &tally{})
	if err != nil {
		return nil, fmt.Errorf("client_credentials token: %w", err)
	}
	return b.each(func(int) iteration {
		return func(ctx context.Context, t *tally) error {
			form := url.Values{"token": {tr.AccessToken}, "token_type_hint": {"access_token"}}
			res, err := b.postForm(ctx, b.client, b.disc.IntrospectionEndpoint, form, false, t)
			if err != nil {
				return err
			}
			return checkJSON(res, func(v map[string]any) bool { return v["active"] == true }, `"active": true`)
		}
	}), nil
}

// setupDiscovery alternates the discovery document and the JWKS per worker,
// neighbouring workers starting with different ones.
func setupDiscovery(_ context.Context, b *bench) ([]iteration, error) {
	return b.each(func(i int) iteration {
		n := i
		return func(ctx context.Context, t *tally) error {
			n++
			target, ok, want := b.discoveryURL, func(v map[string]any) bool { return v["issuer"] != nil }, "issuer"
			if n%2 == 0 {
				target, ok, want = b.disc.JWKSURI, func(v map[string]any) bool { _, k := v["keys"].([]any); return k }, "keys"
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
			if err != nil {
				return err
			}
			return expectJSON(b.client, req, t, ok, want)
		}
	}), nil
}

// expectJSON sends req and checks the response with checkJSON.
func expectJSON(c *http.Client, req *http.Request, t *tally, ok func(map[string]any) bool, want string) error {
	req.Header.Set("Accept", "application/json")
	res, err := send(c, req, t)
	if err != nil {
		return err
	}
	return checkJSON(res, ok, want)
}

// checkJSON wants a 200 response with a JSON object that ok accepts; want
// describes what ok looks for, for the error message.
func checkJSON(res *response, ok func(map[string]any) bool, want string) error {
	if res.status != http.StatusOK {
		return unexpected(res)
	}
	var v map[string]any
	if err := json.Unmarshal(res.body, &v); err != nil {
		return protocolf("%s: %v", res.url.Redacted(), err)
	}
	if !ok(v) {
		return protocolf("%s: response has no %s", res.url.Redacted(), want)
	}
	return nil
}

// isStatus reports whether err is an unexpected HTTP status code.
func isStatus(err error, code int) bool {
	var se *statusError
	return errors.As(err, &se) && se.code == code
}
