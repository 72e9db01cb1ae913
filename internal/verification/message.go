package verification

import (
	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/notify"
)

// message renders the code's email or SMS in locale (a language tag, or
// anything i18n.For accepts: it falls back to English). SMS has no subject.
func message(ch Channel, to string, purpose Purpose, code, locale string) notify.Message {
	tr := i18n.For(locale)
	m := notify.Message{To: to, Type: string(purpose), Code: code, Locale: tr.Lang()}
	if ch == Email {
		m.Subject = tr.T("verification.email.subject")
		m.Body = tr.T("verification.email.body", "code", code, "minutes", int(CodeTTL.Minutes()))
	} else {
		m.Body = tr.T("verification.sms.body", "code", code)
	}
	return m
}
