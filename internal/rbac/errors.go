package rbac

import (
	"fmt"

	"github.com/monban-dev/monban/internal/store"
)

// Kind classifies an Error for the front doors.
type Kind int

const (
	// Refused: the request is well formed but not allowed (Logto answers
	// 400), e.g. changing the Management API.
	Refused Kind = iota
	// Conflict: the request clashes with what exists (Logto answers 422),
	// e.g. a taken role name or a role of the wrong type.
	Conflict
)

// Error is a domain error with Logto's error code, e.g. role.name_in_use.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	// Data names what the error is about (Logto's error data), e.g.
	// {"name": "Editor"}.
	Data map[string]string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// NotFoundError names the entity that does not exist. It matches
// store.ErrNotFound with errors.Is.
type NotFoundError struct {
	Entity string // "role", "scope", "user", "application", "resource"
	ID     string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("rbac: %s %q not found", e.Entity, e.ID) }
func (e *NotFoundError) Unwrap() error { return store.ErrNotFound }

func conflict(code, msg string, data map[string]string) error {
	return &Error{Kind: Conflict, Code: code, Message: msg, Data: data}
}

func refused(code, msg string) error { return &Error{Kind: Refused, Code: code, Message: msg} }

// errBuiltInRole refuses deleting the built-in role "Logto Management API
// access" or taking its permission all away: every machine-to-machine
// application with Management API access holds it, and `monban admin
// create-m2m-app` and the console assign it by its fixed id, so without it
// no new application could reach /api again. (Logto allows it; Monban
// refuses, as a lockout guard. Unassign the role from an application to
// withdraw that application's access.)
var errBuiltInRole = refused("role.cannot_modify_builtin_role",
	"The built-in role Logto Management API access cannot be deleted or lose its permission all; remove the role from an application instead.")

// managementAPIScopeAllID is the id the migrations give the Management
// API's permission all.
const managementAPIScopeAllID = "management-api-all"

var errManagementAPI = refused("resource.cannot_modify_management_api", "Cannot modify Logto Management API.")
