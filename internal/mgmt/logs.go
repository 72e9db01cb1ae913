package mgmt

import (
	"net/http"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/store"
)

// logJSON is Logto's log: {id, key, payload, createdAt} with createdAt in
// milliseconds and payload {key, result, error?, ip, userAgent, userId?,
// applicationId?, ...}.
type logJSON struct {
	ID        string         `json:"id"`
	Key       string         `json:"key"`
	Payload   map[string]any `json:"payload"`
	CreatedAt int64          `json:"createdAt"`
}

func toLogJSON(l *store.AuditLog) logJSON {
	p := l.Payload
	if p == nil {
		p = map[string]any{}
	}
	return logJSON{ID: l.ID, Key: l.Key, Payload: p, CreatedAt: l.CreatedAt.UnixMilli()}
}

// logFilter reads Logto's filters: userId, applicationId and logKey (an
// exact key).
func logFilter(r *http.Request) audit.Filter {
	q := r.URL.Query()
	return audit.Filter{UserID: q.Get("userId"), ApplicationID: q.Get("applicationId"), Key: q.Get("logKey")}
}

// listLogs answers a page of f's entries, newest first. Logs are always
// paged, as Logto's: 20 per page unless page_size says otherwise.
func (a *API) listLogs(w http.ResponseWriter, r *http.Request, f audit.Filter) error {
	p, paged, err := pageOf(r)
	if err != nil {
		return err
	}
	if !paged {
		p = store.Page{Number: 1, Size: defaultPageSize}
	}
	logs, total, err := a.o.Audit.List(r.Context(), f, p)
	if err != nil {
		return err
	}
	out := make([]logJSON, len(logs))
	for i, l := range logs {
		out[i] = toLogJSON(l)
	}
	writeList(w, total, out)
	return nil
}

// GET /api/logs (userId, applicationId, logKey; page, page_size;
// Total-Number)
func (a *API) getLogs(w http.ResponseWriter, r *http.Request) error {
	return a.listLogs(w, r, logFilter(r))
}

// GET /api/logs/{id}
func (a *API) getLog(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	l, err := a.o.Audit.Get(r.Context(), id)
	if err != nil {
		return withID(err, id)
	}
	writeJSON(w, http.StatusOK, toLogJSON(l))
	return nil
}

// GET /api/users/{userId}/logs (applicationId, logKey; page, page_size):
// the user's entries; an unknown user is 404. Entries of a deleted user
// stay readable through /api/logs?userId=.
func (a *API) getUserLogs(w http.ResponseWriter, r *http.Request) error {
	userID := r.PathValue("userId")
	if _, err := a.o.Store.GetUser(r.Context(), userID); err != nil {
		return withID(err, userID)
	}
	f := logFilter(r)
	f.UserID = userID
	return a.listLogs(w, r, f)
}

// logSchema is the OpenAPI component "Log".
func logSchema() obj {
	return object(obj{
		"id":  str,
		"key": str,
		"payload": obj{"type": "object", "additionalProperties": true, "properties": obj{
			"key": str, "result": obj{"type": "string", "enum": []string{"Success", "Error"}},
			"error": anyObj, "ip": str, "userAgent": str, "userId": str, "applicationId": str,
		}},
		"createdAt": integer,
	}, "id", "key", "payload", "createdAt")
}
