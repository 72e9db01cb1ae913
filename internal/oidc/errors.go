package oidc

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// Error is an OAuth 2.0 / OpenID Connect error (RFC 6749 §5.2, §4.1.2.1).
// Description goes to the client; Debug only to the logs.
type Error struct {
	Code        string
	Description string
	Status      int
	Debug       string
	// RetryAfter, in seconds, adds a Retry-After header when > 0.
	RetryAfter int64
}

func (e *Error) Error() string { return e.Code + ": " + e.Description }

func oauthErr(code string, status int, description string) *Error {
	return &Error{Code: code, Description: description, Status: status}
}

func errInvalidRequest(d string) *Error       { return oauthErr("invalid_request", 400, d) }
func errInvalidClient(d string) *Error        { return oauthErr("invalid_client", 401, d) }
func errInvalidGrant(d string) *Error         { return oauthErr("invalid_grant", 400, d) }
func errUnauthorizedClient(d string) *Error   { return oauthErr("unauthorized_client", 400, d) }
func errUnsupportedGrantType(d string) *Error { return oauthErr("unsupported_grant_type", 400, d) }
func errInvalidScope(d string) *Error         { return oauthErr("invalid_scope", 400, d) }
func errInvalidTarget(d string) *Error        { return oauthErr("invalid_target", 400, d) }
func errServer(debug string) *Error {
	return &Error{Code: "server_error", Description: "an internal error occurred", Status: 500, Debug: debug}
}

// asError turns any error into an *Error; unknown errors are server errors
// whose text stays in the logs.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return errServer(err.Error())
}

// writeJSONError answers a back-channel endpoint with the error body Logto
// sends: error and error_description, plus Logto's code and message.
func (p *Provider) writeJSONError(w http.ResponseWriter, r *http.Request, err error) {
	e := asError(err)
	if e.Status >= 500 {
		p.o.Logger.ErrorContext(r.Context(), "oidc error", "path", r.URL.Path, "err", e.Debug)
	} else if e.Debug != "" {
		p.o.Logger.DebugContext(r.Context(), "oidc error", "path", r.URL.Path, "code", e.Code, "debug", e.Debug)
	}
	h := w.Header()
	if e.Status == http.StatusUnauthorized && e.Code == "invalid_client" {
		// RFC 6749 §5.2: 401 for client authentication comes with a challenge.
		h.Set("WWW-Authenticate", `Basic realm="monban"`)
	}
	if e.RetryAfter > 0 {
		h.Set("Retry-After", strconv.FormatInt(e.RetryAfter, 10))
	}
	writeJSON(w, e.Status, map[string]string{
		"error":             e.Code,
		"error_description": e.Description,
		"code":              "oidc." + e.Code,
		"message":           e.Description,
	})
}

// writeJSON writes a no-store JSON response (RFC 6749 §5.1).
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func handlePreflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// allowCORS marks a bearer-token endpoint response readable cross-origin.
func allowCORS(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
}
