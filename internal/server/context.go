package server

import (
	"context"
	"log/slog"
	"net/netip"
)

// requestState is shared by every layer of the middleware chain for one
// request. Middleware pass modified copies of *http.Request inwards (new
// context, stripped URL), so values discovered deep inside (the mux's matched
// pattern) or assigned in the middle (the request id) could not otherwise
// reach the outer layers that log and count the request. A single pointer in
// the context lets each layer fill in what it knows.
//
// All fields are written on the request's own goroutine before the handler
// runs (route: after it returns), so no locking is needed.
type requestState struct {
	// path is the URL path as the client sent it, before the base path was
	// stripped, so logs show what was actually requested.
	path string
	// clientIP is the resolved client address (see ClientIP).
	clientIP netip.Addr
	// requestID is the id assigned by the request-id middleware.
	requestID string
	// logger is the server logger, carrying request_id once it is known.
	logger *slog.Logger
	// route is the mux pattern that matched ("" if none).
	route string
}

type stateKey struct{}

func withState(ctx context.Context, st *requestState) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

func stateFrom(ctx context.Context) *requestState {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	return st
}

// RequestID returns the request id the middleware attached to ctx ("" if
// none). Handlers use it to correlate their own logs and error responses
// with the access log.
func RequestID(ctx context.Context) string {
	if st := stateFrom(ctx); st != nil {
		return st.requestID
	}
	return ""
}

// Logger returns a logger carrying the request id (slog attr "request_id"),
// for handlers. Outside a request served by Server it returns slog.Default().
func Logger(ctx context.Context) *slog.Logger {
	if st := stateFrom(ctx); st != nil && st.logger != nil {
		return st.logger
	}
	return slog.Default()
}
