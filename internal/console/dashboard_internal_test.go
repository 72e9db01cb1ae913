package console

import (
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/audit"
)

func TestNiceCeil(t *testing.T) {
	for n, want := range map[int64]int64{0: 2, 1: 2, 2: 2, 3: 5, 5: 5, 6: 10, 11: 20, 21: 50, 51: 100, 999: 1000, 1001: 2000} {
		if got := niceCeil(n); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestBarChart(t *testing.T) {
	day := time.Date(2026, 11, 13, 0, 0, 0, 0, time.UTC)
	var days []audit.DayCount
	for i := range 14 {
		days = append(days, audit.DayCount{Day: day.AddDate(0, 0, i), Count: int64(i % 4)})
	}
	days[13].Count = 9
	ch := barChart("c", "Sign-ins", days)
	if len(ch.Bars) != 14 || ch.Total != 9+int64(0+1+2+3+0+1+2+3+0+1+2+3+0) {
		t.Fatalf("%d bars, total %d", len(ch.Bars), ch.Total)
	}
	// Scale: 9 rounds to 10; a bar of 9 is 90% of the plot's height.
	plot := ch.Base - chartTop
	last := ch.Bars[13]
	if last.H != round1(plot*0.9) || last.Y+last.H != ch.Base || last.Day != "2026-11-26" || last.Short != "11-26" {
		t.Errorf("last bar %+v (plot %v)", last, plot)
	}
	if b := ch.Bars[0]; b.H != 0 || b.Y != ch.Base || b.Short != "" {
		t.Errorf("empty bar %+v", b)
	}
	if g := ch.Grid; len(g) != 3 || g[0].Label != "0" || g[1].Label != "5" || g[2].Label != "10" || g[2].Y != chartTop {
		t.Errorf("grid %+v", g)
	}
	for i, b := range ch.Bars {
		if b.X < chartLeft || b.X+b.W > chartW-chartRight+0.1 || (i > 0 && b.X <= ch.Bars[i-1].X) {
			t.Errorf("bar %d out of place: %+v", i, b)
		}
	}
	// Nothing at all: a flat chart with a 0..2 scale.
	empty := barChart("e", "New", days[:0])
	if len(empty.Bars) != 0 || len(empty.Grid) != 3 {
		t.Errorf("empty chart %+v", empty)
	}
}
