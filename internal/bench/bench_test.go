package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// options returns Options for a short run of scenario against f.
func options(f *fakeOP, scenario string) Options {
	return Options{
		Issuer: f.issuer, Scenario: scenario,
		ClientID: fakeClient, ClientSecret: fakeSecret, RedirectURI: fakeRedirect,
		Username: fakeUser, Password: fakePassword,
		Concurrency: 4, Duration: 300 * time.Millisecond, Timeout: 5 * time.Second,
	}
}

func TestScenarios(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Options)
		steps  bool
		events string // progress output wanted
	}{
		{name: "client_credentials", edit: func(o *Options) { o.Resource, o.Scope = "https://api.example.com", "read write" }},
		{name: "signin", steps: true},
		{name: "signin", edit: func(o *Options) { o.ClientID, o.ClientSecret = fakePublic, "" }, steps: true},
		{name: "refresh", events: "signing in 4 workers"},
		{name: "userinfo", events: "signing in 4 workers"},
		{name: "introspection"},
		{name: "discovery", edit: func(o *Options) { o.ClientID, o.ClientSecret = "", "" }},
		{name: "client_credentials", edit: func(o *Options) { o.Warmup = 100 * time.Millisecond }, events: "warming up"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOP(t, nil)
			o := options(f, tt.name)
			if tt.edit != nil {
				tt.edit(&o)
			}
			var progress strings.Builder
			r, err := Run(context.Background(), o, &progress)
			if err != nil {
				t.Fatal(err)
			}
			if r.Successes == 0 || r.Requests != r.Successes || len(r.Errors) != 0 {
				t.Errorf("requests %d, successes %d, errors %v %v", r.Requests, r.Successes, r.Errors, r.ErrorExamples)
			}
			if r.Status429 != 0 || r.Status5xx != 0 {
				t.Errorf("429s %d, 5xx %d", r.Status429, r.Status5xx)
			}
			if r.P50 <= 0 || r.P50 > r.P90 || r.P90 > r.P99 || r.P99 > r.Max {
				t.Errorf("latencies p50 %v p90 %v p99 %v max %v", r.P50, r.P90, r.P99, r.Max)
			}
			if r.Duration <= 0 || r.Duration > o.Duration || r.Throughput <= 0 {
				t.Errorf("duration %v, throughput %v", r.Duration, r.Throughput)
			}
			if got := len(r.Steps) == 3; got != tt.steps {
				t.Errorf("steps %+v", r.Steps)
			}
			if !strings.Contains(progress.String(), tt.events) {
				t.Errorf("progress %q does not mention %q", progress.String(), tt.events)
			}
		})
	}
}

func TestServerErrorsAreCounted(t *testing.T) {
	f := newFakeOP(t, func(f *fakeOP) { f.tokenStatus = http.StatusInternalServerError })
	r, err := Run(context.Background(), options(f, "client_credentials"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Successes != 0 || r.Errors["500"] == 0 || r.Errors["500"] != r.Requests || r.Status5xx != r.Requests {
		t.Errorf("successes %d, requests %d, errors %v, 5xx %d", r.Successes, r.Requests, r.Errors, r.Status5xx)
	}
	if !strings.Contains(r.ErrorExamples["500"], "HTTP 500") {
		t.Errorf("example %q", r.ErrorExamples["500"])
	}
}

func TestRefreshRecoversFromASpentToken(t *testing.T) {
	f := newFakeOP(t, func(f *fakeOP) { f.breakRefresh = 10 })
	r, err := Run(context.Background(), options(f, "refresh"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Each 500 spent a token: the worker signs in again instead of failing
	// with invalid_grant (400) from then on.
	if r.Errors["500"] == 0 || r.Status5xx != r.Errors["500"] || len(r.Errors) != 1 || r.Successes < 5*r.Errors["500"] {
		t.Errorf("successes %d, errors %v %v", r.Successes, r.Errors, r.ErrorExamples)
	}
}

func TestOpenLoopRate(t *testing.T) {
	f := newFakeOP(t, nil)
	o := options(f, "client_credentials")
	o.Rate, o.Duration = 100, 500*time.Millisecond
	r, err := Run(context.Background(), o, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 50 slots are scheduled in 500ms; the last ones may be cut off by the end.
	if r.Requests < 35 || r.Requests > 50 || len(r.Errors) != 0 {
		t.Errorf("requests %d, errors %v; want about 50 at 100/s for 500ms", r.Requests, r.Errors)
	}
}

// otherHost is a server the tool must never send anything to.
func otherHost(t *testing.T) (string, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

func TestOtherHostsAreRefused(t *testing.T) {
	other, hits := otherHost(t)
	t.Run("discovery endpoint", func(t *testing.T) {
		f := newFakeOP(t, func(f *fakeOP) { f.discoveryOverride = map[string]string{"token_endpoint": other + "/token"} })
		_, err := Run(context.Background(), options(f, "client_credentials"), nil)
		if err == nil || !strings.Contains(err.Error(), "not on the issuer's host") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("redirect during sign-in", func(t *testing.T) {
		f := newFakeOP(t, func(f *fakeOP) { f.loginURL = other + "/login" })
		r, err := Run(context.Background(), options(f, "signin"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Successes != 0 || r.Errors["refused"] == 0 {
			t.Errorf("successes %d, errors %v", r.Successes, r.Errors)
		}
	})
	if n := hits.Load(); n != 0 {
		t.Errorf("the other host got %d requests", n)
	}
}

func TestSetupErrors(t *testing.T) {
	f := newFakeOP(t, nil)
	tests := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"unknown scenario", func(o *Options) { o.Scenario = "nope" }, "want one of"},
		{"no issuer", func(o *Options) { o.Issuer = "" }, "--issuer is required"},
		{"issuer not http", func(o *Options) { o.Issuer = "ftp://x/oidc" }, "want an http(s) URL"},
		{"negative concurrency", func(o *Options) { o.Concurrency = -1 }, "--concurrency"},
		{"negative rate", func(o *Options) { o.Rate = -1 }, "--rate"},
		{"no secret", func(o *Options) { o.Scenario, o.ClientSecret = "introspection", "" }, "needs --client-secret"},
		{"no password", func(o *Options) { o.Scenario, o.Password = "refresh", "" }, "needs --username and --password"},
		{"relative redirect", func(o *Options) { o.Scenario, o.RedirectURI = "signin", "/cb" }, "--redirect-uri"},
		{"unreachable", func(o *Options) { o.Issuer = "http://127.0.0.1:1/oidc" }, "discovery"},
		{"no discovery", func(o *Options) { o.Issuer = f.srv.URL + "/elsewhere" }, "HTTP 404"},
		{"wrong password", func(o *Options) { o.Scenario, o.Password = "userinfo", "wrong" }, "wrong username or password"},
		{"wrong secret", func(o *Options) { o.Scenario, o.ClientSecret = "introspection", "wrong" }, "HTTP 401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := options(f, "client_credentials")
			tt.edit(&o)
			_, err := Run(context.Background(), o, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSignInErrorsAreCounted(t *testing.T) {
	f := newFakeOP(t, nil)
	o := options(f, "signin")
	o.Password = "wrong"
	r, err := Run(context.Background(), o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Successes != 0 || r.Errors["protocol"] != r.Requests || r.Requests == 0 {
		t.Errorf("successes %d, requests %d, errors %v", r.Successes, r.Requests, r.Errors)
	}
}

func TestCancelEndsEarly(t *testing.T) {
	f := newFakeOP(t, nil)
	o := options(f, "discovery")
	o.Duration = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	r, err := Run(ctx, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Duration > time.Second || r.Successes == 0 {
		t.Errorf("duration %v, successes %d", r.Duration, r.Successes)
	}
}
