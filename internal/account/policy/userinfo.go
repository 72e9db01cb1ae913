package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// UserInfo is what the user is known by, for the userInfo rule: an attacker
// targeting an account knows these, so a password built from them is weak
// whatever its length.
type UserInfo struct{ Username, Email, Phone, Name string }

// minIdentifierLength is the shortest identifier part that is looked for.
// Shorter ones ("jo", "li") are in too many good passwords by chance and
// say little about the user; the same bound applies to the username, which
// may be this short in Logto.
const minIdentifierLength = 3

// phoneTail is how many trailing phone digits are looked for: the
// subscriber number, without the country and area codes a user may leave
// out or format differently.
const phoneTail = 6

// userInfoFound returns which identifiers lower-cased password contains, in
// the order username, email, phone, name, for the "which" parameter.
func userInfoFound(lower string, u UserInfo) []string {
	var found []string
	if containsPart(lower, u.Username) {
		found = append(found, "username")
	}
	local, _, _ := strings.Cut(u.Email, "@")
	if containsPart(lower, local) {
		found = append(found, "email")
	}
	if digits := phoneDigits(u.Phone); len(digits) >= phoneTail &&
		strings.Contains(lower, digits[len(digits)-phoneTail:]) {
		found = append(found, "phone")
	}
	for _, part := range nameParts(u.Name) {
		if containsPart(lower, part) {
			found = append(found, "name")
			break
		}
	}
	return found
}

// containsPart reports whether lower contains part, ignoring case, when
// part is long enough to be worth looking for.
func containsPart(lower, part string) bool {
	part = strings.ToLower(strings.TrimSpace(part))
	return utf8.RuneCountInString(part) >= minIdentifierLength && strings.Contains(lower, part)
}

// phoneDigits returns the ASCII digits of phone, dropping "+", spaces,
// dashes and parentheses, whose formatting varies.
func phoneDigits(phone string) string {
	var b strings.Builder
	for i := 0; i < len(phone); i++ {
		if c := phone[i]; '0' <= c && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// nameParts splits a display name into its words ("Jean-Luc O'Brien" gives
// Jean, Luc, O, Brien), since a password holds a first or last name more
// often than the whole name. Marks stay inside words so names in scripts
// with combining vowel signs are not cut apart.
func nameParts(name string) []string {
	return strings.FieldsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsNumber(r)
	})
}
