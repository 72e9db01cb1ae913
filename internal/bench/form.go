package bench

import (
	"cmp"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// A tolerant scan of HTML forms, enough to fill in a sign-in page: no DOM,
// just the <form>, <input> and <button> tags in document order, with
// attributes in any order, quoted either way or unquoted. Comments, scripts
// and styles are skipped so that markup inside them is not mistaken for a form.

var (
	skipRE = regexp.MustCompile(`(?is)<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>`)
	// tagRE matches an opening or closing form, input or button tag; the
	// attribute part may contain '>' inside quotes.
	tagRE  = regexp.MustCompile(`(?is)<(/?)(form|input|button)\b((?:[^>"']|"[^"]*"|'[^']*')*)>`)
	attrRE = regexp.MustCompile(`([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?`)
)

// htmlForm is one form of a page.
type htmlForm struct {
	// Action is the action attribute as written (unescaped); "" when omitted.
	Action string
	// Method is GET or POST (GET when omitted or unknown, as browsers do).
	Method string
	Inputs []formInput
}

// formInput is one named <input> or <button> of a form.
type formInput struct {
	Name, Type, Value string
	// Checked is set for checkboxes and radios that are checked.
	Checked bool
}

// parseForms returns the forms of page in document order. Inputs outside
// any form are ignored; a form without a closing tag ends at the next form.
func parseForms(page string) []htmlForm {
	page = skipRE.ReplaceAllString(page, "")
	var forms []htmlForm
	var cur *htmlForm
	for _, m := range tagRE.FindAllStringSubmatch(page, -1) {
		closing, tag, attrs := m[1] == "/", strings.ToLower(m[2]), parseAttrs(m[3])
		switch {
		case tag == "form" && closing:
			cur = nil
		case tag == "form":
			method := strings.ToUpper(attrs["method"])
			if method != "POST" {
				method = "GET"
			}
			forms = append(forms, htmlForm{Action: attrs["action"], Method: method})
			cur = &forms[len(forms)-1]
		case closing || cur == nil || attrs["name"] == "":
		case hasAttr(attrs, "disabled"):
		default:
			typ := strings.ToLower(attrs["type"])
			if typ == "" {
				typ = map[string]string{"input": "text", "button": "submit"}[tag]
			}
			cur.Inputs = append(cur.Inputs, formInput{
				Name: attrs["name"], Type: typ, Value: attrs["value"], Checked: hasAttr(attrs, "checked"),
			})
		}
	}
	return forms
}

// parseAttrs returns a tag's attributes with lower-case names and unescaped
// values; the first of duplicate attributes wins, as in HTML.
func parseAttrs(s string) map[string]string {
	attrs := map[string]string{}
	for _, m := range attrRE.FindAllStringSubmatch(s, -1) {
		name := strings.ToLower(m[1])
		if _, dup := attrs[name]; !dup {
			attrs[name] = html.UnescapeString(m[2] + m[3] + m[4])
		}
	}
	return attrs
}

func hasAttr(attrs map[string]string, name string) bool {
	_, ok := attrs[name]
	return ok
}

// usernameNames are the input names taken for the username, best first.
var usernameNames = []string{"identifier", "username", "email", "login", "user"}

// usernameField returns the name of the input to fill with the username: by
// name, else the first email input, else the first text input; "" if none.
func (f htmlForm) usernameField() string {
	best, rank := "", len(usernameNames)+2
	for _, in := range f.Inputs {
		r := slices.Index(usernameNames, strings.ToLower(in.Name))
		switch {
		case r >= 0:
		case in.Type == "email":
			r = len(usernameNames)
		case in.Type == "text":
			r = len(usernameNames) + 1
		default:
			continue
		}
		if r < rank {
			best, rank = in.Name, r
		}
	}
	return best
}

// hasPassword reports whether the form has a password input.
func (f htmlForm) hasPassword() bool {
	return slices.ContainsFunc(f.Inputs, func(in formInput) bool { return in.Type == "password" })
}

// fill returns the values a browser would submit with the username and
// password typed in: other fields keep their values, unchecked boxes and
// non-submitting buttons are left out, the first named submit button counts
// as the one pressed.
func (f htmlForm) fill(username, password string) url.Values {
	v := url.Values{}
	user := f.usernameField()
	submitted := false
	for _, in := range f.Inputs {
		switch {
		case in.Type == "password":
			v.Add(in.Name, password)
		case in.Name == user:
			v.Add(in.Name, username)
		case in.Type == "checkbox" || in.Type == "radio":
			if in.Checked {
				v.Add(in.Name, cmp.Or(in.Value, "on"))
			}
		case in.Type == "submit":
			if !submitted {
				v.Add(in.Name, in.Value)
				submitted = true
			}
		case in.Type == "button" || in.Type == "reset" || in.Type == "file" || in.Type == "image":
		default:
			v.Add(in.Name, in.Value)
		}
	}
	return v
}

// target resolves the form's action against the page's URL (an empty action
// is the page itself) and, for GET forms, puts the values in its query.
func (f htmlForm) target(page *url.URL, values url.Values) (*url.URL, error) {
	u, err := page.Parse(f.Action)
	if err != nil {
		return nil, err
	}
	u.Fragment = ""
	if f.Method == "GET" {
		u.RawQuery = values.Encode()
	}
	return u, nil
}
