package bench

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// stats is what one worker measured; the workers' stats are merged at the
// end, so recording takes no lock.
type stats struct {
	// latencies are those of successful iterations.
	latencies []time.Duration
	// steps are sub-step latencies by step name.
	steps map[string][]time.Duration
	// errors counts failed iterations by class; examples keeps the first
	// message of each class.
	errors   map[string]int64
	examples map[string]string

	requests, successes, n429, n5xx int64
}

func newStats() *stats {
	return &stats{steps: map[string][]time.Duration{}, errors: map[string]int64{}, examples: map[string]string{}}
}

// add records one counted iteration.
func (s *stats) add(d time.Duration, t *tally, err error) {
	s.requests++
	s.n429 += t.n429
	s.n5xx += t.n5xx
	for _, st := range t.steps {
		s.steps[st.name] = append(s.steps[st.name], st.d)
	}
	if err == nil {
		s.successes++
		s.latencies = append(s.latencies, d)
		return
	}
	class := classify(err)
	s.errors[class]++
	if _, ok := s.examples[class]; !ok {
		s.examples[class] = err.Error()
	}
}

// merge adds o into s.
func (s *stats) merge(o *stats) {
	s.latencies = append(s.latencies, o.latencies...)
	for name, ds := range o.steps {
		s.steps[name] = append(s.steps[name], ds...)
	}
	for class, n := range o.errors {
		s.errors[class] += n
		if _, ok := s.examples[class]; !ok {
			s.examples[class] = o.examples[class]
		}
	}
	s.requests += o.requests
	s.successes += o.successes
	s.n429 += o.n429
	s.n5xx += o.n5xx
}

// distribution is the p50, p90, p99 and max of some latencies.
type distribution struct {
	Count              int64
	P50, P90, P99, Max time.Duration
}

// distributionOf sorts ds and returns its exact percentiles.
func distributionOf(ds []time.Duration) distribution {
	slices.Sort(ds)
	return distribution{
		Count: int64(len(ds)),
		P50:   percentile(ds, 50),
		P90:   percentile(ds, 90),
		P99:   percentile(ds, 99),
		Max:   percentile(ds, 100),
	}
}

// percentile returns the nearest-rank p-th percentile of sorted: the
// smallest sample that at least p percent of the samples are less than or
// equal to. It is zero for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p * float64(len(sorted)) / 100))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// stepOrder is the order sub-steps are reported in; others follow by name.
var stepOrder = []string{stepAuthorize, stepSubmit, stepToken}

// stepRank orders step names for the report.
func stepRank(a, b string) int {
	ia, ib := slices.Index(stepOrder, a), slices.Index(stepOrder, b)
	if ia < 0 {
		ia = len(stepOrder)
	}
	if ib < 0 {
		ib = len(stepOrder)
	}
	return cmp.Or(cmp.Compare(ia, ib), cmp.Compare(a, b))
}
