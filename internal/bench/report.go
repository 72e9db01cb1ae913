package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Result is what one run measured. Requests counts the iterations counted
// (one iteration of signin is a whole sign-in of several HTTP requests),
// Successes those that succeeded; latencies are those of the successful
// iterations. Status429 and Status5xx count HTTP responses, of every request
// of the counted iterations.
type Result struct {
	Scenario    string
	Concurrency int
	// Rate is the open-loop target per second, 0 for closed loop.
	Rate float64
	// Duration is the measured time (the warm-up excluded).
	Duration            time.Duration
	Requests, Successes int64
	// Errors counts failed iterations by class: the HTTP status code,
	// "transport" (connection, timeout), "protocol" (a response without what
	// the flow needs) or "refused" (a redirect off the issuer's host).
	Errors map[string]int64
	// ErrorExamples is the first error message of each class.
	ErrorExamples map[string]string
	// Throughput is Successes per second of Duration.
	Throughput         float64
	P50, P90, P99, Max time.Duration
	Status429          int64
	Status5xx          int64
	// Steps are sub-step latencies (the signin scenario: authorize, submit, token).
	Steps []Step
}

// Step is the latency distribution of one named sub-step.
type Step struct {
	Name               string
	Count              int64
	P50, P90, P99, Max time.Duration
}

// newResult builds the Result of a run from its merged stats.
func newResult(o Options, measured time.Duration, s *stats) *Result {
	d := distributionOf(s.latencies)
	r := &Result{
		Scenario: o.Scenario, Concurrency: o.Concurrency, Rate: o.Rate, Duration: measured,
		Requests: s.requests, Successes: s.successes,
		Errors: s.errors, ErrorExamples: s.examples,
		P50: d.P50, P90: d.P90, P99: d.P99, Max: d.Max,
		Status429: s.n429, Status5xx: s.n5xx,
	}
	if measured > 0 {
		r.Throughput = float64(s.successes) / measured.Seconds()
	}
	for _, name := range sortedKeys(s.steps, stepRank) {
		sd := distributionOf(s.steps[name])
		r.Steps = append(r.Steps, Step{Name: name, Count: sd.Count, P50: sd.P50, P90: sd.P90, P99: sd.P99, Max: sd.Max})
	}
	return r
}

// WriteText writes the result for people, one aligned line per figure.
func (r *Result) WriteText(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	mode := "closed loop"
	if r.Rate > 0 {
		mode = fmt.Sprintf("open loop, target %g/s", r.Rate)
	}
	fmt.Fprintf(tw, "scenario\t%s\n", r.Scenario)
	fmt.Fprintf(tw, "concurrency\t%d (%s)\n", r.Concurrency, mode)
	fmt.Fprintf(tw, "duration\t%v\n", r.Duration.Round(time.Millisecond))
	fmt.Fprintf(tw, "requests\t%d\n", r.Requests)
	fmt.Fprintf(tw, "successes\t%d\n", r.Successes)
	fmt.Fprintf(tw, "throughput\t%.1f/s\n", r.Throughput)
	fmt.Fprintf(tw, "latency ms\tp50 %s  p90 %s  p99 %s  max %s\n", ms(r.P50), ms(r.P90), ms(r.P99), ms(r.Max))
	fmt.Fprintf(tw, "429 responses\t%d\n", r.Status429)
	fmt.Fprintf(tw, "5xx responses\t%d\n", r.Status5xx)
	classes := sortedKeys(r.Errors, strings.Compare)
	parts := make([]string, len(classes))
	var n int64
	for i, c := range classes {
		parts[i] = fmt.Sprintf("%s: %d", c, r.Errors[c])
		n += r.Errors[c]
	}
	if n == 0 {
		fmt.Fprintf(tw, "errors\t0\n")
	} else {
		fmt.Fprintf(tw, "errors\t%d (%s)\n", n, strings.Join(parts, ", "))
	}
	for _, c := range classes {
		fmt.Fprintf(tw, "  %s\te.g. %s\n", c, r.ErrorExamples[c])
	}
	for _, s := range r.Steps {
		fmt.Fprintf(tw, "step %s ms\tp50 %s  p90 %s  p99 %s  max %s  (n=%d)\n", s.Name, ms(s.P50), ms(s.P90), ms(s.P99), ms(s.Max), s.Count)
	}
	tw.Flush()
}

// ms formats d in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f", msf(d)) }

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// latencyJSON is a distribution in milliseconds.
type latencyJSON struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// stepJSON is a Step in milliseconds.
type stepJSON struct {
	Count int64 `json:"count"`
	latencyJSON
}

// MarshalJSON writes the result as one object with durations in seconds
// (duration_s) and milliseconds (latency_ms, steps_ms).
func (r Result) MarshalJSON() ([]byte, error) {
	steps := map[string]stepJSON{}
	for _, s := range r.Steps {
		steps[s.Name] = stepJSON{s.Count, latencyJSON{msf(s.P50), msf(s.P90), msf(s.P99), msf(s.Max)}}
	}
	errs := r.Errors
	if errs == nil {
		errs = map[string]int64{}
	}
	return json.Marshal(struct {
		Scenario      string              `json:"scenario"`
		Concurrency   int                 `json:"concurrency"`
		Rate          float64             `json:"rate"`
		DurationS     float64             `json:"duration_s"`
		Requests      int64               `json:"requests"`
		Successes     int64               `json:"successes"`
		Errors        map[string]int64    `json:"errors"`
		ErrorExamples map[string]string   `json:"error_examples,omitempty"`
		Throughput    float64             `json:"throughput"`
		LatencyMS     latencyJSON         `json:"latency_ms"`
		Status429     int64               `json:"status_429"`
		Status5xx     int64               `json:"status_5xx"`
		StepsMS       map[string]stepJSON `json:"steps_ms,omitempty"`
	}{
		r.Scenario, r.Concurrency, r.Rate, r.Duration.Seconds(), r.Requests, r.Successes,
		errs, r.ErrorExamples, r.Throughput,
		latencyJSON{msf(r.P50), msf(r.P90), msf(r.P99), msf(r.Max)},
		r.Status429, r.Status5xx, steps,
	})
}

// sortedKeys returns m's keys sorted by cmp.
func sortedKeys[V any](m map[string]V, cmp func(a, b string) int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp)
	return keys
}
