package policy

import (
	"reflect"
	"strings"
	"testing"
)

// codes returns the codes of vs, in order, for compact comparisons.
func codes(vs []Violation) []string {
	var cs []string
	for _, v := range vs {
		cs = append(cs, v.Code)
	}
	return cs
}

func TestCheck(t *testing.T) {
	user := UserInfo{Username: "alice", Email: "alice.w@example.com", Phone: "+1 555 010 4823", Name: "Alice Wonder"}
	strict := Default()
	strict.Length.Min = 12
	strict.CharacterTypes.Min = 3
	strict.Rejects.Words = []string{"Monban", "acme"}
	off := Default()
	off.Rejects = RejectRules{}

	tests := []struct {
		name     string
		p        Policy
		password string
		want     []string
	}{
		{"good", Default(), "Tr0ub4dor&3", nil},
		{"passphrase", Default(), "correct horse battery staple", nil},
		{"empty", Default(), "", []string{CodeTooShort, CodeCharacterTypes}},
		{"too short", Default(), "Xk3!v9", []string{CodeTooShort}},
		{"exactly min", Default(), "Xk3!v9Zq", nil},
		{"too long", Default(), strings.Repeat("xk3!v9Zq", 33), []string{CodeTooLong}},
		{"exactly max", Default(), strings.Repeat("xk3!v9Zq", 32), nil},
		{"length counts code points", Default(), "日本語のパスワ", []string{CodeTooShort}}, // 7 runes, 21 bytes
		{"eight code points", Default(), "日本語のパスワー", nil},
		{"common", Default(), "password", []string{CodeCommon}},
		{"common any case", Default(), "BaseBall", []string{CodeCommon}},
		{"common and sequence", Default(), "12345678", []string{CodeCommon, CodeRepetitionOrSequence}},
		{"repetition", Default(), "xkcd!!!!zq", []string{CodeRepetitionOrSequence}},
		{"sequence", Default(), "pre-abcd-post", []string{CodeRepetitionOrSequence}},
		{"keyboard", Default(), "my-qwer-pass", []string{CodeRepetitionOrSequence}},
		{"username and name", Default(), "ALICE-rocks-9", []string{CodeContainsUserInfo, CodeContainsUserInfo}},
		{"email", Default(), "Alice.W-rocks-9", []string{CodeContainsUserInfo, CodeContainsUserInfo, CodeContainsUserInfo}},
		{"phone", Default(), "pin-104823!", []string{CodeContainsUserInfo}},
		{"rules off", off, "alice1234567", nil},
		{"rules off still checks length", off, "short", []string{CodeTooShort}},
		{"strict good", strict, "Tr0ub4dor&3xy", nil},
		{"strict types", strict, "troubadour-xy", []string{CodeCharacterTypes}},
		{"strict word", strict, "I<3MONBANxyz", []string{CodeContainsWord}},
		{"strict two words", strict, "Acme+Monban=9", []string{CodeContainsWord, CodeContainsWord}},
		{"everything at once", strict, "alice", []string{CodeTooShort, CodeCharacterTypes, CodeCommon, CodeContainsUserInfo, CodeContainsUserInfo}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := tt.p.Check(tt.password, user)
			if got := codes(vs); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Check(%q) = %v, want %v", tt.password, got, tt.want)
			}
			for _, v := range vs {
				if v.Field != "password" || v.Message == "" {
					t.Errorf("violation %+v lacks field or message", v)
				}
			}
		})
	}
}

func TestCheckParams(t *testing.T) {
	p := Default()
	p.CharacterTypes.Min = 2
	p.Rejects.Words = []string{"Acme"}
	tests := []struct {
		password string
		u        UserInfo
		want     Violation
	}{
		{"Xk3!", UserInfo{}, Violation{Field: "password", Code: CodeTooShort, Params: map[string]any{"min": 8},
			Message: "Password must be at least 8 characters long."}},
		{strings.Repeat("Xk3!", 65), UserInfo{}, Violation{Field: "password", Code: CodeTooLong, Params: map[string]any{"max": 256},
			Message: "Password must be at most 256 characters long."}},
		{"onlylowercase", UserInfo{}, Violation{Field: "password", Code: CodeCharacterTypes, Params: map[string]any{"min": 2},
			Message: "Password must contain at least 2 of: lowercase letters, uppercase letters, digits, symbols."}},
		{"Xk3!Bobby-Tables", UserInfo{Name: "Bobby Tables"}, Violation{Field: "password", Code: CodeContainsUserInfo, Params: map[string]any{"which": "name"},
			Message: "Password must not contain your name."}},
		{"Xk3!-ACME-9z", UserInfo{}, Violation{Field: "password", Code: CodeContainsWord, Params: map[string]any{"word": "Acme"},
			Message: `Password must not contain "Acme".`}},
	}
	for _, tt := range tests {
		vs := p.Check(tt.password, tt.u)
		if len(vs) != 1 || !reflect.DeepEqual(vs[0], tt.want) {
			t.Errorf("Check(%q) = %+v, want [%+v]", tt.password, vs, tt.want)
		}
	}
}

func TestCheckIgnoresEmptyWord(t *testing.T) {
	p := Default()
	p.Rejects.Words = []string{""}
	if vs := p.Check("Tr0ub4dor&3", UserInfo{}); len(vs) != 0 {
		t.Fatalf("an empty banned word rejected a password: %v", vs)
	}
}

func TestCharacterTypes(t *testing.T) {
	tests := []struct {
		password string
		want     int
	}{
		{"", 0},
		{"abc", 1},
		{"ABC", 1},
		{"123", 1},
		{"!@ ", 1},
		{"aB", 2},
		{"aB3", 3},
		{"aB3!", 4},
		{"éÉ", 2},     // cased non-ASCII letters count as lower and upper
		{"пароль", 1}, // Cyrillic lowercase
		{"密码", 1},     // uncased letters count as symbols
		{"٣", 1},      // Arabic-Indic digit
		{"密a", 2},
	}
	for _, tt := range tests {
		if got := characterTypes(tt.password); got != tt.want {
			t.Errorf("characterTypes(%q) = %d, want %d", tt.password, got, tt.want)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	p := Default()
	p.Rejects.Words = []string{"monban", "acme"}
	u := UserInfo{Username: "alice", Email: "alice.w@example.com", Phone: "+1 555 010 4823", Name: "Alice Wonder"}
	p.Check("warm-up", u) // builds the common-password set once
	for b.Loop() {
		p.Check("Tr0ub4dor&3-horse", u)
	}
}
