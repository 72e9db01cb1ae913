// Package web holds Monban's hosted pages: the HTML templates and the one
// stylesheet, embedded in the binary so a deployment needs no asset
// directory, and the response headers every page carries
// (spec/security.md item 12).
//
// The pages load nothing from other origins: no fonts, no CDN, no analytics.
// Only the form-post page runs script, a one-line nonce'd auto-submit.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

// Page is what the layout reads. Page data passed to Render should embed it
// (or be a Page): the layout uses Base for the stylesheet, Title for the
// <title> and heading, and AppName to say which application the user is
// signing in to.
type Page struct {
	// Base is the endpoint's path prefix, "" or e.g. "/auth"; links and form
	// actions are written as {{.Base}}/sign-in.
	Base string
	// Title names the page; the document title is "Title · Monban".
	Title string
	// AppName is the application being signed in to, when known.
	AppName string
	// FormAction lists extra CSP form-action sources (see FormActionSource).
	// Browsers apply form-action to the redirects that follow a form POST,
	// so a page whose POST ends, via /oidc/auth/resume, in a redirect to the
	// client must allow the client's origin too.
	FormAction []string
}

// PageInfo returns p; Render finds the page's settings through it in any
// struct that embeds Page.
func (p Page) PageInfo() Page { return p }

// pageInfo is satisfied by Page and every struct embedding it.
type pageInfo interface{ PageInfo() Page }

// layoutName is the template every page is executed through.
const layoutName = "layout"

// pages maps a page name ("sign-in") to its template set: the layout plus
// that page's "content" block. One set per page, because every page
// defines the same block names.
var pages = mustParse()

// standalone pages define their own "layout": the form-post page is served
// by the OIDC front door, which does not pass the base path, so it links no
// stylesheet and stands alone.
var standalone = map[string]bool{"form-post": true}

func mustParse() map[string]*template.Template {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	sets := make(map[string]*template.Template)
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		switch {
		case base == layoutName:
			continue
		case standalone[base]:
			sets[base] = template.Must(template.New(base).ParseFS(templateFS, n))
		default:
			sets[base] = template.Must(template.New(base).ParseFS(templateFS, "templates/layout.html", n))
		}
	}
	return sets
}

// Render writes the page name with data and status, with the security
// headers of every HTML page (see setHeaders). The page is rendered into a
// buffer first, so a template error becomes a clean 500 rather than half a
// page.
func Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var extra []string
	if p, ok := data.(pageInfo); ok {
		extra = p.PageInfo().FormAction
	}
	render(w, r, status, name, data, "", extra)
}

// render is Render with a script nonce ("" for none) and form-action sources.
func render(w http.ResponseWriter, r *http.Request, status int, name string, data any, nonce string, formAction []string) {
	body, err := execute(name, data)
	if err != nil {
		slog.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		setHeaders(w.Header(), "", nil)
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("<!doctype html><title>Error · Monban</title><p role=\"alert\">Something went wrong.</p>\n"))
		return
	}
	setHeaders(w.Header(), nonce, formAction)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func execute(name string, data any) ([]byte, error) {
	t, ok := pages[name]
	if !ok {
		return nil, fmt.Errorf("web: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, layoutName, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
