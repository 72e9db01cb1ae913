package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/store"
)

// Audit logs: the list, newest first, filtered by user, application, log
// key and result (plain GET parameters, as /api/logs takes userId,
// applicationId and logKey), and one entry's details with its payload.
// The audit log is written by the domain (internal/audit); the console
// only reads it.
func (c *Console) logRoutes(rt *router) {
	rt.Page("/console/audit-logs", c.auditLogs)
	rt.Page("/console/audit-logs/{id}", c.auditLog)
}

// logKeys are offered as suggestions in the key filter: the keys Monban
// records (internal/audit), most useful first.
var logKeys = []string{
	audit.KeySignIn, audit.KeyRegister, audit.KeyForgotPassword,
	audit.VerificationKey(audit.SignIn, audit.Password),
	audit.VerificationKey(audit.SignIn, audit.EmailVerificationCode),
	audit.VerificationKey(audit.SignIn, audit.PhoneVerificationCode),
	audit.VerificationKey(audit.SignIn, audit.Social),
	audit.KeyExchangeByAuthorizationCode, audit.KeyExchangeByRefreshToken,
	audit.KeyExchangeByClientCredentials, audit.KeyExchangeByUnknown,
}

// logRow is an entry as the list shows it.
type logRow struct {
	*store.AuditLog
	// Label is the event's name in the page's language ("" when the key
	// has no phrase: the key alone is shown).
	Label string
	IP    string
}

type auditLogsData struct {
	Page
	Filter store.AuditLogFilter
	Form   *Form // the filters, as typed
	Keys   []string
	Rows   []logRow
	Pager  Pager
}

// filterValue bounds a filter typed in the URL.
func filterValue(q url.Values, name string) string {
	v := strings.TrimSpace(q.Get(name))
	if len(v) > 256 {
		v = v[:256]
	}
	return v
}

func (c *Console) auditLogs(w http.ResponseWriter, r *http.Request, a *Admin) {
	q := r.URL.Query()
	f := store.AuditLogFilter{UserID: filterValue(q, "userId"), ApplicationID: filterValue(q, "applicationId"),
		Key: filterValue(q, "logKey"), Result: store.AuditResult(q.Get("result"))}
	if f.Result != store.AuditSuccess && f.Result != store.AuditError {
		f.Result = ""
	}
	p := pageOf(r)
	// The store is read directly for the result filter, which
	// audit.Service.List does not take.
	entries, total, err := c.o.Store.ListAuditLogs(r.Context(), f, p)
	if err != nil {
		c.fail(w, r, "list audit logs", err)
		return
	}
	form := NewForm(nil)
	form.Values.Set("userId", f.UserID)
	form.Values.Set("applicationId", f.ApplicationID)
	form.Values.Set("logKey", f.Key)
	form.Values.Set("result", string(f.Result))
	d := auditLogsData{Page: c.page(r, a, "audit-logs", "logs.title"), Filter: f, Form: form, Keys: logKeys,
		Pager: c.pager("/audit-logs", url.Values{"userId": {f.UserID}, "applicationId": {f.ApplicationID},
			"logKey": {f.Key}, "result": {string(f.Result)}}, p, total)}
	for _, e := range entries {
		d.Rows = append(d.Rows, logRow{AuditLog: e, Label: logLabel(a, e.Key), IP: payloadString(e.Payload, "ip")})
	}
	c.show(w, r, a, "audit-logs", d)
}

// logLabel is the event name of key ("logkey.<key>"), "" without one.
func logLabel(a *Admin, key string) string {
	if s, ok := a.Tr.Phrase("logkey." + key); ok {
		return s
	}
	return ""
}

func payloadString(p map[string]any, k string) string {
	s, _ := p[k].(string)
	return s
}

type auditLogData struct {
	Page
	Entry     *store.AuditLog
	Label     string
	IP        string
	UserAgent string
	ErrCode   string
	ErrMsg    string
	Payload   string
	// User and App are the entry's user and application when they still
	// exist (links); else only their ids are shown.
	User *store.User
	App  *store.Application
}

func (c *Console) auditLog(w http.ResponseWriter, r *http.Request, a *Admin) {
	e, err := c.o.Audit.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		c.notFound(w, r)
		return
	}
	if err != nil {
		c.fail(w, r, "load audit log", err)
		return
	}
	d := auditLogData{Page: c.page(r, a, "audit-logs", "logs.entry", "key", e.Key), Entry: e, Label: logLabel(a, e.Key),
		IP: payloadString(e.Payload, "ip"), UserAgent: payloadString(e.Payload, "userAgent"), Payload: prettyJSON(e.Payload)}
	if em, ok := e.Payload["error"].(map[string]any); ok {
		d.ErrCode, _ = em["code"].(string)
		d.ErrMsg, _ = em["message"].(string)
	}
	if e.UserID != "" {
		if u, err := c.o.Store.GetUser(r.Context(), e.UserID); err == nil {
			d.User = u
		}
	}
	if e.ApplicationID != "" {
		if app, err := c.o.Store.GetApplication(r.Context(), e.ApplicationID); err == nil {
			d.App = app
		}
	}
	c.show(w, r, a, "audit-logs-details", d)
}
