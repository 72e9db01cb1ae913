package mgmt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// maxBody bounds a request body.
const maxBody = 1 << 20

// apiError is an error with Logto's status, code and data.
type apiError struct {
	Status  int
	Code    string
	Message string
	Data    any
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// errorBody is Logto's error body.
type errorBody struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Data    any    `json:"data"`
}

// fieldIssue is one problem with one input field, in the data of a
// guard.invalid_input error.
type fieldIssue struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func notFound(id string) error {
	return &apiError{Status: http.StatusNotFound, Code: "entity.not_exists_with_id",
		Message: fmt.Sprintf("The resource with id %q does not exist.", id), Data: map[string]string{"id": id}}
}

func invalidInput(field, code, msg string) error {
	return validate.Errors{{Field: field, Code: code, Message: msg}}
}

// writeError maps err to Logto's status and code: field errors are 400
// guard.invalid_input naming the fields (a taken name or identifier is 409
// with Logto's code, other clashes 422 as Logto), an unknown entity 404, and
// anything else a logged 500.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		writeJSONError(w, ae.Status, ae.Code, ae.Message, ae.Data)
		return
	}
	if errs, ok := validate.As(err); ok {
		if len(errs) == 1 && isConflict(errs[0].Code) {
			writeJSONError(w, conflictStatus(errs[0].Code), errs[0].Code, capitalize(errs[0].Message)+".",
				map[string]string{"field": errs[0].Field})
			return
		}
		issues := make([]fieldIssue, len(errs))
		names := make([]string, len(errs))
		for i, e := range errs {
			issues[i] = fieldIssue{Field: e.Field, Code: e.Code, Message: e.Message}
			names[i] = e.Field
		}
		writeJSONError(w, http.StatusBadRequest, "guard.invalid_input",
			"The request input is invalid: "+strings.Join(names, ", ")+".", map[string]any{"issues": issues})
		return
	}
	var ce *connector.Error
	if errors.As(err, &ce) && (ce.Code == connector.InvalidConfig || ce.Code == connector.InvalidRequest) {
		writeJSONError(w, http.StatusBadRequest, "connector."+string(ce.Code), ce.Message, map[string]string{"hint": ce.AdminHint})
		return
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeJSONError(w, http.StatusNotFound, "entity.not_exists_with_id", "The resource does not exist.", nil)
	case errors.Is(err, store.ErrStale):
		// A concurrent writer won a read-modify-write: nothing was written.
		writeJSONError(w, http.StatusConflict, "entity.concurrent_update",
			"The entity was changed by another request at the same time; try again.", nil)
	case errors.Is(err, store.ErrConflict):
		writeJSONError(w, http.StatusConflict, "entity.unique_integrity_violation", "The entity already exists or is in use.", nil)
	default:
		a.o.Logger.ErrorContext(r.Context(), "management api", "method", r.Method, "path", r.URL.Path, "err", err)
		writeJSONError(w, http.StatusInternalServerError, "unexpected_error", "An unexpected error occurred.", nil)
	}
}

// conflictStatus is the status of a conflict: 409 when a unique name or
// identifier is taken (a username, email, phone, secret, role or permission
// name, resource indicator), 422 for the other clashes with what exists,
// where Logto answers 422. Logto answers 422 for taken names too; Monban
// keeps Logto's code in the body and uses HTTP's status for "already taken",
// as its Management API contract states.
func conflictStatus(code string) int {
	if takenName(code) {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

func takenName(code string) bool {
	return strings.HasSuffix(code, "_already_in_use") || code == "resource.indicator_in_use" ||
		code == "role.name_in_use" || code == "scope.name_exists"
}

// isConflict reports whether a field error's code is one Logto answers
// with 422: the input is well formed but clashes with what exists.
func isConflict(code string) bool {
	return strings.HasSuffix(code, "_already_in_use") || code == "resource.indicator_in_use" ||
		code == "connector.multiple_instances_not_supported"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string, data any) {
	writeJSON(w, status, errorBody{Message: msg, Code: code, Data: data})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"message":"An unexpected error occurred.","code":"unexpected_error","data":null}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// readBody reads the request body (at most maxBody).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "guard.invalid_input",
				Message: fmt.Sprintf("The request body is larger than %d bytes.", maxBody)}
		}
		return nil, invalidInput("body", "guard.invalid_input", "the request body could not be read")
	}
	return body, nil
}

// decode reads a JSON object body into v. Malformed JSON and members of the
// wrong type are field errors naming the member; unknown members are
// ignored, as Logto's guards strip them.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	return decodeBytes(body, v)
}

func decodeBytes(body []byte, v any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return invalidInput("body", "guard.invalid_input", "the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return invalidInput(te.Field, "guard.invalid_type", "must be a JSON "+jsonKind(te.Type.Kind().String()))
		}
		return invalidInput("body", "guard.invalid_input", "malformed JSON: "+err.Error())
	}
	if dec.More() {
		return invalidInput("body", "guard.invalid_input", "the request body must be one JSON object")
	}
	if hasNULEscape(trimmed) {
		// PostgreSQL's text cannot hold U+0000 (a 500 otherwise).
		return invalidInput("body", "guard.invalid_input", `the request body must not contain the character U+0000 ("\u0000")`)
	}
	return nil
}

// hasNULEscape reports whether the JSON text b (valid JSON: backslashes
// occur only in strings) has a \u0000 escape.
func hasNULEscape(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) && string(b[i+2:i+6]) == "0000" {
			return true
		}
		i++ // skip the escaped character, e.g. the second \ of \\
	}
	return false
}

// checkRequestText refuses a path or query parameter with invalid UTF-8
// or U+0000 (400 naming the parameter): no entity can have such a value,
// and PostgreSQL refuses such text outright (a 500 otherwise).
func checkRequestText(r *http.Request) error {
	bad := func(s string) bool { return !utf8.ValidString(s) || strings.ContainsRune(s, 0) }
	if bad(r.URL.Path) {
		return invalidInput("path", "guard.invalid_input", "must be UTF-8 text without U+0000")
	}
	var errs validate.Errors
	q := r.URL.Query()
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if bad(k) || slices.ContainsFunc(q[k], bad) {
			errs.Add(strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "\uFFFD"), "guard.invalid_input", "must be UTF-8 text without U+0000")
		}
	}
	return errs.Err()
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct", "ptr":
		return "object"
	default:
		return "number"
	}
}

// Pagination is Logto's: page counts from 1, page_size defaults to 20 and
// is at most 100; the total is in the Total-Number header.
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// pageOf reads page and page_size. With neither given, paged is false and
// the whole list is wanted (Logto's optional pagination).
func pageOf(r *http.Request) (p store.Page, paged bool, err error) {
	q := r.URL.Query()
	rawPage, rawSize := q.Get("page"), q.Get("page_size")
	if rawPage == "" && rawSize == "" {
		return store.Page{}, false, nil
	}
	var errs validate.Errors
	p = store.Page{Number: 1, Size: defaultPageSize}
	if rawPage != "" {
		n, err := strconv.Atoi(rawPage)
		if err != nil || n < 1 || n > 1_000_000_000 {
			errs.Add("page", "guard.invalid_pagination", "must be an integer from 1")
		}
		p.Number = n
	}
	if rawSize != "" {
		n, err := strconv.Atoi(rawSize)
		if err != nil || n < 1 || n > maxPageSize {
			errs.Add("page_size", "guard.invalid_pagination", fmt.Sprintf("must be an integer from 1 to %d", maxPageSize))
		}
		p.Size = n
	}
	if len(errs) > 0 {
		// Logto's code for bad pagination, with the fields named as for any
		// invalid input.
		issues := make([]fieldIssue, len(errs))
		names := make([]string, len(errs))
		for i, e := range errs {
			issues[i] = fieldIssue{Field: e.Field, Code: e.Code, Message: e.Message}
			names[i] = e.Field
		}
		return p, true, &apiError{Status: http.StatusBadRequest, Code: "guard.invalid_pagination",
			Message: "The pagination is invalid: " + strings.Join(names, ", ") + ".", Data: map[string]any{"issues": issues}}
	}
	return p, true, nil
}

// paginate slices an in-memory list by p.
func paginate[T any](all []T, p store.Page, paged bool) []T {
	if !paged {
		return all
	}
	start := (p.Number - 1) * p.Size
	if start >= len(all) {
		return []T{}
	}
	return all[start:min(start+p.Size, len(all))]
}

func writeList(w http.ResponseWriter, total int64, items any) {
	w.Header().Set("Total-Number", strconv.FormatInt(total, 10))
	writeJSON(w, http.StatusOK, items)
}

// staleRetries bounds how often a handler re-runs a read-modify-write that
// keeps losing to concurrent writers (store.ErrStale).
const staleRetries = 8

// conflictingUpdate: the entity kept changing under a read-modify-write.
func conflictingUpdate() error {
	return &apiError{Status: http.StatusConflict, Code: "entity.concurrent_update",
		Message: "The entity was changed by another request at the same time; try again."}
}
