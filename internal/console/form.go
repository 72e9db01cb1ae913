package console

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/validate"
)

// Form is a form as the admin typed it, with its field errors: a page
// that rejects a POST renders the form again from it, so every typed value
// is kept (passwords excepted: the handler deletes them) and every error
// sits next to its field, named in the summary at the top.
//
//	f := NewForm(r.PostForm)
//	if name == "" { f.Fail("name", tr.T("apps.name"), tr.T("form.required")) }
//	... or, from the domain core: f.FieldErrors(tr, errs, mapping)
//	if f.HasErrors() { render the page again with f and status 400 }
type Form struct {
	Values url.Values
	errors map[string]string
	// summary lists "Label: message" in the order the errors came.
	summary []string
}

// NewForm holds a copy of values (nil for an empty form), so deleting a
// password from it leaves the request's form alone.
func NewForm(values url.Values) *Form {
	cp := url.Values{}
	for k, v := range values {
		cp[k] = append([]string(nil), v...)
	}
	return &Form{Values: cp, errors: map[string]string{}}
}

// Get is the typed value of a field.
func (f *Form) Get(name string) string { return f.Values.Get(name) }

// Checked reports whether a checkbox was ticked.
func (f *Form) Checked(name string) bool {
	v := f.Values.Get(name)
	return v == "on" || v == "true" || v == "1"
}

// Has reports whether the list field name contains value (checkbox
// groups, multiple selects).
func (f *Form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Err is the error of field name, "" for none.
func (f *Form) Err(name string) string { return f.errors[name] }

// HasErrors reports whether any field failed.
func (f *Form) HasErrors() bool { return len(f.summary) > 0 }

// Summary lists every error as "Label: message".
func (f *Form) Summary() []string { return f.summary }

// Fail records that field name (shown as label) is wrong because of msg.
// The first error of a field is the one shown next to it.
func (f *Form) Fail(name, label, msg string) {
	if _, dup := f.errors[name]; !dup {
		f.errors[name] = msg
	}
	if label == "" {
		label = name
	}
	f.summary = append(f.summary, label+": "+msg)
}

// fieldMap maps a domain field name (as the Management API spells it,
// e.g. "oidcClientMetadata.redirectUris[0]") to the form's field name and
// its label; "" for a field the form does not have (the error is then
// shown in the summary under the domain's name).
type fieldMap func(apiField string) (name, label string)

// translator is what form errors are translated with.
type translator interface {
	T(key string, args ...any) string
	Phrase(key string) (string, bool)
}

var _ translator = (*i18n.Translator)(nil)

// FieldErrors records the domain core's field errors: each goes to the
// form field m maps it to, its message translated from its code when a
// phrase exists (the console's "code.<code>", else the hosted pages'
// phrase of the code), else the core's English message.
func (f *Form) FieldErrors(tr translator, errs validate.Errors, m fieldMap) {
	for _, fe := range errs {
		name, label := m(fe.Field)
		if name == "" {
			name, label = fe.Field, fe.Field
		}
		f.Fail(name, label, message(tr, fe))
	}
}

// message is a domain field error in the page's language.
func message(tr translator, fe validate.FieldError) string {
	if s, ok := tr.Phrase("code." + fe.Code); ok {
		// A message about one value of a list (`"ftp://x": scheme ...`)
		// keeps naming the value.
		if q, err := strconv.QuotedPrefix(fe.Message); err == nil && strings.HasPrefix(fe.Message[len(q):], ": ") {
			return q + ": " + s
		}
		return s
	}
	if t, ok := tr.(*i18n.Translator); ok {
		if s, ok := i18n.For(t.Lang()).Lookup(fe.Code); ok {
			return s
		}
	}
	return fe.Message
}

// lines splits a textarea into its non-empty trimmed lines (lists of
// URIs, one per line).
func lines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
