package i18n

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		name, uiLocales, accept, want string
	}{
		{"nothing asked", "", "", "en"},
		{"ui_locales", "ja", "", "ja"},
		{"ui_locales beats Accept-Language", "ja", "en-US,en;q=0.9", "ja"},
		{"ui_locales in order", "fr ja en", "", "ja"},
		{"ui_locales English first", "en ja", "ja", "en"},
		{"ui_locales none available, then Accept-Language", "fr de", "ja", "ja"},
		{"Accept-Language", "", "ja", "ja"},
		{"Accept-Language region", "", "ja-JP", "ja"},
		{"ui_locales region", "ja-JP", "en", "ja"},
		{"base language en-GB", "", "en-GB", "en"},
		{"case and underscore", "JA_jp", "", "ja"},
		{"q-values", "", "en;q=0.5, ja;q=0.8", "ja"},
		{"q-values, default 1", "", "en;q=0.9, ja", "ja"},
		{"equal q keeps order", "", "ja;q=0.7, en;q=0.7", "ja"},
		{"q=0 refuses", "", "ja;q=0, en;q=0.1", "en"},
		{"unavailable first", "", "fr-FR, fr;q=0.9, ja;q=0.8, en;q=0.7", "ja"},
		{"spaces and empty parts", "", " , ja-JP ; q=0.9 ,,", "ja"},
		{"malformed q is left out", "", "ja;q=high, en;q=0.1", "en"},
		{"q above 1 is left out", "", "ja;q=2", "en"},
		{"wildcard", "", "*", "en"},
		{"zh-Hant, no zh file", "zh-Hant", "zh-Hant-TW,zh;q=0.9", "en"},
		{"unknown", "xx", "yy-ZZ", "en"},
		{"garbage", "<script>", "ja\x00, ;;;,q=1", "en"},
		{"private use singleton", "ja-x-custom", "", "ja"},
		{"script and region", "ja-Jpan-JP", "", "ja"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Negotiate(tc.uiLocales, tc.accept); got != tc.want {
				t.Errorf("Negotiate(%q, %q) = %q, want %q", tc.uiLocales, tc.accept, got, tc.want)
			}
		})
	}
}

// A contributor's new file is a new language: no Go change. Matching uses
// the tag as the file spells it.
func TestNegotiateNewLanguage(t *testing.T) {
	c := catalog(t, fstest.MapFS{
		"en.json":      {Data: []byte(`{"signin.title": "Sign in"}`)},
		"ja.json":      {Data: []byte(`{"signin.title": "サインイン"}`)},
		"fr.json":      {Data: []byte(`{"signin.title": "Se connecter"}`)},
		"pt-BR.json":   {Data: []byte(`{"signin.title": "Entrar"}`)},
		"zh-Hant.json": {Data: []byte(`{"signin.title": "登入"}`)},
		"README.md":    {Data: []byte(`not a language`)},
	})
	if got, want := c.Tags(), []string{"en", "fr", "ja", "pt-BR", "zh-Hant"}; !slices.Equal(got, want) {
		t.Errorf("Tags() = %v, want %v", got, want)
	}
	for _, tc := range []struct{ ui, accept, want string }{
		{"", "fr-CA,en;q=0.5", "fr"},
		{"pt-br", "", "pt-BR"},
		{"pt", "", "pt-BR"},   // a bare language takes the regional file
		{"pt-PT", "fr", "fr"}, // but not another region's
		{"zh-Hant-TW", "", "zh-Hant"},
		{"zh", "", "zh-Hant"},
		{"zh-Hans", "ja", "ja"}, // Simplified Chinese readers do not get Traditional
	} {
		if got := c.Negotiate(tc.ui, tc.accept); got != tc.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", tc.ui, tc.accept, got, tc.want)
		}
	}
	if got := c.For("fr-FR").T("signin.title"); got != "Se connecter" {
		t.Errorf("fr-FR sign-in title %q", got)
	}
}

func TestParseAcceptLanguage(t *testing.T) {
	got := parseAcceptLanguage("da, en-GB;q=0.8, en;q=0.7, *;q=0.1, ja;q=0")
	if want := []string{"da", "en-GB", "en", "*"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	long := strings.Repeat("xx,", 10000) + "ja"
	if got := Negotiate("", long); got != "en" {
		t.Errorf("a huge header is read in full: %q", got)
	}
}

// Negotiate reads untrusted input (a query parameter, a header): it never
// panics and always answers an available tag.
func FuzzNegotiate(f *testing.F) {
	f.Add("ja en", "en-GB,en;q=0.8")
	f.Add("zh-Hant-x-a-b", "*;q=0.1, ja;q=1.0")
	f.Add("-", ";q=,--,ja-")
	f.Fuzz(func(t *testing.T, ui, accept string) {
		got := Negotiate(ui, accept)
		if !slices.Contains(Tags(), got) {
			t.Fatalf("Negotiate(%q, %q) = %q, not available", ui, accept, got)
		}
	})
}
