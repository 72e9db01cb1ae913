package verification

import (
	"testing"
)

// TestNewCode: codes are 6 ASCII digits, and every digit turns up at
// every position (a 10^-80 chance of failing by bad luck).
func TestNewCode(t *testing.T) {
	var seen [CodeLength][10]int
	distinct := map[string]bool{}
	for range 2000 {
		c := newCode()
		if !sixDigits.MatchString(c) {
			t.Fatalf("code %q", c)
		}
		distinct[c] = true
		for i, r := range c {
			seen[i][r-'0']++
		}
	}
	for i := range seen {
		for d, n := range seen[i] {
			if n == 0 {
				t.Errorf("digit %d never at position %d", d, i)
			}
		}
	}
	if len(distinct) < 1900 {
		t.Errorf("%d distinct codes of 2000", len(distinct))
	}
}

func TestCleanCode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"012345", "012345", true},
		{" 012 345 ", "012345", true},
		{"012-345", "012345", true},
		{"０１２３４５", "012345", true},
		{"01234", "", false},
		{"0123456", "", false},
		{"01234x", "", false},
		{"", "", false},
		{"٠١٢٣٤٥", "", false},
	} {
		got, ok := cleanCode(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("cleanCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
