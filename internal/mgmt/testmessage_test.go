package mgmt_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/notify"
	"github.com/monban-dev/monban/internal/testenv"
)

// brokenSMS is an SMS connector whose provider refuses every message.
type brokenSMS struct{}

func (brokenSMS) Send(context.Context, notify.Message) error { return errors.New("provider says 401") }

func TestSendTestMessage(t *testing.T) {
	box := &mailbox{}
	env := testenv.New(t, testenv.Options{Email: box, SMS: brokenSMS{}})
	c := newClient(t, env)

	if r := c.do("POST", "/api/connectors/test-message", `{"email":"Admin@Example.com","locale":"ja"}`); r.status != 204 {
		t.Fatalf("test email: %d %s", r.status, r.raw)
	}
	box.mu.Lock()
	if len(box.sent) != 1 {
		t.Fatalf("%d messages delivered, want 1", len(box.sent))
	}
	m := box.sent[0]
	box.mu.Unlock()
	if m.To != "admin@example.com" || m.Type != "Test" || m.Code != "" || m.Locale != "ja" || m.Subject == "" ||
		!strings.Contains(m.Body, "テスト") {
		t.Errorf("test email: %+v", m)
	}

	wantFields(t, "no address", c.do("POST", "/api/connectors/test-message", `{}`), "email")
	wantFields(t, "bad email", c.do("POST", "/api/connectors/test-message", `{"email":"not an address"}`), "email")
	wantFields(t, "bad phone", c.do("POST", "/api/connectors/test-message", `{"phone":"12"}`), "phone")
	wantFields(t, "both", c.do("POST", "/api/connectors/test-message", `{"email":"a@example.com","phone":"+81901234567"}`), "phone")
	wantFields(t, "wrong type", c.do("POST", "/api/connectors/test-message", `{"email":7}`), "email")
	wantError(t, "provider refuses", c.do("POST", "/api/connectors/test-message", `{"phone":"+81901234567"}`), 502, "connector.general")

	// The per-address limit of codes holds for test messages too.
	var last response
	for range 12 {
		last = c.do("POST", "/api/connectors/test-message", `{"email":"flood@example.com"}`)
	}
	wantError(t, "flooding one address", last, 429, "verification_code.too_many_requests")
	if last.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}

	// Without an SMS connector: 422 naming the flag to set.
	bare := newClient(t, testenv.New(t, testenv.Options{Email: box}))
	r := wantError(t, "no SMS connector", bare.do("POST", "/api/connectors/test-message", `{"phone":"+81901234567"}`), 422, "connector.not_found")
	if msg, _ := r["message"].(string); !strings.Contains(msg, "--sms-webhook-url") {
		t.Errorf("422 message does not say how to configure: %q", msg)
	}
}
