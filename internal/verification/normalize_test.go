package verification

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		ch   Channel
		in   string
		want string // "" for an error
	}{
		{Email, "alice@example.com", "alice@example.com"},
		{Email, "  Alice.Smith+tag@Example.COM ", "alice.smith+tag@example.com"},
		{Email, "a@b.co", "a@b.co"},
		{Email, "", ""},
		{Email, "alice", ""},
		{Email, "alice@example", ""},
		{Email, "@example.com", ""},
		{Email, "alice@@example.com", ""},
		{Email, "al ice@example.com", ""},
		{Email, "alice@example.com\r\nBcc: x@example.com", ""},
		{Email, "alice@.com", ""},
		{Email, "alice@example.com.", ""},
		{Email, strings.Repeat("a", 250) + "@example.com", ""},
		{Email, "+81901234567", ""},
		{Phone, "+81901234567", "+81901234567"},
		{Phone, "81901234567", "+81901234567"},
		{Phone, "+81 90-1234-5678", "+819012345678"},
		{Phone, "+1 (415) 555.0100", "+14155550100"},
		{Phone, "＋８１　９０－１２３４－５６７８", "+819012345678"},
		{Phone, "090-1234-5678", ""}, // national: no country code
		{Phone, "+12345", ""},        // too short
		{Phone, "+1234567890123456", ""},
		{Phone, "+81 90 1234 567a", ""},
		{Phone, "81+901234567", ""},
		{Phone, "alice@example.com", ""},
		{Phone, "", ""},
		{"fax", "+81901234567", ""},
	} {
		got, err := Normalize(tc.ch, tc.in)
		switch {
		case tc.want == "" && !errors.Is(err, ErrIdentifier):
			t.Errorf("Normalize(%s, %q) = %q, %v; want ErrIdentifier", tc.ch, tc.in, got, err)
		case tc.want != "" && (err != nil || got != tc.want):
			t.Errorf("Normalize(%s, %q) = %q, %v; want %q", tc.ch, tc.in, got, err, tc.want)
		}
	}
}
