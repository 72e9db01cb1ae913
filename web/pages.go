package web

import (
	"html/template"
	"net/http"
	"net/url"
	"sort"
)

// errorData is the error page's data.
type errorData struct {
	Page
	Detail string
}

// ErrorPage writes an error page with status: title as the heading and
// detail in a role="alert" element. It contains no link and no redirect,
// least of all to the client: the OIDC front door uses it exactly when the
// client or its redirect_uri cannot be trusted (spec/security.md items 1-2).
func ErrorPage(w http.ResponseWriter, r *http.Request, status int, base, title, detail string) {
	Render(w, r, status, "error", errorData{Page: Page{Base: base, Title: title}, Detail: detail})
}

// SignedOut writes the "You are signed out" page, shown after end-session
// when no post_logout_redirect_uri was given.
func SignedOut(w http.ResponseWriter, r *http.Request, base string) {
	Render(w, r, http.StatusOK, "signed-out", Page{Base: base, Title: "You are signed out"})
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
		ErrorPage(w, r, http.StatusBadRequest, "", "Invalid redirect", "The application's redirect URI cannot receive a form post.")
		return
	}
	d := formPostData{Page: Page{Title: "Continue"}, Nonce: newNonce(),
		// Safe as a URL: FormActionSource refused the script-bearing
		// schemes. template.URL keeps a native app's private-use scheme,
		// which html/template would otherwise replace with #ZgotmplZ.
		Action: template.URL(action)}
	for k, v := range params {
		d.Params = append(d.Params, param{k, v})
	}
	// A stable order keeps the page deterministic (tests, caching proxies).
	sort.Slice(d.Params, func(i, j int) bool { return d.Params[i].Name < d.Params[j].Name })
	render(w, r, http.StatusOK, "form-post", d, d.Nonce, []string{src})
}
