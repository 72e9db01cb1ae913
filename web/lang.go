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
	}
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
