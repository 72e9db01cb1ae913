// Package locales holds the phrase files of the hosted pages, one JSON file
// per language named after its BCP 47 tag (en.json, ja.json, pt-BR.json),
// embedded in the binary. It is a package of its own, and not part of
// package web, so that internal/i18n can embed them without an import cycle
// (web renders with i18n). See README.md for the file format and how to add
// a language.
package locales

import "embed"

// FS holds every *.json file of this directory. internal/i18n computes the
// available languages from it, so a new file needs no Go change.
//
//go:embed *.json
var FS embed.FS
