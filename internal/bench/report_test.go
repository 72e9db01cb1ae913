package bench

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var sample = &Result{
	Scenario: "signin", Concurrency: 16, Duration: 10 * time.Second,
	Requests: 1010, Successes: 1000,
	Errors:        map[string]int64{"500": 4, "transport": 6},
	ErrorExamples: map[string]string{"500": "HTTP 500: boom", "transport": "dial tcp: refused"},
	Throughput:    100,
	P50:           1500 * time.Microsecond, P90: 3 * time.Millisecond, P99: 9 * time.Millisecond, Max: 25 * time.Millisecond,
	Status429: 2, Status5xx: 4,
	Steps: []Step{{Name: "token", Count: 1000, P50: time.Millisecond, P90: time.Millisecond, P99: time.Millisecond, Max: time.Millisecond}},
}

func TestWriteText(t *testing.T) {
	var b strings.Builder
	sample.WriteText(&b)
	for _, want := range []string{
		"scenario       signin\n",
		"concurrency    16 (closed loop)\n",
		"throughput     100.0/s\n",
		"latency ms     p50 1.50  p90 3.00  p99 9.00  max 25.00\n",
		"429 responses  2\n",
		"5xx responses  4\n",
		"errors         10 (500: 4, transport: 6)\n",
		"  500          e.g. HTTP 500: boom\n",
		"step token ms  p50 1.00",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, b.String())
		}
	}
}

func TestJSON(t *testing.T) {
	data, err := json.Marshal(sample)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Scenario  string                        `json:"scenario"`
		DurationS float64                       `json:"duration_s"`
		Errors    map[string]int64              `json:"errors"`
		LatencyMS map[string]float64            `json:"latency_ms"`
		Status429 int64                         `json:"status_429"`
		Status5xx int64                         `json:"status_5xx"`
		Steps     map[string]map[string]float64 `json:"steps_ms"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.Scenario != "signin" || got.DurationS != 10 || got.Errors["transport"] != 6 ||
		got.LatencyMS["p50"] != 1.5 || got.LatencyMS["max"] != 25 || got.Status429 != 2 || got.Status5xx != 4 ||
		got.Steps["token"]["count"] != 1000 || got.Steps["token"]["p99"] != 1 {
		t.Errorf("JSON %s", data)
	}
}
