package oidc

import (
	"net/http"
	"net/url"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/store"
)

// The token endpoint's audit entries (package audit): every error, under
// Logto's ExchangeTokenBy.<grant> key with the OAuth error code and
// description, and the successful authorization-code exchange
// (grant_authcode.go, inside its transaction). Successful refresh and
// client_credentials requests are not recorded: they are the hot path.

// recordTokenError records a failed token request. app is the
// authenticated client, nil when client authentication did not succeed;
// then the client the request claims is named only when it exists, so a
// secret sent in the wrong field never lands in the log.
func (p *Provider) recordTokenError(r *http.Request, grantType string, app *store.Application, err error) {
	if p.o.Audit == nil {
		return
	}
	e := asError(err)
	entry := audit.Entry{Key: audit.GrantKey(grantType), ErrCode: e.Code, ErrMessage: e.Description,
		Fields: map[string]any{"status": e.Status}}
	if gt := audit.GrantKey(grantType); gt != audit.KeyExchangeByUnknown {
		entry.Fields["grantType"] = grantType
	}
	switch {
	case app != nil:
		entry.ApplicationID = app.ID
	case p.o.Applications != nil:
		if id := claimedClientID(r); id != "" {
			if known, err := p.o.Applications.Get(r.Context(), id); err == nil {
				entry.ApplicationID = known.ID
			}
		}
	}
	p.o.Audit.RecordRequest(r, entry)
}

// claimedClientID is the client id of the Basic credentials, else of the
// body; "" when none can be read.
func claimedClientID(r *http.Request) string {
	if id, _, ok := r.BasicAuth(); ok {
		id, err := url.QueryUnescape(id)
		if err != nil {
			return ""
		}
		return id
	}
	if r.PostForm != nil {
		return r.PostForm.Get("client_id")
	}
	return ""
}
