package console

import (
	"net/http"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/server"
)

// KeyAction is the audit-log key of an admin's console action. The console
// and the Management API are two views of the same operations, so the
// console's writes are recorded as the API's are ("ManagementApi.<op>"):
// who (the admin, as userId), what (method and route pattern, the target's
// id), when, from where, and the outcome. Form values are never recorded:
// they carry passwords and secrets.
const KeyAction = "Console.Action"

// KeySignIn is the audit-log key of a sign-in to the console: successful,
// or refused (errCode says why; the typed identifier is not recorded,
// people type passwords into it).
const KeySignIn = "Console.SignIn"

func (c *Console) auditSignIn(r *http.Request, userID, errCode string) {
	if c.o.Audit == nil {
		return
	}
	e := audit.Entry{Key: KeySignIn, UserID: userID, ErrCode: errCode}
	if errCode != "" {
		e.ErrMessage = "console sign-in refused"
	}
	c.o.Audit.RecordRequest(r, e)
}

// audited runs h and records the action it answered.
func (c *Console) audited(pattern string, h Handler) Handler {
	if c.o.Audit == nil {
		return h
	}
	params := server.PatternParams(pattern)
	return func(w http.ResponseWriter, r *http.Request, a *Admin) {
		rec := server.RecordStatus(w)
		h(rec, r, a)
		status := rec.Status()
		e := audit.Entry{Key: KeyAction, UserID: a.User.ID,
			Fields: map[string]any{"method": r.Method, "route": pattern, "status": status}}
		for _, p := range params {
			if v := r.PathValue(p); v != "" {
				e.Fields["targetId"] = v
				break
			}
		}
		if status >= 400 {
			e.ErrCode = "console.action_refused"
			e.ErrMessage = http.StatusText(status)
		}
		c.o.Audit.RecordRequest(r, e)
	}
}
