package verification

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"

	"github.com/monban-dev/monban/internal/id"
)

// CodeLength is the number of digits of a code.
const CodeLength = 6

// newCode returns CodeLength digits drawn with crypto/rand, each uniformly
// (id.Random rejects biased bytes), so every code from 000000 to 999999 is
// equally likely.
func newCode() string { return id.Random(CodeLength, "0123456789") }

// hashCode is the digest the store keeps: HMAC-SHA256 keyed by the row id
// over the identifier, the purpose and the code. A 6-digit code has too
// little entropy for its digest to hide it from anyone holding the row, so
// the digest is bound to the row, identifier and purpose (no table of
// precomputed digests serves, and a row cannot be moved to another
// address), and the real defences are the expiry and MaxAttempts.
func hashCode(rowID, identifier string, purpose Purpose, code string) []byte {
	m := hmac.New(sha256.New, []byte(rowID))
	m.Write([]byte(identifier))
	m.Write([]byte{0})
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(code))
	return m.Sum(nil)
}

// cleanCode returns the code as typed without spaces or hyphens, full-width
// digits read as ASCII; false when that is not CodeLength digits (such
// input cannot match any code).
func cleanCode(typed string) (string, bool) {
	var b strings.Builder
	for _, r := range typed {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == ' ' || r == '-' || r == '\u3000' || r == '\t':
		default:
			return "", false
		}
		if b.Len() > CodeLength {
			return "", false
		}
	}
	if b.Len() != CodeLength {
		return "", false
	}
	return b.String(), true
}
