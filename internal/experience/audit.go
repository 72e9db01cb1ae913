package experience

import (
	"errors"
	"net/http"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/verification"
)

// The hosted pages' audit entries (package audit): a completed sign-in,
// sign-up or password reset is one Success entry under Logto's
// Interaction.<event>.Submit key; a credential that was wrong, expired or
// locked is one Error entry under Interaction.<event>.Verification.<type>.Submit;
// a right credential refused afterwards (suspended, no account) is an
// Error under Interaction.<event>.Submit. Form mistakes (an empty field, a
// weak new password) are not recorded. The typed identifier is never
// recorded: people type passwords into it; the account it names is
// recorded as userId when there is one.

// record writes an entry for the request, with the application of the
// sign-in in progress. A nil Audit records nothing.
func (p *Pages) record(r *http.Request, it *interaction.Interaction, key string, how audit.Verification, userID, errCode string) {
	if p.Audit == nil {
		return
	}
	e := audit.Entry{Key: key, UserID: userID, ErrCode: errCode}
	if it != nil {
		e.ApplicationID = it.Request.ClientID
	}
	if how != "" {
		e.Fields = map[string]any{"verification": string(how)}
	}
	p.Audit.RecordRequest(r, e)
}

// recordFailure records a failed verification of identifier by how,
// naming the account the identifier belongs to when there is one.
func (p *Pages) recordFailure(r *http.Request, it *interaction.Interaction, ev audit.Event, how audit.Verification, identifier, errCode string) {
	p.recordFailureKey(r, it, audit.VerificationKey(ev, how), how, identifier, errCode)
}

func (p *Pages) recordFailureKey(r *http.Request, it *interaction.Interaction, key string, how audit.Verification, identifier, errCode string) {
	if p.Audit == nil {
		return
	}
	userID := ""
	if identifier != "" {
		if u, err := p.Accounts.FindUser(r.Context(), identifier); err == nil {
			userID = u.ID
		}
	}
	p.record(r, it, key, how, userID, errCode)
}

// recordPasswordFailure records a failed password sign-in: a wrong or
// locked password as a failed verification, a suspended account (the
// password was right) as a refused sign-in.
func (p *Pages) recordPasswordFailure(r *http.Request, it *interaction.Interaction, identifier string, err error) {
	switch code := passwordErrorCode(err); code {
	case "":
	case audit.CodeSuspended:
		p.recordFailureKey(r, it, audit.KeySignIn, audit.Password, identifier, code)
	default:
		p.recordFailure(r, it, audit.SignIn, audit.Password, identifier, code)
	}
}

// codeVerification is the verification type of a code sent by ch.
func codeVerification(ch verification.Channel) audit.Verification {
	if ch == verification.Phone {
		return audit.PhoneVerificationCode
	}
	return audit.EmailVerificationCode
}

// passwordErrorCode is the entry's error code for a failed password
// sign-in, "" for a failure that is no sign-in attempt (server busy).
func passwordErrorCode(err error) string {
	var locked account.ErrLocked
	switch {
	case errors.As(err, &locked):
		return audit.CodeTooManyAttempts
	case errors.Is(err, account.ErrInvalidCredentials):
		return audit.CodeInvalidCredentials
	case errors.Is(err, account.ErrSuspended):
		return audit.CodeSuspended
	}
	return ""
}

// codeErrorCode is the entry's error code for a failed code check, ""
// for one that is no attempt (no code typed, no connector).
func codeErrorCode(err error) string {
	var locked verification.ErrLocked
	switch {
	case errors.As(err, &locked):
		return audit.CodeCodeExceedMaxTry
	case errors.Is(err, verification.ErrExpired):
		return audit.CodeCodeExpired
	case errors.Is(err, verification.ErrInvalid):
		return audit.CodeCodeMismatch
	}
	return ""
}

// recordCodeFailure records a wrong, expired or locked code for pd.
func (p *Pages) recordCodeFailure(r *http.Request, it *interaction.Interaction, ev audit.Event, pd *pending, err error) {
	if code := codeErrorCode(err); code != "" {
		p.recordFailure(r, it, ev, codeVerification(pd.Channel), pd.To, code)
	}
}

// recordSocial records a social sign-in's outcome at connector row.
func (p *Pages) recordSocial(r *http.Request, it *interaction.Interaction, key string, row *store.Connector, userID, errCode string) {
	if p.Audit == nil {
		return
	}
	e := audit.Entry{Key: key, UserID: userID, ErrCode: errCode, Fields: map[string]any{
		"verification": string(audit.Social), "connectorId": row.ID, "target": row.Target}}
	if it != nil {
		e.ApplicationID = it.Request.ClientID
	}
	p.Audit.RecordRequest(r, e)
}

// socialErrorCode is the entry's error code for a connector error.
func socialErrorCode(err error) string {
	return "connector." + string(connector.CodeOf(err))
}
