package policy

import "testing"

func TestHasRepetitionOrSequence(t *testing.T) {
	tests := []struct {
		password string
		want     bool
	}{
		// repetition
		{"xaaaax", true},
		{"AAaa!", true},
		{"!!!!", true},
		{"ééééx", true},
		{"aaabaaa", false},
		// alphabetical and numeric sequences
		{"abcd", true},
		{"x1234y", true},
		{"4321", true},
		{"dcba", true},
		{"WXYZ", true},
		{"AbCd", true},
		{"0123", true},
		{"abc9def", false},
		{"123-456", false},
		{"yz{|", false}, // not letters: '{' follows 'z' in ASCII only
		{"9:;<", false},
		// keyboard rows
		{"qwer", true},
		{"ASDF", true},
		{"zxcv", true},
		{"7890", true},
		{"uiop", true},
		{"rewq", true},
		{"!@#$", true},
		{"l;'x", false},
		{"jkl;", true},
		{"qwaz", false},
		{"abqw", false}, // two kinds of run do not add up
		// neither
		{"", false},
		{"Tr0ub4dor&3", false},
		{"correct horse battery staple", false},
		{"密码密码密码", false},
	}
	for _, tt := range tests {
		if got := hasRepetitionOrSequence(tt.password); got != tt.want {
			t.Errorf("hasRepetitionOrSequence(%q) = %v, want %v", tt.password, got, tt.want)
		}
	}
}

func TestKeyboardRowsDisjoint(t *testing.T) {
	seen := map[rune]string{}
	for _, row := range keyboardRows {
		for _, r := range row {
			if other, ok := seen[r]; ok {
				t.Errorf("%q is in rows %q and %q", r, other, row)
			}
			seen[r] = row
		}
	}
}
