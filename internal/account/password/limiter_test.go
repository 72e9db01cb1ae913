package password

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewLimiterSize(t *testing.T) {
	tests := []struct {
		n, want int
	}{
		{1, 1},
		{3, 3},
		{0, runtime.GOMAXPROCS(0)},
		{-5, runtime.GOMAXPROCS(0)},
	}
	for _, tt := range tests {
		if got := cap(NewLimiter(tt.n).slots); got != tt.want {
			t.Errorf("NewLimiter(%d) allows %d, want %d", tt.n, got, tt.want)
		}
	}
}

func TestLimiterCaps(t *testing.T) {
	const limit, workers = 3, 20
	l := NewLimiter(limit)
	var (
		running, peak atomic.Int32
		wg            sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			err := l.Do(context.Background(), func() {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(5 * time.Millisecond)
				running.Add(-1)
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p > limit || p < 1 {
		t.Errorf("peak concurrency %d, want 1..%d", p, limit)
	}
}

func TestLimiterContext(t *testing.T) {
	l := NewLimiter(1)
	release := make(chan struct{})
	started := make(chan struct{})
	go l.Do(context.Background(), func() {
		close(started)
		<-release
	})
	<-started
	defer close(release)

	t.Run("deadline while waiting", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		ran := false
		err := l.Do(ctx, func() { ran = true })
		if !errors.Is(err, context.DeadlineExceeded) || ran {
			t.Errorf("Do = %v, ran = %v; want DeadlineExceeded, false", err, ran)
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		ran := false
		err := NewLimiter(1).Do(ctx, func() { ran = true })
		if !errors.Is(err, context.Canceled) || ran {
			t.Errorf("Do = %v, ran = %v; want Canceled, false", err, ran)
		}
	})
}

func TestLimiterReleasesOnPanic(t *testing.T) {
	l := NewLimiter(1)
	func() {
		defer func() { recover() }()
		l.Do(context.Background(), func() { panic("boom") })
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := l.Do(ctx, func() {}); err != nil {
		t.Errorf("slot not released after panic: %v", err)
	}
}

func TestLimiterShedsAfterMaxWait(t *testing.T) {
	l := NewLimiter(1)
	l.MaxWait = 20 * time.Millisecond
	hold := make(chan struct{})
	go l.Do(context.Background(), func() { <-hold })
	time.Sleep(5 * time.Millisecond)
	if err := l.Do(context.Background(), func() { t.Error("ran while the slot was held") }); err != ErrBusy {
		t.Fatalf("Do while busy = %v, want ErrBusy", err)
	}
	close(hold)
}
