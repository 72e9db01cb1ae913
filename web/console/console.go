// Package console holds the admin console's files, embedded in the binary:
// the HTML templates (one file per page, plus the layout and the shared
// partials), the stylesheet and the one small script (copy buttons,
// confirmations; every page works without it), and the console's phrase
// files (locales/<tag>.json, same format and rules as web/locales).
//
// The handlers are in internal/console; this package only embeds.
package console

import "embed"

// Templates holds templates/*.html: layout.html and partials.html are
// parsed into every page's set, guides.html into the guide page's.
//
//go:embed templates/*.html
var Templates embed.FS

// Static holds static/*: console.css and console.js, served at
// /console/static/.
//
//go:embed static
var Static embed.FS

// Locales holds the console's phrase files, one per language; en.json is
// the source of truth and every other file carries exactly its keys.
//
//go:embed locales/*.json
var Locales embed.FS
