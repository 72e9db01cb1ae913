package web

import (
	"html/template"
	"net/http"
	"net/url"
	"sort"

	"github.com/monban-dev/monban/internal/i18n"
)

// ErrorData is the error page's data: Page.Title is the heading, Detail
// the role="alert" text, both already translated. Callers that know the
// page's language better than the request does (the hosted pages during a
// sign-in) Render "error" with it; others use ErrorPage or ErrorPageKey.
type ErrorData struct {
	Page
	Detail string
}

// ErrorPage writes an error page with status: title as the heading and
// detail in a role="alert" element. It contains no link and no redirect,
// least of all to the client: the OIDC front door uses it exactly when the
// client or its redirect_uri cannot be trusted (spec/security.md items 1-2).
//
// The page is in the request's language (Language). title and detail are
// English: one that is exactly a phrase of en.json is shown translated,
// anything else as given.
func ErrorPage(w http.ResponseWriter, r *http.Request, status int, base, title, detail string) {
	lang := Language(r, "")
	tr := i18n.For(lang)
	Render(w, r, status, "error", ErrorData{Page: Page{Base: base, Title: fromEnglish(tr, title), Lang: lang},
		Detail: fromEnglish(tr, detail)})
}

// ErrorPageKey is ErrorPage with phrase keys for the title and detail.
func ErrorPageKey(w http.ResponseWriter, r *http.Request, status int, base, titleKey, detailKey string) {
	lang := Language(r, "")
	tr := i18n.For(lang)
	Render(w, r, status, "error", ErrorData{Page: Page{Base: base, Title: tr.T(titleKey), Lang: lang},
		Detail: tr.T(detailKey)})
}

// fromEnglish translates s when it is exactly an English phrase.
func fromEnglish(tr *i18n.Translator, s string) string {
	if key, ok := i18n.EnglishKey(s); ok {
		return tr.T(key)
	}
	return s
}

// SignedOut writes the "You are signed out" page, shown after end-session
// when no post_logout_redirect_uri was given.
func SignedOut(w http.ResponseWriter, r *http.Request, base string) {
	lang := Language(r, "")
	Render(w, r, http.StatusOK, "signed-out", Page{Base: base, Title: i18n.For(lang).T("signedout.title"), Lang: lang})
}

// formPostData is the form-post page's data.
type formPostData struct {
	Page
	Action template.URL
	Params []param
	Nonce  string
}

type param struct{ Name, Value string }

// FormPost writes the OAuth 2.0 Form Post Response Mode page: params as
// hidden inputs of a form POSTing to action (the client's redirect_uri),
// submitted at once by a one-line inline script allowed only by this
// response's nonce, with a visible "Continue" button for browsers without
// script. The CSP's form-action allows exactly the action's origin
// (spec/security.md item 12). An action that is not a usable absolute URI
// (javascript:, data: ...) gets a 400 error page instead: the caller should
// have validated it already, and a code must never go anywhere else.
func FormPost(w http.ResponseWriter, r *http.Request, action string, params map[string]string) {
	src := FormActionSource(action)
	u, err := url.Parse(action)
	if src == "" || err != nil || !u.IsAbs() {
		ErrorPageKey(w, r, http.StatusBadRequest, "", "error.invalid_redirect.title", "error.invalid_redirect.detail")
		return
	}
	lang := Language(r, "")
	d := formPostData{Page: Page{Title: i18n.For(lang).T("action.continue"), Lang: lang}, Nonce: newNonce(),
		// Safe as a URL: FormActionSource refused the script-bearing
		// schemes. template.URL keeps a native app's private-use scheme,
		// which html/template would otherwise replace with #ZgotmplZ.
		Action: template.URL(action)}
	for k, v := range params {
		d.Params = append(d.Params, param{k, v})
	}
	// A stable order keeps the page deterministic (tests, caching proxies).
	sort.Slice(d.Params, func(i, j int) bool { return d.Params[i].Name < d.Params[j].Name })
	render(w, r, http.StatusOK, "form-post", d, lang, d.Nonce, []string{src}, nil)
}
