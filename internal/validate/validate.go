// Package validate carries field-level validation errors from the domain core
// to the front doors, which show them: the Management API as a 400 naming the
// field, the console next to the input, the CLI on stderr.
package validate

import (
	"errors"
	"strings"
)

// FieldError is one problem with one input field.
type FieldError struct {
	// Field is the input's name as the API spells it, e.g. "oidcClientMetadata.redirectUris[0]".
	Field string
	// Code is a stable machine-readable reason, e.g. "redirect_uri.insecure".
	Code string
	// Message says what is wrong in English.
	Message string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// Errors is every problem found in one input; it is an error when non-empty.
type Errors []FieldError

func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Error()
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Add records a problem.
func (e *Errors) Add(field, code, message string) {
	*e = append(*e, FieldError{Field: field, Code: code, Message: message})
}

// Err returns e as an error, or nil when there is no problem.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// As extracts the field errors of err, if it carries any.
func As(err error) (Errors, bool) {
	var errs Errors
	if errors.As(err, &errs) {
		return errs, true
	}
	var one FieldError
	if errors.As(err, &one) {
		return Errors{one}, true
	}
	return nil, false
}
