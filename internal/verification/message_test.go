package verification

import (
	"context"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/i18n"
)

// TestMessageLocale: the email and SMS text is in the requested language,
// English when there is none of it, and carries the code and the validity.
func TestMessageLocale(t *testing.T) {
	for _, tc := range []struct {
		name, locale, lang string
		ch                 Channel
		to                 string
		subject            string // "" for SMS
		bodyHas            []string
	}{
		{"Japanese email", "ja", "ja", Email, "hanako@example.jp", "認証コードのお知らせ", []string{"10 分"}},
		{"Japanese region", "ja-JP", "ja", Email, "hanako@example.jp", "認証コードのお知らせ", []string{"認証コードは"}},
		{"Japanese SMS", "ja", "ja", Phone, "+81901234567", "", []string{"認証コードは"}},
		{"English email", "en", "en", Email, "alice@example.com", "Your verification code", []string{"10 minutes"}},
		{"unknown language", "fr", "en", Email, "alice@example.com", "Your verification code", nil},
		{"no language", "", "en", Phone, "+14155550100", "", []string{"verification code"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if err := f.svc.Send(context.Background(), tc.ch, tc.to, SignIn, tc.locale, testIP); err != nil {
				t.Fatal(err)
			}
			m := f.sender(tc.ch).last(t)
			if m.Locale != tc.lang || m.Subject != tc.subject {
				t.Fatalf("locale %q subject %q, want %q %q", m.Locale, m.Subject, tc.lang, tc.subject)
			}
			if !strings.Contains(m.Body, m.Code) || strings.Contains(m.Body, "{") {
				t.Fatalf("body %q: no code or a placeholder left", m.Body)
			}
			for _, s := range tc.bodyHas {
				if !strings.Contains(m.Body, s) {
					t.Errorf("body %q lacks %q", m.Body, s)
				}
			}
		})
	}
}

// TestPhrases: every language has the three phrases, with their
// placeholders.
func TestPhrases(t *testing.T) {
	for _, lang := range i18n.Tags() {
		tr := i18n.For(lang)
		for key, want := range map[string][]string{
			"verification.email.subject": nil,
			"verification.email.body":    {"code", "minutes"},
			"verification.sms.body":      {"code"},
		} {
			p, ok := tr.Phrase(key)
			if !ok {
				t.Errorf("%s: no %s", lang, key)
				continue
			}
			for _, name := range want {
				if !strings.Contains(p, "{"+name+"}") {
					t.Errorf("%s: %s lacks {%s}", lang, key, name)
				}
			}
		}
	}
}
