// Package i18n translates the hosted pages: it picks a page's language from
// the authorization request's ui_locales and the browser's Accept-Language
// (Negotiate), and looks phrases up by key with {name} placeholders
// (Translator.T).
//
// The phrases live in web/locales, one flat JSON object per language
// (en.json, ja.json ...), embedded in the binary through package
// web/locales. The available languages are the files found there, so a
// contributor adds a language by adding a file: no Go change. en.json is the
// source of truth; every other file must carry all of its keys with the
// same placeholders (TestPhraseFilesComplete).
//
//	lang := i18n.Negotiate("fr ja", "en-GB,en;q=0.8") // "ja"
//	tr := i18n.For(lang)
//	tr.T("error.locked", "minutes", 5)               // "サインインの失敗が…5 分後に…"
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/monban-dev/monban/web/locales"
)

// DefaultLanguage is the language every negotiation falls back to, and the
// one whose phrase file is complete by definition.
const DefaultLanguage = "en"

// Catalog is a set of languages and their phrases. It is read-only once
// built, so safe for concurrent use.
type Catalog struct {
	// tags are the available language tags as their files spell them,
	// sorted; byLower finds one case-insensitively.
	tags    []string
	byLower map[string]string
	// translators holds one Translator per tag.
	translators map[string]*Translator
	// english maps a phrase of the default language back to its key.
	english map[string]string
}

// NewCatalog reads every *.json file at the root of fsys: the file name
// without ".json" is a BCP 47 language tag, the content a JSON object of
// key -> phrase. DefaultLanguage's file must be there.
func NewCatalog(fsys fs.FS) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	c := &Catalog{byLower: map[string]string{}, translators: map[string]*Translator{}, english: map[string]string{}}
	phrases := map[string]map[string]string{}
	for _, n := range names {
		tag := strings.TrimSuffix(path.Base(n), ".json")
		if !validTag(tag) {
			return nil, fmt.Errorf("i18n: %s: the file name is not a language tag", n)
		}
		if prev, dup := c.byLower[strings.ToLower(tag)]; dup {
			return nil, fmt.Errorf("i18n: %s: same language as %s.json", n, prev)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w (want one JSON object of key -> string)", n, err)
		}
		c.byLower[strings.ToLower(tag)] = tag
		c.tags = append(c.tags, tag)
		phrases[tag] = m
	}
	def, ok := phrases[DefaultLanguage]
	if !ok {
		return nil, fmt.Errorf("i18n: no %s.json", DefaultLanguage)
	}
	sort.Strings(c.tags)
	for _, tag := range c.tags {
		c.translators[tag] = &Translator{lang: tag, phrases: phrases[tag], fallback: def}
	}
	for k, v := range def {
		if prev, dup := c.english[v]; !dup || k < prev {
			c.english[v] = k
		}
	}
	return c, nil
}

// Tags returns the available language tags, sorted.
func (c *Catalog) Tags() []string { return append([]string(nil), c.tags...) }

// For returns the translator of tag, which should come from Negotiate; any
// other tag is matched as one ui_locales entry would be, and falls back to
// DefaultLanguage.
func (c *Catalog) For(tag string) *Translator {
	if t, ok := c.translators[tag]; ok {
		return t
	}
	return c.translators[c.Negotiate(tag, "")]
}

// EnglishKey returns the key whose DefaultLanguage phrase is exactly text,
// for callers that still hand over English sentences (web.ErrorPage).
func (c *Catalog) EnglishKey(text string) (string, bool) {
	k, ok := c.english[text]
	return k, ok
}

// Translator looks phrases up in one language.
type Translator struct {
	lang     string
	phrases  map[string]string
	fallback map[string]string // DefaultLanguage's
}

// Lang returns the translator's language tag, e.g. "ja".
func (t *Translator) Lang() string { return t.lang }

// Phrase returns key's phrase with its placeholders unfilled: from this
// language, else from DefaultLanguage; false when neither has it.
func (t *Translator) Phrase(key string) (string, bool) {
	if s, ok := t.phrases[key]; ok {
		return s, true
	}
	s, ok := t.fallback[key]
	return s, ok
}

// T returns key's phrase with args filled in; args are name, value pairs:
//
//	tr.T("error.locked", "minutes", 5)
//
// A key with no phrase is returned as it is, so a missing phrase shows up
// on the page instead of an empty string, and a caller that passes a
// finished English sentence instead of a key still shows it.
func (t *Translator) T(key string, args ...any) string {
	s, ok := t.Phrase(key)
	if !ok {
		return key
	}
	return Format(s, args...)
}

// Lookup is T for callers with an English fallback of their own: false
// when key has no phrase or a placeholder of it was left unfilled by args.
func (t *Translator) Lookup(key string, args ...any) (string, bool) {
	s, ok := t.Phrase(key)
	if !ok {
		return "", false
	}
	out := Format(s, args...)
	if len(Placeholders(out)) > 0 {
		return "", false
	}
	return out, true
}

// std is the catalog of the embedded phrase files.
var std = mustLoad()

func mustLoad() *Catalog {
	c, err := NewCatalog(locales.FS)
	if err != nil {
		panic(err)
	}
	return c
}

// Embedded returns the catalog of the phrase files in web/locales.
func Embedded() *Catalog { return std }

// Tags returns the languages of the embedded phrase files, sorted.
func Tags() []string { return std.Tags() }

// For returns the embedded catalog's translator of tag (see Catalog.For).
func For(tag string) *Translator { return std.For(tag) }

// Negotiate picks the best embedded language (see Catalog.Negotiate).
func Negotiate(uiLocales, acceptLanguage string) string {
	return std.Negotiate(uiLocales, acceptLanguage)
}

// EnglishKey finds the key of an English phrase (see Catalog.EnglishKey).
func EnglishKey(text string) (string, bool) { return std.EnglishKey(text) }
