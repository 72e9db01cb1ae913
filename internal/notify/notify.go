// Package notify delivers verification codes: email through SMTP or an HTTP
// webhook, SMS through an HTTP webhook. These are the sign-in experience's
// email and SMS connectors (Logto's kinds "Email" and "Sms"); the social
// connectors issue adds others behind the same interface.
package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Message is one code to deliver.
type Message struct {
	To string // email address or phone number
	// Type is what the code is for: SignIn, Register, ForgotPassword
	// (Logto's template types).
	Type   string
	Code   string
	Locale string
	// Subject and Body are the rendered text (in Locale).
	Subject string
	Body    string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrNotConfigured: no sender for this channel.
var ErrNotConfigured = errors.New("notify: no connector configured")

// SMTP sends email through an SMTP server.
type SMTP struct {
	// Addr is host:port.
	Addr string
	// From is the sender address.
	From string
	// Username and Password enable PLAIN auth (only over TLS or to localhost,
	// as net/smtp enforces).
	Username, Password string
	// ImplicitTLS connects with TLS from the start (port 465); otherwise
	// STARTTLS is used when the server offers it.
	ImplicitTLS bool
	Timeout     time.Duration
}

var _ Sender = (*SMTP)(nil)

// NewSMTPFromURL parses smtp://user:pass@host:port?from=addr (smtps:// for
// implicit TLS).
func NewSMTPFromURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
		return nil, fmt.Errorf("notify: SMTP URL must look like smtp://user:password@host:587?from=no-reply@example.com")
	}
	s := &SMTP{Addr: u.Host, From: u.Query().Get("from"), ImplicitTLS: u.Scheme == "smtps", Timeout: 10 * time.Second}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		return nil, fmt.Errorf("notify: SMTP URL needs host:port")
	}
	if s.From == "" {
		return nil, fmt.Errorf("notify: SMTP URL needs ?from=address")
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// Send delivers one plain-text email.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return errors.New("notify: header injection refused")
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	host, _, _ := net.SplitHostPort(s.Addr)
	d := net.Dialer{Timeout: timeout}
	var conn net.Conn
	var err error
	if s.ImplicitTLS {
		conn, err = tls.DialWithDialer(&d, "tcp", s.Addr, &tls.Config{ServerName: host})
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.Addr)
	}
	if err != nil {
		return fmt.Errorf("notify: connect to SMTP server: %w", err)
	}
	conn.SetDeadline(time.Now().Add(timeout))
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("notify: SMTP greeting: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && !s.ImplicitTLS {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return fmt.Errorf("notify: STARTTLS: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return fmt.Errorf("notify: SMTP auth: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("notify: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("notify: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("notify: DATA: %w", err)
	}
	msg := "From: " + s.From + "\r\nTo: " + m.To + "\r\nSubject: " + mimeSubject(m.Subject) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(m.Body, "\n", "\r\n") + "\r\n"
	if _, err := w.Write([]byte(msg)); err != nil {
		return fmt.Errorf("notify: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("notify: end message: %w", err)
	}
	return c.Quit()
}

// mimeSubject encodes a non-ASCII subject (RFC 2047).
func mimeSubject(s string) string {
	for _, r := range s {
		if r > 127 {
			return "=?utf-8?b?" + b64(s) + "?="
		}
	}
	return s
}

// Webhook POSTs the message as JSON to a URL: for email or SMS providers
// behind a small adapter. The body is {"to","type","code","locale",
// "subject","body"}; any 2xx is success.
type Webhook struct {
	URL string
	// Secret, when set, is sent as "Authorization: Bearer <secret>".
	Secret string
	Client *http.Client
}

var _ Sender = (*Webhook)(nil)

func (h *Webhook) Send(ctx context.Context, m Message) error {
	body, _ := json.Marshal(map[string]string{"to": m.To, "type": m.Type, "code": m.Code, "locale": m.Locale,
		"subject": m.Subject, "body": m.Body})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("notify: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if h.Secret != "" {
		req.Header.Set("Authorization", "Bearer "+h.Secret)
	}
	c := h.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("notify: webhook: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("notify: webhook answered %d", resp.StatusCode)
	}
	return nil
}
