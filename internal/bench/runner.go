package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// runner is the clock of one measurement: iterations that start before
// measureStart (the warm-up) or end after end are not counted.
type runner struct {
	rate                     float64
	start, measureStart, end time.Time
	// seq numbers the open-loop schedule's slots.
	seq atomic.Int64
	// ok and failed count counted iterations as they finish, for progress.
	ok, failed atomic.Int64
}

// measure runs one worker per iteration through the warm-up and the
// measured duration and returns the merged result. Cancelling ctx ends the
// run early; the result then covers the time measured.
func (b *bench) measure(ctx context.Context, iters []iteration) *Result {
	now := time.Now()
	r := &runner{rate: b.o.Rate, start: now, measureStart: now.Add(b.o.Warmup)}
	r.end = r.measureStart.Add(b.o.Duration)
	runCtx, cancel := context.WithDeadline(ctx, r.end)
	defer cancel()

	mode := "closed loop"
	if r.rate > 0 {
		mode = fmt.Sprintf("open loop at %g/s", r.rate)
	}
	if b.o.Warmup > 0 {
		fmt.Fprintf(b.progress, "warming up for %v\n", b.o.Warmup)
	}
	fmt.Fprintf(b.progress, "%s: %d workers, %s, measuring for %v\n", b.o.Scenario, len(iters), mode, b.o.Duration)

	per := make([]*stats, len(iters))
	var wg sync.WaitGroup
	for i, it := range iters {
		wg.Go(func() { per[i] = r.work(runCtx, it) })
	}
	done, reported := make(chan struct{}), make(chan struct{})
	go func() {
		r.report(runCtx, done, b)
		close(reported)
	}()
	wg.Wait()
	close(done)
	<-reported

	total := newStats()
	for _, s := range per {
		total.merge(s)
	}
	measured := b.o.Duration
	if ctx.Err() != nil { // cancelled: the time measured until then
		measured = max(min(time.Since(r.measureStart), measured), 0)
	}
	return newResult(b.o, measured, total)
}

// work runs it until the end and returns what it counted. Closed loop, each
// iteration starts when the previous ends and its latency is its own.
// Open loop, iterations are taken from a shared schedule of Rate per second
// and their latency runs from the scheduled start, so time spent queued
// behind busy workers counts (no coordinated omission).
func (r *runner) work(ctx context.Context, it iteration) *stats {
	s := newStats()
	for {
		begin := time.Now()
		if r.rate > 0 {
			slot := r.seq.Add(1) - 1
			begin = r.start.Add(time.Duration(float64(slot) * float64(time.Second) / r.rate))
			if !begin.Before(r.end) || !sleepUntil(ctx, begin) {
				return s
			}
		}
		if ctx.Err() != nil {
			return s
		}
		var t tally
		err := it(ctx, &t)
		end := time.Now()
		if begin.Before(r.measureStart) || end.After(r.end) || ctx.Err() != nil {
			continue // warm-up, or cut off by the end of the run
		}
		s.add(end.Sub(begin), &t, err)
		if err == nil {
			r.ok.Add(1)
		} else {
			r.failed.Add(1)
		}
	}
}

// sleepUntil waits until t; false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// report prints a progress line every second of the measurement.
func (r *runner) report(ctx context.Context, done <-chan struct{}, b *bench) {
	var lastOK int64
	for next := r.measureStart.Add(time.Second); next.Before(r.end); next = next.Add(time.Second) {
		timer := time.NewTimer(time.Until(next))
		select {
		case <-done:
			timer.Stop()
			return
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		ok := r.ok.Load()
		fmt.Fprintf(b.progress, "  %3.0fs  ok %d (%d/s)  errors %d\n",
			next.Sub(r.measureStart).Seconds(), ok, ok-lastOK, r.failed.Load())
		lastOK = ok
	}
}
