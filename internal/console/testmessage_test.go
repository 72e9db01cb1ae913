package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/monban-dev/monban/internal/notify"
	"github.com/monban-dev/monban/internal/testenv"
)

type outbox struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (o *outbox) Send(_ context.Context, m notify.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

func (o *outbox) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.sent)
}

func TestConnectorTestMessage(t *testing.T) {
	box := &outbox{}
	env := testenv.New(t, testenv.Options{Email: box})
	admin(t, env, "root")
	b := newBrowser(t, env)
	b.signIn("root")

	page := b.get("/console/connectors")
	if page.status != 200 || !strings.Contains(page.body, `action="/console/connectors/test-message"`) ||
		strings.Contains(page.body, `<option value="phone"`) {
		t.Fatalf("connectors page: the test form is missing, or offers SMS without an SMS connector:\n%s", page.body)
	}
	// Refused: the address is named and kept.
	p := b.submit("/console/connectors", "/console/connectors/test-message", url.Values{"channel": {"email"}, "to": {"not-an-address"}})
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="to-error"`) || !strings.Contains(p.body, `value="not-an-address"`) {
		t.Fatalf("bad address: %d\n%s", p.status, p.body)
	}
	p = b.submit("/console/connectors", "/console/connectors/test-message", url.Values{"channel": {"phone"}, "to": {"+81901234567"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="channel-error"`) {
		t.Fatalf("SMS without a connector: %d", p.status)
	}
	if box.count() != 0 {
		t.Fatalf("refused sends delivered %d messages", box.count())
	}
	// Without the CSRF token: 403, nothing sent.
	if p := b.post("/console/connectors/test-message", url.Values{"channel": {"email"}, "to": {"admin@example.com"}}); p.status != http.StatusForbidden || box.count() != 0 {
		t.Fatalf("without CSRF token: %d, %d sent", p.status, box.count())
	}
	p = b.submit("/console/connectors", "/console/connectors/test-message", url.Values{"channel": {"email"}, "to": {"admin@example.com"}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "notice.test_sent") {
		t.Fatalf("send: %d %s", p.status, p.header.Get("Location"))
	}
	box.mu.Lock()
	defer box.mu.Unlock()
	if len(box.sent) != 1 || box.sent[0].To != "admin@example.com" || box.sent[0].Type != "Test" || box.sent[0].Code != "" {
		t.Fatalf("delivered: %+v", box.sent)
	}
}

// Without an email or SMS connector there is nothing to test: no form.
func TestConnectorTestMessageNoConnector(t *testing.T) {
	_, b := signedIn(t, false)
	if page := b.get("/console/connectors"); strings.Contains(page.body, "test-message") {
		t.Fatal("test form shown without a connector")
	}
}
