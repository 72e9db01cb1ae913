package bench

import (
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		ds := make([]time.Duration, len(ns))
		for i, n := range ns {
			ds[i] = time.Duration(n) * time.Millisecond
		}
		return ds
	}
	oneTo := func(n int) []time.Duration {
		ds := make([]time.Duration, n)
		for i := range ds {
			ds[i] = time.Duration(n-i) * time.Millisecond // unsorted on purpose
		}
		return ds
	}
	tests := []struct {
		name    string
		samples []time.Duration
		want    distribution // in milliseconds
	}{
		{"none", nil, distribution{}},
		{"one", ms(7), distribution{1, 7, 7, 7, 7}},
		{"two", ms(9, 1), distribution{2, 1, 9, 9, 9}},
		{"1..10", oneTo(10), distribution{10, 5, 9, 10, 10}},
		{"1..100", oneTo(100), distribution{100, 50, 90, 99, 100}},
		{"1..1000", oneTo(1000), distribution{1000, 500, 900, 990, 1000}},
		{"outlier", ms(1, 1, 1, 1, 1, 1, 1, 1, 1, 500), distribution{10, 1, 1, 500, 500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := distributionOf(tt.samples)
			want := tt.want
			for _, d := range []*time.Duration{&want.P50, &want.P90, &want.P99, &want.Max} {
				*d *= time.Millisecond
			}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestStatsMerge(t *testing.T) {
	a, b := newStats(), newStats()
	a.add(time.Millisecond, &tally{steps: []stepSample{{stepToken, time.Millisecond}}}, nil)
	a.add(0, &tally{n5xx: 1}, &statusError{code: 503, body: "first"})
	b.add(0, &tally{n5xx: 2}, &statusError{code: 503, body: "second"})
	b.add(0, &tally{n429: 1}, &statusError{code: 429})
	b.add(2*time.Millisecond, &tally{}, nil)
	a.merge(b)
	if a.requests != 5 || a.successes != 2 || a.n5xx != 3 || a.n429 != 1 || len(a.latencies) != 2 || len(a.steps[stepToken]) != 1 {
		t.Errorf("merged %+v", a)
	}
	if a.errors["503"] != 2 || a.errors["429"] != 1 || a.examples["503"] != "HTTP 503: first" {
		t.Errorf("errors %v, examples %v", a.errors, a.examples)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&statusError{code: 500}, "500"},
		{fmt.Errorf("wrapped: %w", &statusError{code: 429}), "429"},
		{protocolf("no code"), "protocol"},
		{&url.Error{Op: "Get", URL: "http://x", Err: fmt.Errorf("%w: x", errOtherHost)}, "refused"},
		{errors.New("connection refused"), "transport"},
	}
	for _, tt := range tests {
		if got := classify(tt.err); got != tt.want {
			t.Errorf("classify(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestOrigin(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"https://id.example.com/oidc", "https://ID.example.com:443/oidc/token", true},
		{"http://127.0.0.1:3001/oidc", "http://127.0.0.1:3001/interaction/x", true},
		{"http://127.0.0.1:3001/oidc", "http://127.0.0.1:3002/oidc", false},
		{"http://id.example.com/oidc", "https://id.example.com/oidc", false},
		{"https://id.example.com/oidc", "https://id.example.com.evil.test/oidc", false},
		{"https://id.example.com/oidc", "https://evil.test/id.example.com/oidc", false},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if got := origin(a) == origin(b); got != tt.same {
			t.Errorf("same origin %s %s = %v", tt.a, tt.b, got)
		}
	}
}
