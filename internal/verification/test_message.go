package verification

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/notify"
)

// PurposeTest is the Type of a test message (Logto's connector test sends
// one too): it carries no code and signs nobody in.
const PurposeTest = "Test"

// SendTest delivers a test message by email or SMS to to, so that an
// administrator can check the connector before users depend on it (the
// console's "Send a test message", POST /api/connectors/test-message). It
// counts against the same per-address and per-IP hourly limits as codes,
// so the route cannot be turned into a mailer. It returns ErrNotConfigured
// when the channel has no connector, ErrIdentifier (wrapped) for an address
// that is not one, and the connector's error, wrapped, when delivery fails.
func (s *Service) SendTest(ctx context.Context, ch Channel, to, locale string, ip netip.Addr) error {
	ident, err := Normalize(ch, to)
	if err != nil {
		return err
	}
	snd, err := s.sender(ch)
	if err != nil {
		return err
	}
	if err := s.countSend(ctx, ident, ip, s.now()); err != nil {
		return err
	}
	tr := i18n.For(locale)
	m := notify.Message{To: ident, Type: PurposeTest, Locale: tr.Lang(), Body: tr.T("verification.test.body")}
	if ch == Email {
		m.Subject = tr.T("verification.test.subject")
	}
	if err := snd.Send(ctx, m); err != nil {
		return fmt.Errorf("verification: deliver test message: %w", err)
	}
	return nil
}
