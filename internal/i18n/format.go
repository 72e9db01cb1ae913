package i18n

import (
	"fmt"
	"strings"
)

// Format fills the {name} placeholders of phrase from args, name, value
// pairs; a value is written with fmt.Sprint. A placeholder is "{", one or
// more ASCII letters, digits or underscores, "}"; any other brace is text.
// Placeholders without a value are left as they are.
func Format(phrase string, args ...any) string {
	if len(args) < 2 || strings.IndexByte(phrase, '{') < 0 {
		return phrase
	}
	var b strings.Builder
	for {
		i, j := nextPlaceholder(phrase)
		if i < 0 {
			b.WriteString(phrase)
			return b.String()
		}
		b.WriteString(phrase[:i])
		if v, ok := arg(args, phrase[i+1:j]); ok {
			b.WriteString(v)
		} else {
			b.WriteString(phrase[i : j+1])
		}
		phrase = phrase[j+1:]
	}
}

// Placeholders returns the names of phrase's placeholders in order, with
// repeats.
func Placeholders(phrase string) []string {
	var out []string
	for {
		i, j := nextPlaceholder(phrase)
		if i < 0 {
			return out
		}
		out = append(out, phrase[i+1:j])
		phrase = phrase[j+1:]
	}
}

// nextPlaceholder returns the offsets of the next placeholder's "{" and
// "}", or -1, -1.
func nextPlaceholder(s string) (int, int) {
	for off := 0; ; {
		i := strings.IndexByte(s[off:], '{')
		if i < 0 {
			return -1, -1
		}
		i += off
		j := i + 1
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		if j > i+1 && j < len(s) && s[j] == '}' {
			return i, j
		}
		off = i + 1
	}
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// arg returns the value of name in args (name, value pairs).
func arg(args []any, name string) (string, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok && k == name {
			return fmt.Sprint(args[i+1]), true
		}
	}
	return "", false
}
