package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/i18n"
)

func requestWith(target, acceptLanguage string) *http.Request {
	r := httptest.NewRequest("GET", target, nil)
	if acceptLanguage != "" {
		r.Header.Set("Accept-Language", acceptLanguage)
	}
	return r
}

func TestLanguage(t *testing.T) {
	for _, tc := range []struct {
		target, accept, uiLocales, want string
	}{
		{"/", "", "", "en"},
		{"/", "ja-JP,en;q=0.5", "", "ja"},
		{"/?ui_locales=ja", "en", "", "ja"},
		{"/?ui_locales=en", "ja", "", "en"},
		{"/?ui_locales=en", "ja", "ja", "ja"}, // the interaction's first
		{"/?ui_locales=xx", "ja", "yy", "ja"},
	} {
		if got := Language(requestWith(tc.target, tc.accept), tc.uiLocales); got != tc.want {
			t.Errorf("Language(%s, Accept-Language %q, %q) = %q, want %q", tc.target, tc.accept, tc.uiLocales, got, tc.want)
		}
	}
}

// The OIDC front door hands ErrorPage English texts: the page around them is
// in the request's language, and a text that is an English phrase is
// translated.
func TestErrorPageJapanese(t *testing.T) {
	rec := httptest.NewRecorder()
	ErrorPage(rec, requestWith("/oidc/auth/resume", "ja"), http.StatusBadRequest, "", "Sign-in expired",
		"This sign-in has expired or was started in another browser. Go back to the application and sign in again.")
	body := rec.Body.String()
	for _, want := range []string{`<html lang="ja">`, "<title>サインインの有効期限が切れました · Monban</title>",
		`role="alert">このサインインは有効期限が切れているか、別のブラウザーで開始されました。`} {
		if !strings.Contains(body, want) {
			t.Errorf("error page lacks %s\n%s", want, body)
		}
	}

	rec = httptest.NewRecorder()
	ErrorPage(rec, requestWith("/oidc/auth?ui_locales=ja", "en"), http.StatusBadRequest, "", "Sign-in request rejected",
		`redirect_uri "https://evil.example/<x>" is odd`)
	body = rec.Body.String()
	for _, want := range []string{`<html lang="ja">`, "<h1>サインインリクエストが拒否されました</h1>",
		`role="alert">redirect_uri &#34;https://evil.example/&lt;x&gt;&#34; is odd</p>`} {
		if !strings.Contains(body, want) {
			t.Errorf("error page lacks %s\n%s", want, body)
		}
	}

	rec = httptest.NewRecorder()
	ErrorPageKey(rec, requestWith("/", "ja"), http.StatusForbidden, "/auth", "error.refused.title", "error.refused.detail")
	if body := rec.Body.String(); rec.Code != http.StatusForbidden || !strings.Contains(body, "<h1>リクエストが拒否されました</h1>") ||
		!strings.Contains(body, `href="/auth/static/monban.css"`) {
		t.Errorf("ErrorPageKey: %d\n%s", rec.Code, body)
	}
}

func TestSignedOutAndFormPostJapanese(t *testing.T) {
	rec := httptest.NewRecorder()
	SignedOut(rec, requestWith("/oidc/session/end?ui_locales=ja", ""), "")
	for _, want := range []string{`<html lang="ja">`, "<h1>サインアウトしました</h1>", "<p>このウィンドウは閉じてかまいません。</p>"} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("signed-out page lacks %s\n%s", want, rec.Body.String())
		}
	}
	rec = httptest.NewRecorder()
	FormPost(rec, requestWith("/oidc/auth", "ja"), "https://album.example/cb", map[string]string{"code": "c"})
	for _, want := range []string{`<html lang="ja">`, "<title>続行 · Monban</title>", `<button type="submit">続行</button>`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("form-post page lacks %s\n%s", want, rec.Body.String())
		}
	}
}

// Page.Lang, set by a caller that knows better (the sign-in's ui_locales),
// beats the request; the application's name stays escaped inside the
// translated phrase.
func TestRenderPageLang(t *testing.T) {
	rec := httptest.NewRecorder()
	Render(rec, requestWith("/", "en"), http.StatusOK, "error", ErrorData{Page: Page{Lang: "ja", AppName: `Album <script>"`}})
	body := rec.Body.String()
	if !strings.Contains(body, `<html lang="ja">`) || !strings.Contains(body, "続行先：<strong>Album &lt;script&gt;&#34;</strong>") {
		t.Errorf("Page.Lang ja:\n%s", body)
	}
	rec = httptest.NewRecorder()
	Render(rec, requestWith("/", "ja"), http.StatusOK, "error", ErrorData{Page: Page{Lang: "tlh"}})
	if !strings.Contains(rec.Body.String(), `<html lang="ja">`) {
		t.Error("an unavailable Page.Lang does not fall back to the request's language")
	}
}

// Every page renders in every language, and every key the templates and
// this package's code name is in en.json.
func TestPhraseKeysOfPages(t *testing.T) {
	en := i18n.For(i18n.DefaultLanguage)
	// {{t "key"}} and {{th "key" ...}} in templates; T("key") and
	// ErrorPageKey(..., "title.key", "detail.key") in Go.
	keyRE := regexp.MustCompile(`\{\{-?\s*th?\s+"([^"]+)"|\bT\("([^"]+)"|Key\([^)]*"([a-z_]+\.[a-z_.]+)", "([a-z_]+\.[a-z_.]+)"\)`)
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		sources = append(sources, string(b))
	}
	for _, f := range []string{"pages.go", "web.go", "lang.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, string(b))
	}
	n := 0
	for _, src := range sources {
		for _, m := range keyRE.FindAllStringSubmatch(src, -1) {
			for _, key := range m[1:] {
				if key == "" {
					continue
				}
				n++
				if _, ok := en.Phrase(key); !ok {
					t.Errorf("key %q (%s) not in en.json", key, m[0])
				}
			}
		}
	}
	if n < 20 {
		t.Errorf("found only %d keys: is the pattern stale?", n)
	}
	for lang, sets := range pages {
		if len(sets) != len(pages[i18n.DefaultLanguage]) {
			t.Errorf("%s: %d pages", lang, len(sets))
		}
	}
}
