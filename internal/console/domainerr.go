package console

import (
	"errors"

	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// formError records a domain error of a POST on form f: field errors go
// to their fields (m maps them, nil puts them all on name), rbac's
// refusals and conflicts (role name in use, wrong role type ...) and a
// not-found id (a role or permission deleted meanwhile) go to field name.
// It reports false for any other error: the caller answers 500.
func formError(f *Form, tr translator, name, label string, m fieldMap, err error) bool {
	if m == nil {
		m = func(string) (string, string) { return name, label }
	}
	if errs, ok := validate.As(err); ok {
		f.FieldErrors(tr, errs, m)
		return true
	}
	var re *rbac.Error
	if errors.As(err, &re) {
		f.Fail(name, label, message(tr, validate.FieldError{Code: re.Code, Message: re.Message}))
		return true
	}
	if errors.Is(err, store.ErrNotFound) {
		f.Fail(name, label, tr.T("form.gone"))
		return true
	}
	return false
}

// isNotFound reports whether err says an entity does not exist.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
