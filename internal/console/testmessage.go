package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/verification"
)

// sendTestMessage sends a test email or SMS through the deployment's
// connector (verification.Service.SendTest, as POST
// /api/connectors/test-message), so the admin sees delivery work before
// users depend on it. Form: channel (email|phone) and to.
func (c *Console) sendTestMessage(w http.ResponseWriter, r *http.Request, a *Admin) {
	f := NewForm(r.PostForm)
	label := a.Tr.T("conn.test_to")
	ch := verification.Channel(r.PostForm.Get("channel"))
	to := strings.TrimSpace(r.PostForm.Get("to"))
	if ch != verification.Email && ch != verification.Phone {
		f.Fail("channel", a.Tr.T("conn.test_channel"), a.Tr.T("conn.test_bad_channel"))
		c.connectorsPage(w, r, a, http.StatusBadRequest, f)
		return
	}
	err := c.o.Verification.SendTest(r.Context(), ch, to, a.Lang, server.ClientIP(r))
	var soon verification.ErrTooSoon
	switch {
	case err == nil:
		c.done(w, r, "/connectors", "notice.test_sent")
		return
	case errors.Is(err, verification.ErrIdentifier):
		key := "conn.test_bad_email"
		if ch == verification.Phone {
			key = "conn.test_bad_phone"
		}
		f.Fail("to", label, a.Tr.T(key))
		c.connectorsPage(w, r, a, http.StatusBadRequest, f)
	case errors.Is(err, verification.ErrNotConfigured):
		f.Fail("channel", a.Tr.T("conn.test_channel"), a.Tr.T("conn.not_set_up"))
		c.connectorsPage(w, r, a, http.StatusUnprocessableEntity, f)
	case errors.As(err, &soon):
		f.Fail("to", label, a.Tr.T("conn.test_too_many"))
		c.connectorsPage(w, r, a, http.StatusTooManyRequests, f)
	default:
		c.log(r.Context()).Warn("console: test message not delivered", "channel", string(ch), "err", err)
		f.Fail("to", label, a.Tr.T("conn.test_failed"))
		c.connectorsPage(w, r, a, http.StatusBadGateway, f)
	}
}
