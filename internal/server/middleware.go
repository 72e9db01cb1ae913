package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
)

// chain assembles the middleware, outermost first. Order matters:
//   - begin sets up the shared per-request state and common headers, so even
//     a 404 for a path outside BasePath gets them;
//   - recovery sits outside request id, logging and metrics, so a panic is
//     turned into a 500 after those layers have recorded it;
//   - checkText refuses a path or query that is not UTF-8 text (text.go);
//   - dispatch, the innermost step, records the mux's matched pattern.
func (s *Server) chain() http.Handler {
	var h http.Handler = http.HandlerFunc(s.dispatch)
	h = s.checkText(h)
	h = s.admit(h)
	h = s.observeMetrics(h)
	h = s.accessLog(h)
	h = s.assignRequestID(h)
	h = s.recovery(h)
	h = s.stripBasePath(h)
	return s.begin(h)
}

// begin creates the per-request state and sets headers common to every
// response.
func (s *Server) begin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &requestState{
			path:     r.URL.Path,
			clientIP: resolveClientIP(r, s.opts.TrustedProxies),
			logger:   s.logger,
		}
		// Stop browsers from MIME-sniffing responses into something
		// executable (e.g. a JSON error rendered as HTML).
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r.WithContext(withState(r.Context(), st)))
	})
}

// stripBasePath serves "/base" and "/base/..." with the prefix removed and
// answers 404 to everything else. Unlike http.StripPrefix it requires a
// segment boundary ("/authx" is not under "/auth") and maps "/base" itself
// to "/" rather than "", which ServeMux would redirect to a Location outside
// the base path.
func (s *Server) stripBasePath(next http.Handler) http.Handler {
	if s.basePath == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := trimBase(r.URL.Path, s.basePath)
		rp := ""
		if ok && r.URL.RawPath != "" {
			rp, ok = trimBase(r.URL.RawPath, s.basePath)
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		r2 := new(http.Request)
		*r2 = *r
		r2.URL = new(url.URL)
		*r2.URL = *r.URL
		r2.URL.Path = p
		r2.URL.RawPath = rp
		next.ServeHTTP(w, r2)
	})
}

func trimBase(p, base string) (string, bool) {
	switch {
	case p == base:
		return "/", true
	case strings.HasPrefix(p, base) && p[len(base)] == '/':
		return p[len(base):], true
	}
	return "", false
}

// recovery turns a handler panic into a generic 500 so one bad request does
// not take down the connection's goroutine silently. The panic value and
// stack go to the log (with the request id) but never to the client, since
// they can contain secrets and internals.
func (s *Server) recovery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := recorderFor(w)
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				// The documented way for a handler to abort a response;
				// net/http handles it quietly.
				panic(p)
			}
			Logger(r.Context()).Error("panic serving request",
				"panic", fmt.Sprint(p),
				"stack", string(debug.Stack()),
				"method", r.Method,
				"path", r.URL.Path,
			)
			if rec.wroteHeader {
				// Part of a response is already on the wire; a 500 can no
				// longer be sent. Abort so the client sees a broken
				// response, not a truncated one that looks complete.
				panic(http.ErrAbortHandler)
			}
			h := rec.Header()
			for k := range h {
				delete(h, k)
			}
			h.Set("X-Content-Type-Options", "nosniff")
			if id := RequestID(r.Context()); id != "" {
				h.Set("X-Request-Id", id)
			}
			http.Error(rec, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		}()
		next.ServeHTTP(rec, r)
	})
}

// assignRequestID honours a well-formed incoming X-Request-Id (so ids from an
// upstream proxy correlate across systems) and otherwise generates one. The
// id is echoed on the response and made available via RequestID and Logger.
func (s *Server) assignRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		if st := stateFrom(r.Context()); st != nil {
			st.requestID = id
			st.logger = s.logger.With("request_id", id)
		}
		next.ServeHTTP(w, r)
	})
}

// validRequestID accepts ^[A-Za-z0-9._-]{1,64}$. Anything else is replaced:
// the id is echoed in headers and written to logs, so it must not carry
// control characters, markup or unbounded length.
func validRequestID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// newRequestID returns 16 random bytes in hex.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// dispatch is the innermost step: it runs the mux and records which pattern
// matched. ServeMux sets Pattern on the very *http.Request it is given, which
// outer layers never see, so it is copied into the shared state — deferred so
// it is recorded even if the handler panics.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if st := stateFrom(r.Context()); st != nil {
			st.route = r.Pattern
		}
	}()
	s.mux.ServeHTTP(w, r)
}

// routeOf returns the matched pattern, or "unmatched" (404s, 405s, paths
// outside the base path), keeping log fields and metric labels bounded.
func routeOf(ctx context.Context) string {
	if st := stateFrom(ctx); st != nil && st.route != "" {
		return st.route
	}
	return "unmatched"
}
