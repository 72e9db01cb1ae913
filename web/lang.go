package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/monban-dev/monban/internal/i18n"
)

// LocalesParam is the request parameter that names the page's language:
// ui_locales, as in the authorization request (OIDC Core §3.1.2.1) and the
// end-session request. The hosted forms carry it as a hidden field, so the
// answer to a POST is in the language of the page that sent it.
const LocalesParam = "ui_locales"

// Language returns the language tag of a page served for r: the first
// available one of uiLocales (the ui_locales of the sign-in in progress, ""
// for none), then of the request's own ui_locales parameter (the form
// field once the form is parsed, else the query), then of Accept-Language,
// else i18n.DefaultLanguage. See i18n.Negotiate.
func Language(r *http.Request, uiLocales string) string {
	var own string
	if r.Form != nil {
		own = r.Form.Get(LocalesParam)
	} else {
		own = r.URL.Query().Get(LocalesParam)
	}
	return i18n.Negotiate(strings.TrimSpace(uiLocales+" "+own), r.Header.Get("Accept-Language"))
}

// funcs are the templates' functions, bound to one language:
//
//	{{lang}}                                  the language tag, for <html lang>
//	{{t "signin.title"}}                      a phrase (escaped by html/template)
//	{{t "error.locked" "minutes" .Wait}}      with {name} placeholders filled
//	{{th "consent.asking" "app" (strong .AppName)}}
//	                                          a phrase whose arguments carry markup:
//	                                          the phrase and string arguments are
//	                                          escaped, strong's output is kept
func funcs(tr *i18n.Translator) template.FuncMap {
	return template.FuncMap{
		"lang": tr.Lang,
		"t":    tr.T,
		"th": func(key string, args ...any) template.HTML {
			return translateHTML(tr, key, args)
		},
		"strong": strong,
		"terms": func(key, termsURL, privacyURL string) template.HTML {
			return termsHTML(tr, key, termsURL, privacyURL)
		},
	}
}

// termsHTML is the sentence key+"_both" (placeholders {terms} and
// {privacy}) or key+"_one" ({doc}) with links to the terms of use and the
// privacy policy, whichever of the two are set. The links open in a new
// tab, so a half-filled form is not lost; only https URLs become links.
func termsHTML(tr *i18n.Translator, key, termsURL, privacyURL string) template.HTML {
	terms := docLink(termsURL, tr.T("terms.terms_of_use"))
	privacy := docLink(privacyURL, tr.T("terms.privacy_policy"))
	switch {
	case termsURL != "" && privacyURL != "":
		return translateHTML(tr, key+"_both", []any{"terms", terms, "privacy", privacy})
	case termsURL != "":
		return translateHTML(tr, key+"_one", []any{"doc", terms})
	case privacyURL != "":
		return translateHTML(tr, key+"_one", []any{"doc", privacy})
	}
	return ""
}

// docLink is a link to an https document, or just its escaped name.
func docLink(rawURL, text string) template.HTML {
	if ImageSource(rawURL) == "" { // the same test: a well-formed https URL
		return template.HTML(template.HTMLEscapeString(text))
	}
	return template.HTML(`<a href="` + template.HTMLEscapeString(rawURL) + `" target="_blank" rel="noopener noreferrer">` +
		template.HTMLEscapeString(text) + `</a>`)
}

// translateHTML is Translator.T for HTML text: the phrase and every
// argument are escaped, except template.HTML arguments (made by strong),
// which are written as they are. Phrase files never hold markup.
func translateHTML(tr *i18n.Translator, key string, args []any) template.HTML {
	phrase, ok := tr.Phrase(key)
	if !ok {
		phrase = key
	}
	escaped := make([]any, len(args))
	for i, a := range args {
		h, isHTML := a.(template.HTML)
		switch {
		case i%2 == 0:
			escaped[i] = a // a placeholder name
		case isHTML:
			escaped[i] = string(h)
		default:
			escaped[i] = template.HTMLEscapeString(fmt.Sprint(a))
		}
	}
	// Escaping leaves placeholders alone: "{", "}" and name bytes are safe.
	return template.HTML(i18n.Format(template.HTMLEscapeString(phrase), escaped...))
}

// strong returns s escaped, in <strong>.
func strong(s string) template.HTML {
	return template.HTML("<strong>" + template.HTMLEscapeString(s) + "</strong>")
}
