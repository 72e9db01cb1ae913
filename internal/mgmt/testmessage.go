package mgmt

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/verification"
)

// POST /api/connectors/test-message: send a test email or SMS through the
// deployment's email or SMS connector (configured by flags: --email-smtp-url,
// --email-webhook-url, --sms-webhook-url), as Logto's connector test does for
// its passwordless connectors. Monban's route: Logto's
// POST /api/connectors/{factoryId}/test tests a connector's unsaved config,
// and Monban's email and SMS connectors are server configuration.

type testMessageBody struct {
	Email  *string `json:"email"`
	Phone  *string `json:"phone"`
	Locale string  `json:"locale"`
}

func (a *API) sendTestMessage(w http.ResponseWriter, r *http.Request) error {
	var in testMessageBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var (
		ch    verification.Channel
		to    string
		field string
	)
	switch {
	case in.Email != nil && in.Phone != nil:
		return invalidInput("phone", "guard.invalid_input", "send either email or phone, not both")
	case in.Email != nil:
		ch, to, field = verification.Email, strings.TrimSpace(*in.Email), "email"
	case in.Phone != nil:
		ch, to, field = verification.Phone, strings.TrimSpace(*in.Phone), "phone"
	default:
		return invalidInput("email", "guard.invalid_input", "email or phone is required")
	}
	err := a.o.Verification.SendTest(r.Context(), ch, to, in.Locale, server.ClientIP(r))
	var soon verification.ErrTooSoon
	switch {
	case err == nil:
		w.WriteHeader(http.StatusNoContent)
		return nil
	case errors.Is(err, verification.ErrIdentifier):
		msg := "must be an email address"
		if ch == verification.Phone {
			msg = "must be a phone number in international format, e.g. +81901234567"
		}
		return invalidInput(field, "guard.invalid_input", msg)
	case errors.Is(err, verification.ErrNotConfigured):
		hint := "--email-smtp-url or --email-webhook-url"
		if ch == verification.Phone {
			hint = "--sms-webhook-url"
		}
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "connector.not_found",
			Message: "No " + field + " connector is configured; start the server with " + hint + ".", Data: map[string]string{"field": field}}
	case errors.As(err, &soon):
		w.Header().Set("Retry-After", strconv.Itoa(int(soon.Wait.Seconds())+1))
		return &apiError{Status: http.StatusTooManyRequests, Code: "verification_code.too_many_requests",
			Message: "Too many messages to this address or from this client; try again later."}
	default:
		// The provider refused or could not be reached: not the caller's
		// input, and not Monban's fault either.
		a.o.Logger.WarnContext(r.Context(), "test message not delivered", "channel", string(ch), "err", err)
		return &apiError{Status: http.StatusBadGateway, Code: "connector.general",
			Message: "The " + field + " connector could not deliver the message; see the server log."}
	}
}
