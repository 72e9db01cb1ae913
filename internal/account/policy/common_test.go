package policy

import (
	"strings"
	"testing"
)

func TestCommonList(t *testing.T) {
	set := commonSet()
	if len(set) < 10000 {
		t.Fatalf("list has %d entries, want at least 10,000", len(set))
	}
	for _, w := range []string{"password", "123456", "qwerty", "iloveyou", "letmein"} {
		if _, ok := set[w]; !ok {
			t.Errorf("list lacks %q", w)
		}
	}
}

// TestCommonFile checks the shipped file's format: lower-case, trimmed,
// unique, one per line, so the set and the file agree.
func TestCommonFile(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(commonText, "\n"), "\n")
	seen := make(map[string]int, len(lines))
	for i, w := range lines {
		switch {
		case w == "" || w != strings.TrimSpace(w):
			t.Errorf("line %d: %q is blank or padded", i+1, w)
		case w != strings.ToLower(w):
			t.Errorf("line %d: %q is not lower-case", i+1, w)
		case seen[w] != 0:
			t.Errorf("line %d: %q repeats line %d", i+1, w, seen[w])
		}
		seen[w] = i + 1
	}
	if lines[0] != "123456" || lines[1] != "password" {
		t.Errorf("list does not start with the most common: %q", lines[:2])
	}
}

func TestIsCommon(t *testing.T) {
	tests := []struct {
		password string
		want     bool
	}{
		{"password", true},
		{"PASSWORD", true},
		{"PassWord", true},
		{"123456", true},
		{"qwerty", true},
		{"password ", false}, // exact match only
		{"correct horse battery staple", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsCommon(tt.password); got != tt.want {
			t.Errorf("IsCommon(%q) = %v, want %v", tt.password, got, tt.want)
		}
	}
}

func BenchmarkIsCommon(b *testing.B) {
	IsCommon("warm-up")
	for b.Loop() {
		IsCommon("Tr0ub4dor&3")
	}
}
