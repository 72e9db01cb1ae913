package policy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Check returns every rule password breaks, so the user can fix them all at
// once instead of one per attempt; nil means the password is acceptable.
// The policy is applied as given: Validate it when it is saved. Every rule
// is linear in the password's length (the common list is a map lookup).
func (p Policy) Check(password string, u UserInfo) []Violation {
	var vs []Violation
	add := func(code string, params map[string]any, format string, args ...any) {
		vs = append(vs, Violation{Field: passwordField, Code: code, Params: params, Message: fmt.Sprintf(format, args...)})
	}

	if n := utf8.RuneCountInString(password); n < p.Length.Min {
		add(CodeTooShort, map[string]any{"min": p.Length.Min},
			"Password must be at least %d characters long.", p.Length.Min)
	} else if n > p.Length.Max {
		add(CodeTooLong, map[string]any{"max": p.Length.Max},
			"Password must be at most %d characters long.", p.Length.Max)
	}
	if characterTypes(password) < p.CharacterTypes.Min {
		add(CodeCharacterTypes, map[string]any{"min": p.CharacterTypes.Min},
			"Password must contain at least %d of: lowercase letters, uppercase letters, digits, symbols.", p.CharacterTypes.Min)
	}

	lower := strings.ToLower(password)
	if p.Rejects.CommonPasswords {
		if _, ok := commonSet()[lower]; ok {
			add(CodeCommon, nil, "Password is too common.")
		}
	}
	if p.Rejects.RepetitionAndSequence && hasRepetitionOrSequence(password) {
		add(CodeRepetitionOrSequence, nil,
			"Password must not contain repeated or sequential characters such as \"aaaa\", \"1234\" or \"qwer\".")
	}
	if p.Rejects.UserInfo {
		for _, which := range userInfoFound(lower, u) {
			add(CodeContainsUserInfo, map[string]any{"which": which},
				"Password must not contain your %s.", which)
		}
	}
	for _, w := range p.Rejects.Words {
		// An empty word would match every password; Validate reports it,
		// and here it is ignored rather than locking everyone out.
		if w != "" && strings.Contains(lower, strings.ToLower(w)) {
			add(CodeContainsWord, map[string]any{"word": w},
				"Password must not contain %q.", w)
		}
	}
	return vs
}

// characterTypes counts which of the four types password uses. Letters of
// any cased script count as lowercase or uppercase, digits of any script as
// digits, and everything else (punctuation, spaces, uncased scripts such as
// Chinese) as symbols, so no character is left uncounted.
func characterTypes(password string) int {
	var lower, upper, digit, symbol bool
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			symbol = true
		}
	}
	n := 0
	for _, has := range []bool{lower, upper, digit, symbol} {
		if has {
			n++
		}
	}
	return n
}
