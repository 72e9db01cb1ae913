// Package web holds Monban's hosted pages: the HTML templates and the one
// stylesheet, embedded in the binary so a deployment needs no asset
// directory, and the response headers every page carries
// (spec/security.md item 12).
//
// Every page is rendered in one language (Page.Lang, else Language): the
// templates' text comes from the phrase files in web/locales through the
// t and th template functions (lang.go), and <html lang> carries the tag.
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

	"github.com/monban-dev/monban/internal/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

// Page is what the layout reads. Page data passed to Render should embed it
// (or be a Page): the layout uses Base for the stylesheet, Title for the
// <title> and heading, AppName to say which application the user is
// signing in to, and Lang for <html lang> and every phrase of the page.
type Page struct {
	// Base is the endpoint's path prefix, "" or e.g. "/auth"; links and form
	// actions are written as {{.Base}}/sign-in.
	Base string
	// Title names the page, already translated (i18n.For(Lang).T(key));
	// the document title is "Title · Monban".
	Title string
	// AppName is the application being signed in to, when known.
	AppName string
	// FormAction lists extra CSP form-action sources (see FormActionSource).
	// Browsers apply form-action to the redirects that follow a form POST,
	// so a page whose POST ends, via /oidc/auth/resume, in a redirect to the
	// client must allow the client's origin too.
	FormAction []string
	// Lang is the page's language, a tag from i18n.Negotiate (see
	// Language); "" lets Render choose it from the request alone.
	Lang string
	// Brand is the sign-in experience's look; nil takes the one the
	// request's context carries (WithBrand), else Monban's own.
	Brand *Brand
	// Images lists image URLs the page shows besides the brand's (the
	// social connectors' logos); their https origins join the CSP's
	// img-src (ImageSource).
	Images []string
}

// frame is what the layout is executed with: the page's settings, with
// its Brand resolved, and the page's own data for its "content" block.
type frame struct {
	Page
	Content any
}

// PageInfo returns p; Render finds the page's settings through it in any
// struct that embeds Page.
func (p Page) PageInfo() Page { return p }

// pageInfo is satisfied by Page and every struct embedding it.
type pageInfo interface{ PageInfo() Page }

// layoutName is the template every page is executed through.
const layoutName = "layout"

// partialsName is the file of blocks shared by the forms (messages, the
// new-password field, the terms, the social buttons), parsed into every
// page's set.
const partialsName = "partials"

// pages maps a language tag, then a page name ("sign-in"), to its template
// set: the layout plus that page's "content" block. One set per page,
// because every page defines the same block names; one copy per language,
// because the templates' t function is bound to it (funcs). All are parsed
// once, at start-up: a request only picks its set.
var pages = mustParse()

// standalone pages define their own "layout": the form-post page is served
// by the OIDC front door, which does not pass the base path, so it links no
// stylesheet and stands alone.
var standalone = map[string]bool{"form-post": true}

func mustParse() map[string]map[string]*template.Template {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	// Parsed with the default language's functions; each language's clone
	// then rebinds them (html/template allows Funcs on a clone that has not
	// been executed).
	parsed := make(map[string]*template.Template)
	fm := funcs(i18n.For(i18n.DefaultLanguage))
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		switch {
		case base == layoutName, base == partialsName:
			continue
		case standalone[base]:
			parsed[base] = template.Must(template.New(base).Funcs(fm).ParseFS(templateFS, n))
		default:
			parsed[base] = template.Must(template.New(base).Funcs(fm).ParseFS(templateFS,
				"templates/layout.html", "templates/"+partialsName+".html", n))
		}
	}
	byLang := make(map[string]map[string]*template.Template)
	for _, tag := range i18n.Tags() {
		fm := funcs(i18n.For(tag))
		sets := make(map[string]*template.Template, len(parsed))
		for name, t := range parsed {
			sets[name] = template.Must(t.Clone()).Funcs(fm)
		}
		byLang[tag] = sets
	}
	return byLang
}

// Render writes the page name with data and status, with the security
// headers of every HTML page (see setHeaders), in the language of the
// data's Page.Lang, else the request's (Language). The page is rendered
// into a buffer first, so a template error becomes a clean 500 rather than
// half a page.
func Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var pg Page
	if p, ok := data.(pageInfo); ok {
		pg = p.PageInfo()
	}
	if pg.Brand == nil {
		pg.Brand = brandOf(r.Context())
	}
	pg.Brand = pg.Brand.usable()
	if !standalone[name] {
		data = frame{Page: pg, Content: data}
	}
	imgSrc := pg.Brand.imageSources()
	for _, u := range pg.Images {
		imgSrc = append(imgSrc, ImageSource(u))
	}
	render(w, r, status, name, data, pg.Lang, "", pg.FormAction, imgSrc)
}

// render is Render with the language ("" for the request's), a script
// nonce ("" for none), form-action and img-src sources. data is what the
// template set's "layout" is executed with (a frame for layout pages).
func render(w http.ResponseWriter, r *http.Request, status int, name string, data any, lang, nonce string, formAction, imgSrc []string) {
	lang = Language(r, lang)
	body, err := execute(lang, name, data)
	if err != nil {
		slog.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		tr := i18n.For(lang)
		setHeaders(w.Header(), "", nil, nil)
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = fmt.Fprintf(w, "<!doctype html><html lang=\"%s\"><title>%s · Monban</title><p role=\"alert\">%s</p>\n",
			template.HTMLEscapeString(lang), template.HTMLEscapeString(tr.T("error.internal.title")),
			template.HTMLEscapeString(tr.T("error.internal.detail")))
		return
	}
	setHeaders(w.Header(), nonce, formAction, imgSrc)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func execute(lang, name string, data any) ([]byte, error) {
	t, ok := pages[lang][name]
	if !ok {
		return nil, fmt.Errorf("web: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, layoutName, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
