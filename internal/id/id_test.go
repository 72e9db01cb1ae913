package id

import (
	"bytes"
	"strings"
	"testing"
)

func only(s, alphabet string) bool {
	for _, r := range s {
		if !strings.ContainsRune(alphabet, r) {
			return false
		}
	}
	return true
}

func TestShape(t *testing.T) {
	tests := []struct {
		name     string
		gen      func() string
		length   int
		alphabet string
	}{
		{"New", New, 21, Lower},
		{"Secret", Secret, 43, Alnum},
		{"Random/Lower/0", func() string { return Random(0, Lower) }, 0, Lower},
		{"Random/Lower/100", func() string { return Random(100, Lower) }, 100, Lower},
		{"Random/hex/7", func() string { return Random(7, "0123456789abcdef") }, 7, "0123456789abcdef"},
		{"Random/single", func() string { return Random(5, "x") }, 5, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 100 {
				got := tt.gen()
				if len(got) != tt.length {
					t.Fatalf("len(%q) = %d, want %d", got, len(got), tt.length)
				}
				if !only(got, tt.alphabet) {
					t.Fatalf("%q has characters outside %q", got, tt.alphabet)
				}
			}
		})
	}
}

func TestUnique(t *testing.T) {
	tests := []struct {
		name string
		gen  func() string
	}{
		{"New", New},
		{"Secret", Secret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 10000
			seen := make(map[string]bool, n)
			for range n {
				v := tt.gen()
				if seen[v] {
					t.Fatalf("duplicate %q", v)
				}
				seen[v] = true
			}
		})
	}
}

// printable returns the 94 visible ASCII characters, an alphabet for which
// 256 % 94 = 68 makes naive modulo reduction visibly biased.
func printable() string {
	var b strings.Builder
	for c := byte('!'); c <= '~'; c++ {
		b.WriteByte(c)
	}
	return b.String()
}

// TestNoBias checks that every symbol appears about equally often. With
// modulo reduction of bytes over a 62-symbol alphabet, the first 8 symbols
// would be ~25% more frequent, which this chi-square bound catches easily.
func TestNoBias(t *testing.T) {
	tests := []struct {
		name     string
		alphabet string
	}{
		{"Alnum", Alnum},
		{"Lower", Lower},
		{"printable", printable()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Use byte positions so duplicate characters in the
			// alphabet (none expected) would not distort counts.
			k := len(tt.alphabet)
			index := make(map[byte]int, k)
			for i := 0; i < k; i++ {
				index[tt.alphabet[i]] = i
			}
			if len(index) != k {
				t.Skip("alphabet has duplicate characters")
			}
			const samples = 200000
			counts := make([]float64, k)
			s := Random(samples, tt.alphabet)
			for i := 0; i < len(s); i++ {
				counts[index[s[i]]]++
			}
			expected := float64(samples) / float64(k)
			var chi2 float64
			for _, c := range counts {
				d := c - expected
				chi2 += d * d / expected
			}
			// For k-1 degrees of freedom the statistic has mean k-1 and
			// standard deviation sqrt(2(k-1)); 3*(k-1) is a loose bound
			// far beyond any plausible fluctuation for k >= 36 yet far
			// below the hundreds to thousands modulo bias would produce here
			// (about 1300 for Alnum, 390 for Lower).
			if bound := 3 * float64(k-1); chi2 > bound {
				t.Errorf("chi-square = %.1f > %.1f; counts %v", chi2, bound, counts)
			}
		})
	}
}

func TestRandomPanics(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		alphabet string
	}{
		{"negative", -1, Lower},
		{"empty alphabet", 3, ""},
		{"huge alphabet", 3, strings.Repeat("a", 257)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			Random(tt.n, tt.alphabet)
		})
	}
}

func TestHash(t *testing.T) {
	s := Secret()
	if !bytes.Equal(Hash(s), Hash(s)) {
		t.Error("Hash is not deterministic")
	}
	if len(Hash(s)) != 32 {
		t.Errorf("len(Hash) = %d, want 32", len(Hash(s)))
	}
	if bytes.Equal(Hash(s), Hash(s+"x")) {
		t.Error("different secrets hash equal")
	}
	// Known answer: SHA-256("abc"), FIPS 180-2 Appendix B.1.
	const abc = "\xba\x78\x16\xbf\x8f\x01\xcf\xea\x41\x41\x40\xde\x5d\xae\x22\x23\xb0\x03\x61\xa3\x96\x17\x7a\x9c\xb4\x10\xff\x61\xf2\x00\x15\xad"
	if got := Hash("abc"); string(got) != abc {
		t.Errorf("Hash(abc) = %x", got)
	}
}
