package mgmt

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/server"
)

// Every authenticated write (POST, PUT, PATCH, DELETE) goes into the audit
// log, successful or not, as "ManagementApi.<operationId>" with the actor
// (the machine-to-machine application of the token), the method, the
// route pattern, the target's id and the status. Requests refused before a
// token is verified are not recorded: anyone could fill the log with them.
// Request bodies are never recorded (they carry passwords and secrets);
// of a response only the created entity's id and an error's code and
// message are kept.

type actorKey struct{}

// withActor notes the authenticated application in the request's context.
func withActor(ctx context.Context, clientID string) context.Context {
	return context.WithValue(ctx, actorKey{}, clientID)
}

func actorOf(ctx context.Context) string {
	s, _ := ctx.Value(actorKey{}).(string)
	return s
}

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// maxSniff bounds how much of a success body is kept to read the created
// entity's id (and of an error body, its code and message).
const maxSniff = 64 << 10

// recorder passes the response through, noting the status and the start
// of the body.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if room := maxSniff - w.body.Len(); room > 0 {
		w.body.Write(b[:min(len(b), room)])
	}
	return w.ResponseWriter.Write(b)
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// audited records the write rt after next has answered it.
func (a *API) audited(rt route, next http.Handler) http.Handler {
	params := server.PatternParams(rt.Path)
	userRoute := strings.HasPrefix(rt.Path, "/api/users/{")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		target := ""
		if len(params) > 0 {
			target = r.PathValue(params[0])
		}
		var body struct {
			ID      string `json:"id"`
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(rec.body.Bytes(), &body)
		if target == "" && status < 300 {
			target = body.ID // the created entity
		}
		e := audit.Entry{Key: audit.ManagementAPIPrefix + rt.ID, ApplicationID: actorOf(r.Context()),
			Fields: map[string]any{"method": rt.Method, "route": rt.Path, "status": status}}
		if target != "" {
			e.Fields["targetId"] = target
		}
		if userRoute || rt.Path == "/api/users" {
			e.UserID = target
		}
		if status >= 400 {
			e.ErrCode, e.ErrMessage = body.Code, body.Message
			if e.ErrCode == "" {
				e.ErrCode = http.StatusText(status)
			}
		}
		a.o.Audit.RecordRequest(r, e)
	})
}
