package server

import (
	"context"
	"math/rand/v2"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// overloadDetector watches the Go scheduler's latency: how long runnable
// goroutines waited for a CPU. Counting requests in flight cannot see
// overload on a CPU-bound server, because the queue forms before a request's
// goroutine first runs (in the run queue and socket buffers), not inside
// the handler. When the recent scheduling latency passes the threshold, new
// requests are shed with 429 at a fraction of the cost of serving them, so
// the accepted ones keep their latency.
type overloadDetector struct {
	threshold   time.Duration
	minArrivals int64
	// shed is the fraction of new requests to turn away, in 1/1000: raised
	// while the scheduler is late, lowered while it is not (AIMD-like), so
	// the server settles near its capacity instead of flapping between
	// shedding everything and nothing.
	shed atomic.Int64
	// arrivals counts requests since the last sample: a scheduler late for
	// other reasons (a busy machine, a test suite) must not shed a server
	// that gets little traffic.
	arrivals atomic.Int64
	sample   []metrics.Sample
	prev     []uint64
}

const schedLatency = "/sched/latencies:seconds"

// The controller's tuning, measured with scripts/overload.sh (docs/benchmarks.md):
// at saturation (8 concurrent token requests per core) the scheduler's p90
// stays under 3 ms, so a 5 ms threshold sheds nothing there; at twice the
// core's capacity, 5% steps every 50 ms keep ~80% of the capacity as
// goodput with a bounded p99 instead of an ever-growing queue.
const (
	schedThreshold = 5 * time.Millisecond
	shedStep       = 50 // of 1000
	sampleInterval = 50 * time.Millisecond
	// minArrivals per interval (1,000 requests/s) before shedding starts.
	minArrivals = 50
)

func newOverloadDetector(threshold time.Duration) *overloadDetector {
	return &overloadDetector{threshold: threshold, minArrivals: minArrivals, sample: []metrics.Sample{{Name: schedLatency}}}
}

// run samples every interval until ctx is done.
func (d *overloadDetector) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			d.shed.Store(0)
			return
		case <-t.C:
			cur := d.shed.Load()
			busy := d.arrivals.Swap(0) >= d.minArrivals
			if d.check() && busy {
				cur = min(cur+shedStep, 950)
			} else {
				cur = max(cur-shedStep, 0)
			}
			d.shed.Store(cur)
		}
	}
}

// check reports whether the 90th percentile of the scheduling latencies
// observed since the last check exceeds the threshold.
func (d *overloadDetector) check() bool {
	metrics.Read(d.sample)
	if d.sample[0].Value.Kind() != metrics.KindFloat64Histogram {
		return false
	}
	h := d.sample[0].Value.Float64Histogram()
	if len(d.prev) != len(h.Counts) {
		d.prev = make([]uint64, len(h.Counts))
		copy(d.prev, h.Counts)
		return false
	}
	var total uint64
	delta := make([]uint64, len(h.Counts))
	for i, c := range h.Counts {
		delta[i] = c - d.prev[i]
		total += delta[i]
	}
	copy(d.prev, h.Counts)
	if total < 5 {
		return false
	}
	limit := d.threshold.Seconds()
	var above uint64
	for i, c := range delta {
		// Buckets[i] is the lower bound of bucket i.
		if h.Buckets[i] >= limit {
			above += c
		}
	}
	return above*10 > total
}

// overloaded decides, for one request, whether to shed it.
func (d *overloadDetector) overloaded() bool {
	if d == nil {
		return false
	}
	d.arrivals.Add(1)
	p := d.shed.Load()
	return p > 0 && rand.Int64N(1000) < p
}
