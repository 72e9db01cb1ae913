package connector

import (
	"errors"
	"fmt"
)

// Code classifies connector errors (Logto's ConnectorErrorCodes); the
// hosted pages map each to a clear message and never to a 500.
type Code string

const (
	// InvalidConfig: the stored config is wrong (admin's problem). 400.
	InvalidConfig Code = "invalid_config"
	// InvalidResponse: the provider answered something unusable. 400-class.
	InvalidResponse Code = "invalid_response"
	// InvalidRequest: the provider refused our request, e.g. Patreon's
	// "Mismatching redirect URI." 400-class; AdminHint says what to fix.
	InvalidRequest Code = "invalid_request"
	// AuthorizationFailed: invalid or expired code or token. 401-class: back
	// to the sign-in page.
	AuthorizationFailed Code = "authorization_failed"
	// AccessDenied: the user declined at the provider. Back to sign-in.
	AccessDenied Code = "access_denied"
	// RateLimited: the provider said 429.
	RateLimited Code = "rate_limited"
	// Unavailable: timeout, connection failure or 5xx upstream.
	Unavailable Code = "unavailable"
)

// Error is a connector error with a user-facing class and an admin hint.
type Error struct {
	Code Code
	// Message is safe to show the user (English; pages translate by Code).
	Message string
	// AdminHint tells the administrator what to fix (logged, shown on the
	// error page for InvalidRequest/InvalidConfig).
	AdminHint string
	Err       error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("connector %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("connector %s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns err's Code, or Unavailable for anything unclassified.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Unavailable
}
