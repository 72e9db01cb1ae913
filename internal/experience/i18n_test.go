package experience_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/interaction"
)

var (
	acceptJA = http.Header{"Accept-Language": {"ja-JP,ja;q=0.9,en;q=0.5"}}
	acceptEN = http.Header{"Accept-Language": {"en-US,en;q=0.9"}}
)

// postWith is browser.post with extra request headers on both the GET of
// the form and the POST.
func (b *browser) postWith(path string, fields url.Values, header http.Header) *response {
	b.e.t.Helper()
	r := b.do(http.MethodGet, path, nil, header)
	m := tokenRE.FindStringSubmatch(r.body)
	if m == nil {
		b.e.t.Fatalf("GET %s (%d): no csrf_token", path, r.StatusCode)
	}
	fields.Set("csrf_token", m[1])
	for _, n := range []string{"ui_locales"} { // the form's hidden fields, as a browser sends them
		if v := hiddenValue(r.body, n); v != "" && fields.Get(n) == "" {
			fields.Set(n, v)
		}
	}
	return b.do(http.MethodPost, path, fields, header)
}

func hiddenValue(body, name string) string {
	marker := `<input type="hidden" name="` + name + `" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	rest := body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

func wantAll(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %s", what, want)
		}
	}
}

func TestSignInFormJapanese(t *testing.T) {
	e := newEnv(t, "")
	r := e.browser().do(http.MethodGet, "/sign-in", nil, acceptJA)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	wantAll(t, "sign-in page", r.body,
		`<html lang="ja">`,
		`<title>サインイン · Monban</title>`,
		`<h1>サインイン</h1>`,
		`<label for="identifier">ユーザー名またはメールアドレス</label>`,
		`<label for="password">パスワード</label>`,
		`<button type="submit">サインイン</button>`,
		`<a href="/register">アカウントを作成</a>`,
		`<input type="hidden" name="ui_locales" value="ja">`)
	for _, english := range []string{"Sign in", "Password", "Username or email", "Create account"} {
		if strings.Contains(r.body, english) {
			t.Errorf("English %q left on the Japanese page", english)
		}
	}
}

// The authorization request's ui_locales wins over the browser's
// Accept-Language, on every page of the sign-in.
func TestInteractionUILocales(t *testing.T) {
	e := newEnv(t, "")
	b := e.browser()
	b.startInteraction(interaction.Request{Scopes: []string{"openid", "email"}, UILocales: "fr-CA ja-JP"})
	r := b.do(http.MethodGet, "/sign-in", nil, acceptEN)
	wantAll(t, "sign-in page", r.body, `<html lang="ja">`, `<h1>サインイン</h1>`, `続行先：<strong>Photo Album</strong>`)

	r = b.do(http.MethodGet, "/register", nil, acceptEN)
	wantAll(t, "register page", r.body, `<html lang="ja">`, `<h1>アカウントを作成</h1>`,
		`<label for="email">メールアドレス <span class="optional">（任意）</span></label>`,
		`<p class="hint" id="password-hint">8 文字以上で入力してください。</p>`)

	r = b.postWith("/sign-in", url.Values{"identifier": {"alice"}, "password": {"wrong password"}}, acceptEN)
	if got := alert(r.body); got != "ユーザー名/メールアドレスまたはパスワードが正しくありません。" {
		t.Errorf("wrong password: alert %q", got)
	}

	r = b.postWith("/sign-in", url.Values{"identifier": {"alice"}, "password": {alicePassword}}, acceptEN)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", r.StatusCode)
	}
	r = b.do(http.MethodGet, "/consent", nil, acceptEN)
	wantAll(t, "consent page", r.body, `<html lang="ja">`, `<h1>アクセスの認可</h1>`,
		`<strong>Photo Album</strong> が次の許可を求めています：`,
		`<li>あなたのアカウントでサインインする</li>`, `<li>メールアドレスを参照する</li>`,
		`<strong>alice</strong> としてサインインしています。`,
		`value="allow">認可</button>`, `class="secondary">キャンセル</button>`)

	// An error page during the sign-in speaks its language too.
	r = b.do(http.MethodPost, "/consent", url.Values{"decision": {"maybe"}, "csrf_token": {tokenRE.FindStringSubmatch(r.body)[1]}}, acceptEN)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, `<html lang="ja">`) ||
		alert(r.body) != "「認可」または「キャンセル」を選んでください。" {
		t.Errorf("bad decision: %d %q\n%s", r.StatusCode, alert(r.body), r.body)
	}
}

// The same message for an unknown user as for a wrong password, in
// Japanese too (spec/security.md item 19).
func TestSignInRefusedJapanese(t *testing.T) {
	e := newEnv(t, "")
	const want = "ユーザー名/メールアドレスまたはパスワードが正しくありません。"
	for _, form := range []url.Values{
		{"identifier": {"alice"}, "password": {"not the password"}},
		{"identifier": {"nobody"}, "password": {alicePassword}},
	} {
		r := e.browser().postWith("/sign-in", form, acceptJA)
		if r.StatusCode != http.StatusBadRequest || alert(r.body) != want {
			t.Errorf("%s: %d, alert %q, want %q", form.Get("identifier"), r.StatusCode, alert(r.body), want)
		}
		if !strings.Contains(r.body, `<html lang="ja">`) {
			t.Error("not lang=ja")
		}
	}
}

// Without an interaction, a ui_locales query parameter picks the language,
// and the form carries it to the POST.
func TestUILocalesQueryParameter(t *testing.T) {
	e := newEnv(t, "")
	b := e.browser()
	r := b.do(http.MethodGet, "/sign-in?ui_locales=ja", nil, acceptEN)
	wantAll(t, "sign-in page", r.body, `<html lang="ja">`, `<h1>サインイン</h1>`)
	form := url.Values{"identifier": {"alice"}, "password": {"wrong"},
		"csrf_token": {tokenRE.FindStringSubmatch(r.body)[1]}, "ui_locales": {hiddenValue(r.body, "ui_locales")}}
	r = b.do(http.MethodPost, "/sign-in", form, acceptEN)
	if !strings.Contains(r.body, `<html lang="ja">`) || !strings.HasPrefix(alert(r.body), "ユーザー名/メールアドレス") {
		t.Errorf("POST answered in another language: %q", alert(r.body))
	}
	// And an unknown language falls back to Accept-Language, then English.
	if r := b.do(http.MethodGet, "/sign-in?ui_locales=tlh", nil, acceptJA); !strings.Contains(r.body, `<html lang="ja">`) {
		t.Error("ui_locales=tlh with Accept-Language ja: not Japanese")
	}
	if r := b.do(http.MethodGet, "/sign-in?ui_locales=tlh", nil, http.Header{"Accept-Language": {"de"}}); !strings.Contains(r.body, `<html lang="en">`) {
		t.Error("nothing available: not English")
	}
}

func TestRegisterFieldErrorsJapanese(t *testing.T) {
	for _, tc := range []struct {
		name          string
		form          url.Values
		field, inline string
		summary       string
	}{
		{"username taken", url.Values{"username": {"alice"}, "password": {"a long passphrase"}},
			"username", "このユーザー名はすでに使用されています。", "ユーザー名：このユーザー名はすでに使用されています。"},
		{"email taken", url.Values{"username": {"bob"}, "email": {"alice@example.com"}, "password": {"a long passphrase"}},
			"email", "このメールアドレスはすでに使用されています。", "メールアドレス：このメールアドレスはすでに使用されています。"},
		{"bad email", url.Values{"username": {"bob"}, "email": {"not-an-email"}, "password": {"a long passphrase"}},
			"email", "有効なメールアドレスを入力してください。", "メールアドレス：有効なメールアドレスを入力してください。"},
		{"short password", url.Values{"username": {"bob"}, "password": {"zq7w"}},
			"password", "8 文字以上にしてください。", "パスワード：8 文字以上にしてください。"},
		{"no username", url.Values{"username": {""}, "password": {"a long passphrase"}},
			"username", "ユーザー名を入力してください。", "ユーザー名：ユーザー名を入力してください。"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			r := e.browser().postWith("/register", tc.form, acceptJA)
			if r.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d", r.StatusCode)
			}
			wantAll(t, "register page", r.body, `<html lang="ja">`,
				`<p class="field-error" id="`+tc.field+`-error">`+tc.inline+`</p>`,
				`<li>`+tc.summary+`</li>`, `<p>次の項目を修正してください：</p>`)
		})
	}
}

func TestSignedInJapanese(t *testing.T) {
	e := newEnv(t, "")
	b := e.browser()
	r := b.do(http.MethodGet, "/signed-in", nil, acceptJA)
	wantAll(t, "signed-in page", r.body, `<h1>サインインしていません</h1>`, `<a href="/sign-in">サインイン</a>`)
	b.signIn()
	r = b.do(http.MethodGet, "/signed-in", nil, acceptJA)
	wantAll(t, "signed-in page", r.body, `<h1>サインイン済み</h1>`, `<strong>alice</strong> としてサインインしています。`)
}

// A refused POST (no CSRF token) answers in the language of the form.
func TestRefusedJapanese(t *testing.T) {
	e := newEnv(t, "")
	r := e.browser().do(http.MethodPost, "/sign-in", url.Values{"identifier": {"alice"}, "ui_locales": {"ja"}}, acceptEN)
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "<h1>リクエストが拒否されました</h1>") {
		t.Errorf("%d\n%s", r.StatusCode, r.body)
	}
}
