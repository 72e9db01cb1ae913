package experience

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/i18n"
)

// A field error is shown by its code's phrase when there is one and its
// placeholders can be filled; else by its English message.
func TestFieldMessage(t *testing.T) {
	ja, en := i18n.For("ja"), i18n.For("en")
	for _, tc := range []struct {
		tr            *i18n.Translator
		code          string
		params        map[string]any
		message, want string
	}{
		{ja, "user.username_already_in_use", nil, "this username is already in use", "このユーザー名はすでに使用されています。"},
		{ja, "password.too_short", fieldParams("password.too_short"), "must be at least 8 characters", "8 文字以上にしてください。"},
		{ja, "password.common", nil, "Password is too common.", "よく使われているパスワードです。推測されにくいパスワードを選んでください。"},
		{ja, "password.character_types", map[string]any{"min": 3}, "x", "小文字、大文字、数字、記号のうち 3 種類以上を含めてください。"},
		{ja, "password.contains_word", map[string]any{"word": "monban"}, "x", "「monban」という語を含めることはできません。"},
		{ja, "password.contains_user_info", map[string]any{"which": "email"}, "x", "個人情報（メールアドレス）を含めることはできません。"},
		{en, "password.contains_user_info", map[string]any{"which": "username"}, "x", "Must not contain personal information (Username)."},
		// Without the value of {word}: English rather than a hole.
		{ja, "password.contains_word", nil, "must not contain the word monban", "Must not contain the word monban."},
		{ja, "no.such_code", nil, "is wrong", "Is wrong."},
	} {
		if got := fieldMessage(tc.tr, tc.code, tc.params, tc.message); got != tc.want {
			t.Errorf("fieldMessage(%s, %s, %v) = %q, want %q", tc.tr.Lang(), tc.code, tc.params, got, tc.want)
		}
	}
}

// Every phrase key written in this package's code is in en.json.
func TestPhraseKeysExist(t *testing.T) {
	keyRE := regexp.MustCompile(`"((?:action|field|signin|register|consent|scope|signedin|signedout|page|error|server|user|password|verification_code)\.[a-z_.]+)"`)
	names, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	en := i18n.For(i18n.DefaultLanguage)
	n := 0
	for _, f := range names {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		b, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			n++
			if _, ok := en.Phrase(m[1]); !ok {
				t.Errorf("%s: key %q not in en.json", f.Name(), m[1])
			}
		}
	}
	if n < 20 {
		t.Errorf("found only %d keys: is the pattern stale?", n)
	}
}
