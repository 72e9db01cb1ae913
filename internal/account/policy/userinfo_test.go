package policy

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestUserInfoFound(t *testing.T) {
	user := UserInfo{
		Username: "Kenji_T",
		Email:    "k.tanaka@example.com",
		Phone:    "+81 (90) 1234-5678",
		Name:     "Jean-Luc O'Brien",
	}
	tests := []struct {
		password string
		u        UserInfo
		want     []string
	}{
		{"xx-kenji_t-xx", user, []string{"username"}},
		{"KENJI_T2024!", user, []string{"username"}},
		{"K.Tanaka99!", user, []string{"email"}},
		{"tanaka99!", user, nil}, // only the whole local part counts
		{"call 345678 now", user, []string{"phone"}},
		{"9012345678", user, []string{"phone"}},
		{"call 34-5678", user, nil},
		{"brien4ever", user, []string{"name"}},
		{"ilovejeanluc", user, []string{"name"}},
		{"o-o-o-o", user, nil}, // "O" is too short to look for
		{"kenji_t/k.tanaka/brien/345678", user, []string{"username", "email", "phone", "name"}},
		{"Tr0ub4dor&3", user, nil},
		// short identifiers are not looked for
		{"jo-li-xy", UserInfo{Username: "jo", Email: "li@example.com", Name: "Xy"}, nil},
		{"aaa-bbb", UserInfo{Username: "aaa"}, []string{"username"}},
		{"bob!bob", UserInfo{Email: "Bob@example.com"}, []string{"email"}},
		{"nobody", UserInfo{Email: "noat"}, nil},
		{"ab-noat", UserInfo{Email: "noat"}, []string{"email"}}, // no "@": all of it is the local part
		{"12345", UserInfo{Phone: "12345"}, nil},                // under 6 digits
		// non-ASCII names
		{"мойпарольиван", UserInfo{Name: "Иван Петров"}, []string{"name"}},
		{"नमस्तेराहुल", UserInfo{Name: "राहुल शर्मा"}, []string{"name"}},
		{"anything", UserInfo{}, nil},
	}
	for _, tt := range tests {
		got := userInfoFound(strings.ToLower(tt.password), tt.u)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("userInfoFound(%q, %+v) = %v, want %v", tt.password, tt.u, got, tt.want)
		}
	}
}

func TestNameParts(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"Jean-Luc O'Brien", []string{"Jean", "Luc", "O", "Brien"}},
		{"  Ada   Lovelace ", []string{"Ada", "Lovelace"}},
		{"राहुल शर्मा", []string{"राहुल", "शर्मा"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := nameParts(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("nameParts(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
