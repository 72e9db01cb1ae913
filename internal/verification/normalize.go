package verification

import (
	"fmt"
	"strings"
	"unicode"
)

// Bounds of an identifier: RFC 5321 §4.5.3.1.3 caps a path at 256 octets,
// so an address at 254; E.164 numbers have at most 15 digits (account's
// phone rule accepts 6 to 15).
const (
	maxEmailLength = 254
	minPhoneDigits = 6
	maxPhoneDigits = 15
)

// Normalize returns the canonical form of an identifier, the one codes are
// stored, throttled and sent under: an email address trimmed and
// lower-cased; a phone number as "+" and its digits, without spaces,
// hyphens, dots or parentheses, full-width digits (typed with a Japanese
// input method) read as ASCII. A phone number must be in international
// format: 6 to 15 digits, the first not 0 (no country code starts with 0,
// so "090..." is a national number, which no SMS gateway can route). An
// identifier that is neither is an error wrapping ErrIdentifier.
func Normalize(ch Channel, to string) (string, error) {
	switch ch {
	case Email:
		return normalizeEmail(to)
	case Phone:
		return normalizePhone(to)
	}
	return "", fmt.Errorf("%w: unknown channel %q", ErrIdentifier, ch)
}

// normalizeEmail checks the loose shape account uses (one "@", something
// on each side, a dot in the domain); the code is the real proof. Control
// characters are refused: the address goes into a mail header.
func normalizeEmail(to string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(to))
	at := strings.IndexByte(e, '@')
	bad := e == "" || len(e) > maxEmailLength || at <= 0 || at != strings.LastIndexByte(e, '@') ||
		!strings.Contains(e[at+1:], ".") || strings.HasPrefix(e[at+1:], ".") || strings.HasSuffix(e, ".") ||
		strings.IndexFunc(e, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0
	if bad {
		return "", fmt.Errorf("%w: not an email address", ErrIdentifier)
	}
	return e, nil
}

func normalizePhone(to string) (string, error) {
	var digits strings.Builder
	for i, r := range strings.TrimSpace(to) {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= '０' && r <= '９':
			digits.WriteRune('0' + (r - '０'))
		case (r == '+' || r == '＋') && i == 0:
			// optional: a number is international either way
		case strings.ContainsRune(" -.()\u2010\u2011\u2012\u2013\u2014\u2212\u3000－（）", r):
			// separators people type between groups of digits
		default:
			return "", fmt.Errorf("%w: not a phone number", ErrIdentifier)
		}
	}
	d := digits.String()
	if len(d) < minPhoneDigits || len(d) > maxPhoneDigits || d[0] == '0' {
		return "", fmt.Errorf("%w: not a phone number in international format", ErrIdentifier)
	}
	return "+" + d, nil
}
