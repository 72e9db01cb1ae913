package console

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/monban-dev/monban/internal/i18n"
	ui "github.com/monban-dev/monban/web/console"
)

// catalog is the console's phrases (web/console/locales), a catalog of
// its own so the console's many keys stay out of the hosted pages' files.
var catalog = mustCatalog()

func mustCatalog() *i18n.Catalog {
	sub, err := fs.Sub(ui.Locales, "locales")
	if err != nil {
		panic(err)
	}
	c, err := i18n.NewCatalog(sub)
	if err != nil {
		panic(err)
	}
	return c
}

// langCookie keeps the language chosen with the switcher in the top bar.
const langCookie = "monban_console_lang"

// lang is the console language of r: the switcher's cookie, else
// Accept-Language, else English.
func (c *Console) lang(r *http.Request) string {
	var chosen string
	if ck, err := r.Cookie(langCookie); err == nil && len(ck.Value) <= 35 {
		chosen = ck.Value
	}
	return catalog.Negotiate(chosen, r.Header.Get("Accept-Language"))
}

// Page is what the layout reads; every page's data embeds it (c.page
// fills it).
type Page struct {
	// Root is the console's URL path ("/console", or "/auth/console" under
	// a base path): links and form actions are written {{.Root}}/...
	Root  string
	Title string
	// Nav is the key of the navigation item to mark as current.
	Nav  string
	CSRF string
	// Admin is true on the signed-in pages (navigation, sign-out).
	Admin     bool
	AdminName string
	// Path is the current path, for the language switcher to come back to.
	Path string
	// Notice is a success message (role="status"), already translated.
	Notice    string
	Languages []language
	NavGroups []navGroup
}

// PageInfo returns p; render finds the layout's data through it.
func (p Page) PageInfo() Page { return p }

type pageInfo interface{ PageInfo() Page }

type language struct{ Tag, Name string }

// page fills the layout's data of a signed-in page: title from its phrase
// key, nav marks the current navigation item, and the success notice a
// redirect asked for (?done=<key>, only keys starting "notice.").
func (c *Console) page(r *http.Request, a *Admin, nav, titleKey string, args ...any) Page {
	p := Page{Root: c.root, Title: a.Tr.T(titleKey, args...), Nav: nav, CSRF: a.CSRF, Admin: true,
		AdminName: displayName(a), Path: r.URL.Path, Languages: languages(), NavGroups: navigation}
	if key := r.URL.Query().Get("done"); strings.HasPrefix(key, "notice.") {
		if msg, ok := a.Tr.Phrase(key); ok {
			p.Notice = msg
		}
	}
	return p
}

func displayName(a *Admin) string {
	switch u := a.User; {
	case u.Username != "":
		return u.Username
	case u.PrimaryEmail != "":
		return u.PrimaryEmail
	}
	return a.User.ID
}

func languages() []language {
	var out []language
	for _, tag := range catalog.Tags() {
		out = append(out, language{Tag: tag, Name: catalog.For(tag).T("language.name")})
	}
	return out
}

// Templates: one set per page (layout + partials + the page's file, which
// defines "content"; the guides too for the guide page), per language (the
// t function is bound to it). A set is parsed the first time it is shown,
// not at start: all of them together hold some 15 MB of parse trees, which
// every garbage collection would scan, and the sign-in path (one Argon2
// hash, 19 MiB, per sign-in) collects about once per sign-in. A server
// whose console is seldom opened keeps only what was opened. Every page is
// rendered in both languages by the tests, so a template error still shows
// there.
const (
	layoutFile   = "layout"
	partialsFile = "partials"
	guidesFile   = "guides"
	guidePage    = "applications-guide"
)

var pageSets struct {
	sync.Mutex
	names map[string]bool               // the page files, without .html
	sets  map[string]*template.Template // by lang + "/" + page
}

func init() {
	names, err := fs.Glob(ui.Templates, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pageSets.names = map[string]bool{}
	pageSets.sets = map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base != layoutFile && base != partialsFile && base != guidesFile {
			pageSets.names[base] = true
		}
	}
}

// pageTemplate returns page name's template set in lang (a language of the
// catalogue; others fall back to the default), parsing it on first use.
func pageTemplate(lang, name string) (*template.Template, error) {
	if !pageSets.names[name] {
		return nil, fmt.Errorf("console: no page %q", name)
	}
	if !slices.Contains(catalog.Tags(), lang) {
		lang = i18n.DefaultLanguage
	}
	key := lang + "/" + name
	pageSets.Lock()
	defer pageSets.Unlock()
	if t := pageSets.sets[key]; t != nil {
		return t, nil
	}
	files := []string{"templates/" + layoutFile + ".html", "templates/" + partialsFile + ".html"}
	if name == guidePage {
		files = append(files, "templates/"+guidesFile+".html")
	}
	files = append(files, "templates/"+name+".html")
	t, err := template.New(name).Funcs(funcs(catalog.For(lang))).ParseFS(ui.Templates, files...)
	if err != nil {
		return nil, fmt.Errorf("console: parse page %q: %w", name, err)
	}
	pageSets.sets[key] = t
	return t, nil
}

// funcs are the templates' functions, bound to one language:
//
//	{{t "apps.title"}}                  a phrase
//	{{t "apps.created" "name" .Name}}   with {name} filled
//	{{lang}}                            the language tag
//	{{dict "F" .Form "Name" "name"}}    a map, to pass several values to a block
func funcs(tr *i18n.Translator) template.FuncMap {
	return template.FuncMap{
		"t":    tr.T,
		"lang": tr.Lang,
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"join": strings.Join,
	}
}

// frame is what the layout is executed with.
type frame struct {
	Page
	Content any
}

// render writes page name with data (which embeds Page) in lang, with the
// console's security headers. The page is rendered into a buffer first, so
// a template error is a clean 500.
func (c *Console) render(w http.ResponseWriter, r *http.Request, lang string, status int, name string, data any) {
	var pg Page
	if p, ok := data.(pageInfo); ok {
		pg = p.PageInfo()
	}
	if pg.Root == "" {
		pg.Root = c.root
	}
	if pg.Languages == nil {
		pg.Languages = languages()
	}
	var buf bytes.Buffer
	t, err := pageTemplate(lang, name)
	if err == nil {
		err = t.ExecuteTemplate(&buf, layoutFile, frame{Page: pg, Content: data})
	}
	if err != nil {
		c.log(r.Context()).Error("console: render page", "page", name, "err", err)
		setHeaders(w.Header())
		w.WriteHeader(http.StatusInternalServerError)
		tr := catalog.For(lang)
		_, _ = fmt.Fprintf(w, "<!doctype html><html lang=\"%s\"><title>Monban</title><p role=\"alert\">%s</p>\n",
			template.HTMLEscapeString(lang), template.HTMLEscapeString(tr.T("error.internal")))
		return
	}
	setHeaders(w.Header())
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// show renders a signed-in admin's page with status 200.
func (c *Console) show(w http.ResponseWriter, r *http.Request, a *Admin, name string, data any) {
	c.render(w, r, a.Lang, http.StatusOK, name, data)
}

// setHeaders are the console's security headers (spec/security.md item
// 12, as web/headers.go sets them for the hosted pages): only this
// origin's stylesheet and script (console.js, no inline script), images
// from here or data: URIs (connector logos), forms posting only here,
// frames only of this origin (the sign-in preview), the console itself
// never framed, no Referer, nothing cached.
func setHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "+
		"frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/html; charset=utf-8")
}

type errorData struct {
	Page
	Detail string
}

// errorPage answers status with a page saying detailKey's phrase.
func (c *Console) errorPage(w http.ResponseWriter, r *http.Request, status int, detailKey string) {
	lang := c.lang(r)
	tr := catalog.For(lang)
	c.render(w, r, lang, status, "error", errorData{Page: Page{Root: c.root, Title: tr.T("error.title")}, Detail: tr.T(detailKey)})
}

// fail logs err and answers 500; internals stay in the log.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	c.log(r.Context()).Error("console: "+what, "err", err)
	c.errorPage(w, r, http.StatusInternalServerError, "error.internal")
}

// notFound answers 404 for an unknown id in a console URL.
func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	c.errorPage(w, r, http.StatusNotFound, "error.not_found")
}

// done ends a successful POST: 303 to path (below the console root) with
// a success notice (a phrase key starting "notice.", "" for none).
func (c *Console) done(w http.ResponseWriter, r *http.Request, path, noticeKey string) {
	target, fragment, hasFragment := strings.Cut(c.root+path, "#")
	if noticeKey != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "done=" + noticeKey
	}
	if hasFragment { // the query goes before the fragment, or it is lost
		target += "#" + fragment
	}
	seeOther(w, r, target)
}

// static serves console.css and console.js.
func (c *Console) static(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/console/static/")
	b, err := fs.ReadFile(ui.Static, "static/"+name)
	if err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}
