package i18n

import (
	"sort"
	"strconv"
	"strings"
)

// Bounds on untrusted input: ui_locales may come from a query parameter and
// Accept-Language from any client; nobody lists more languages than this.
const (
	maxInput  = 1024
	maxRanges = 32
)

// Negotiate returns the best available language tag for a request: the
// first of uiLocales (the authorization request's ui_locales, space
// separated, in order of preference; OIDC Core §3.1.2.1) that matches, then
// the first of acceptLanguage by q-value (RFC 9110 §12.5.4; equal q-values
// keep their order, q=0 means "not this one"), then DefaultLanguage.
//
// A tag matches a file of the same tag, case-insensitively and with "_"
// read as "-"; failing that, its subtags are dropped from the end (RFC 4647
// §3.4 lookup): ja-JP and en-GB match ja.json and en.json, zh-Hant-TW
// matches zh-Hant.json, else zh.json, else nothing. A bare language ("pt")
// also matches a regional file ("pt-BR.json") when there is no file of its
// own. "*" and malformed tags match nothing.
func (c *Catalog) Negotiate(uiLocales, acceptLanguage string) string {
	for i, tag := range strings.Fields(truncate(uiLocales)) {
		if i == maxRanges {
			break
		}
		if m, ok := c.match(tag); ok {
			return m
		}
	}
	for _, tag := range parseAcceptLanguage(acceptLanguage) {
		if m, ok := c.match(tag); ok {
			return m
		}
	}
	return DefaultLanguage
}

// match finds the available tag for one requested tag.
func (c *Catalog) match(tag string) (string, bool) {
	want := strings.ToLower(strings.ReplaceAll(tag, "_", "-"))
	if !validTag(want) {
		return "", false
	}
	for t := want; ; {
		if m, ok := c.byLower[t]; ok {
			return m, true
		}
		i := strings.LastIndexByte(t, '-')
		if i < 0 {
			break
		}
		t = t[:i]
		// A singleton left at the end ("x" of "de-x-...") goes too.
		if j := strings.LastIndexByte(t, '-'); j >= 0 && j == len(t)-2 {
			t = t[:j]
		}
	}
	if !strings.Contains(want, "-") {
		for _, t := range c.tags { // sorted: the choice is stable
			if base, _, _ := strings.Cut(strings.ToLower(t), "-"); base == want {
				return t, true
			}
		}
	}
	return "", false
}

// parseAcceptLanguage returns the language ranges of an Accept-Language
// header, best q-value first; ranges with q=0 or a malformed q are left out.
func parseAcceptLanguage(h string) []string {
	type weighted struct {
		tag string
		q   float64
	}
	var out []weighted
	for i, part := range strings.Split(truncate(h), ",") {
		if i == maxRanges {
			break
		}
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.TrimSpace(tag)
		if tag == "" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil || v < 0 || v > 1 {
				v = 0
			}
			q = v
		}
		if q > 0 {
			out = append(out, weighted{tag, q})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].q > out[j].q })
	tags := make([]string, len(out))
	for i, w := range out {
		tags[i] = w.tag
	}
	return tags
}

// validTag reports whether tag is shaped like a BCP 47 tag: a language of
// 2-8 letters, then subtags of 1-8 letters or digits, separated by "-".
func validTag(tag string) bool {
	if tag == "" || len(tag) > 64 {
		return false
	}
	for i, sub := range strings.Split(tag, "-") {
		if len(sub) == 0 || len(sub) > 8 || i == 0 && len(sub) < 2 {
			return false
		}
		for j := 0; j < len(sub); j++ {
			c := sub[j]
			letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
			if !letter && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

func truncate(s string) string {
	if len(s) > maxInput {
		return s[:maxInput]
	}
	return s
}
