package i18n

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monban-dev/monban/web/locales"
)

// Every phrase file has every key of en.json, with the same placeholders,
// and nothing else: a contributor's new file is checked by this test
// without any change to it.
func TestPhraseFilesComplete(t *testing.T) {
	files := readPhraseFiles(t, locales.FS)
	en, ok := files[DefaultLanguage]
	if !ok {
		t.Fatalf("no %s.json", DefaultLanguage)
	}
	if len(files) < 2 {
		t.Errorf("only %d phrase files", len(files))
	}
	for tag, phrases := range files {
		for key, want := range en {
			got, ok := phrases[key]
			switch {
			case !ok:
				t.Errorf("%s.json lacks %q (en: %q)", tag, key, want)
			case strings.TrimSpace(got) == "":
				t.Errorf("%s.json: %q is empty", tag, key)
			case !samePlaceholders(Placeholders(want), Placeholders(got)):
				t.Errorf("%s.json: %q has placeholders %v, en.json %v", tag, key, Placeholders(got), Placeholders(want))
			}
		}
		for key := range phrases {
			if _, ok := en[key]; !ok {
				t.Errorf("%s.json: %q is not in en.json (en.json is the source of truth)", tag, key)
			}
		}
	}
}

// readPhraseFiles decodes every *.json of fsys, failing on a duplicate key
// (encoding/json would silently keep the last).
func readPhraseFiles(t *testing.T, fsys fs.FS) map[string]map[string]string {
	t.Helper()
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("%s: not a JSON object", n)
		}
		m := map[string]string{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			key := tok.(string)
			var v string
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("%s: %q: %v (values are strings)", n, key, err)
			}
			if _, dup := m[key]; dup {
				t.Errorf("%s: %q twice", n, key)
			}
			m[key] = v
		}
		out[strings.TrimSuffix(n, ".json")] = m
	}
	return out
}

func samePlaceholders(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func TestEmbeddedCatalog(t *testing.T) {
	tags := Tags()
	if !slices.Contains(tags, "en") || !slices.Contains(tags, "ja") {
		t.Fatalf("Tags() = %v, want en and ja at least", tags)
	}
	ja := For("ja")
	for key, want := range map[string]string{
		"action.sign_in":            "サインイン",
		"action.create_account":     "アカウントを作成",
		"field.identifier":          "ユーザー名またはメールアドレス",
		"field.password":            "パスワード",
		"action.continue":           "続行",
		"action.authorize":          "認可",
		"action.cancel":             "キャンセル",
		"error.invalid_credentials": "ユーザー名/メールアドレスまたはパスワードが正しくありません。",
	} {
		if got := ja.T(key); got != want {
			t.Errorf("ja %s = %q, want %q", key, got, want)
		}
	}
	if got := ja.T("error.locked", "minutes", 5); !strings.Contains(got, "5 分後") {
		t.Errorf("ja error.locked = %q", got)
	}
	if got := For("en").T("error.locked", "minutes", 15); !strings.Contains(got, "15 min") {
		t.Errorf("en error.locked = %q", got)
	}
	for _, code := range []string{"password.too_short", "password.character_types", "password.common",
		"password.repetition_or_sequence", "password.contains_user_info", "password.contains_word",
		"user.username_already_in_use", "user.invalid_username", "user.invalid_email", "verification_code.expired"} {
		for _, tag := range []string{"en", "ja"} {
			if _, ok := For(tag).Phrase(code); !ok {
				t.Errorf("%s has no phrase for %s", tag, code)
			}
		}
	}
	if k, ok := EnglishKey("Sign-in expired"); !ok || For("ja").T(k) != "サインインの有効期限が切れました" {
		t.Errorf("EnglishKey(Sign-in expired) = %q, %v", k, ok)
	}
	if _, ok := EnglishKey("redirect_uri https://x does not match"); ok {
		t.Error("EnglishKey found a sentence that is no phrase")
	}
}

func TestTranslator(t *testing.T) {
	c := catalog(t, fstest.MapFS{
		"en.json": {Data: []byte(`{"a": "Hello {name}", "b": "only English", "c": "{n} of {m}"}`)},
		"de.json": {Data: []byte(`{"a": "Hallo {name}"}`)},
	})
	de := c.For("de")
	for _, tc := range []struct {
		key  string
		args []any
		want string
		ok   bool
	}{
		{"a", []any{"name", "Anna"}, "Hallo Anna", true},
		{"a", nil, "Hallo {name}", false},
		{"a", []any{"other", 1}, "Hallo {name}", false},
		{"b", nil, "only English", true}, // falls back to en
		{"missing.key", nil, "missing.key", false},
	} {
		if got := de.T(tc.key, tc.args...); got != tc.want {
			t.Errorf("T(%q, %v) = %q, want %q", tc.key, tc.args, got, tc.want)
		}
		if got, ok := de.Lookup(tc.key, tc.args...); ok != tc.ok || ok && got != tc.want {
			t.Errorf("Lookup(%q, %v) = %q, %v", tc.key, tc.args, got, ok)
		}
	}
	if c.For("de-AT").Lang() != "de" || c.For("xx").Lang() != "en" || c.For("").Lang() != "en" {
		t.Error("For does not match tags like Negotiate")
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		phrase string
		args   []any
		want   string
	}{
		{"{n} of {m}", []any{"n", 1, "m", 2}, "1 of 2"},
		{"{n}{n}", []any{"n", "x"}, "xx"},
		{"no placeholders", []any{"n", 1}, "no placeholders"},
		{"{} { n} {n-1} {", []any{"n", 1}, "{} { n} {n-1} {"},
		{"{{n}}", []any{"n", 1}, "{1}"},
		{"{n}", []any{"n"}, "{n}"},                   // odd argument list: the last name has no value
		{"{v}", []any{"v", "{w}", "w", "no"}, "{w}"}, // values are not expanded again
	} {
		if got := Format(tc.phrase, tc.args...); got != tc.want {
			t.Errorf("Format(%q, %v) = %q, want %q", tc.phrase, tc.args, got, tc.want)
		}
	}
	if got := Placeholders("{a} and {b_2} but not {c-d} or {}"); !slices.Equal(got, []string{"a", "b_2"}) {
		t.Errorf("Placeholders = %v", got)
	}
}

func TestNewCatalogRefuses(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no en.json":      {"ja.json": {Data: []byte(`{}`)}},
		"nested object":   {"en.json": {Data: []byte(`{"a": {"b": "c"}}`)}},
		"not an object":   {"en.json": {Data: []byte(`["a"]`)}},
		"bad file name":   {"en.json": {Data: []byte(`{}`)}, "en us.json": {Data: []byte(`{}`)}},
		"same tag twice":  {"en.json": {Data: []byte(`{}`)}, "pt-BR.json": {Data: []byte(`{}`)}, "pt-br.json": {Data: []byte(`{}`)}},
		"malformed JSON":  {"en.json": {Data: []byte(`{"a": "b",}`)}},
		"number as value": {"en.json": {Data: []byte(`{"a": 1}`)}},
	} {
		if _, err := NewCatalog(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func catalog(t *testing.T, fsys fs.FS) *Catalog {
	t.Helper()
	c, err := NewCatalog(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
