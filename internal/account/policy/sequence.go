package policy

import "unicode"

// runLength is how long a run of repeated or sequential characters must be
// to be rejected: "aaa" and "abc" occur by chance in decent passwords,
// "aaaa" and "abcd" mostly in lazy ones.
const runLength = 4

// keyboardRows are US keyboard rows, left to right, lower case (the check
// lower-cases first, so "QWER" is caught too). Walking a row is as
// guessable as counting, so both directions are rejected. Every key is in
// one row only, which keyboardNext relies on.
var keyboardRows = []string{
	"`1234567890-=",
	"~!@#$%^&*()_+",
	"qwertyuiop[]\\",
	"asdfghjkl;'",
	"zxcvbnm,./",
}

// keyboardNext maps an ASCII key to the key right of it on its row, or 0.
var keyboardNext = func() (next [128]byte) {
	for _, row := range keyboardRows {
		for i := 0; i+1 < len(row); i++ {
			next[row[i]] = row[i+1]
		}
	}
	return next
}()

// hasRepetitionOrSequence reports whether password, ignoring case, has
// runLength or more identical characters in a row ("aaaa"), ascending or
// descending letters or digits ("abcd", "4321"), or neighbouring keys of a
// keyboard row in either direction ("qwer", "rewq"). Each kind of run is
// counted separately, so "abqw" (two kinds mixed) is not a run.
func hasRepetitionOrSequence(password string) bool {
	// Lengths of the runs ending at the current character.
	var same, up, down, keyRight, keyLeft int
	var prev rune = -1
	for _, r := range password {
		r = unicode.ToLower(r)
		same = extend(same, prev >= 0 && r == prev)
		up = extend(up, alphabetical(prev, r))
		down = extend(down, alphabetical(r, prev))
		keyRight = extend(keyRight, keyboardAdjacent(prev, r))
		keyLeft = extend(keyLeft, keyboardAdjacent(r, prev))
		if max(same, up, down, keyRight, keyLeft) >= runLength {
			return true
		}
		prev = r
	}
	return false
}

// extend returns the length of a run after one more character: one longer
// if that character continues the run, else 1 (it starts a new one).
func extend(n int, continues bool) int {
	if continues {
		return n + 1
	}
	return 1
}

// alphabetical reports whether b directly follows a within a-z or 0-9.
func alphabetical(a, b rune) bool {
	if b != a+1 {
		return false
	}
	return ('a' <= a && b <= 'z') || ('0' <= a && b <= '9')
}

// keyboardAdjacent reports whether b is the key right of a on its row.
func keyboardAdjacent(a, b rune) bool {
	return a >= 0 && a < 128 && b > 0 && b < 128 && rune(keyboardNext[a]) == b
}
