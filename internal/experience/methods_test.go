package experience_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/interaction"
)

// The identifier input follows the enabled sign-in methods: its label,
// type and autocomplete, and which kind of identifier the POST accepts.
func TestSignInMethodsShapeTheForm(t *testing.T) {
	for _, tc := range []struct {
		name, methods string
		req           interaction.Request
		want          []string
		dontWant      []string
	}{
		{"email only", `[{"identifier":"email","password":true,"verificationCode":false,"isPasswordPrimary":true}]`, interaction.Request{},
			[]string{`<label for="identifier">Email</label>`, `name="identifier" type="email"`, `autocomplete="email"`, `name="password"`},
			[]string{"?method=code"}},
		{"phone with code first", `[{"identifier":"phone","password":true,"verificationCode":true,"isPasswordPrimary":false}]`, interaction.Request{},
			[]string{`<label for="identifier">Phone number</label>`, `type="tel"`, `>Send code</button>`, `href="/sign-in?method=password">Sign in with a password</a>`},
			[]string{`name="password"`}},
		{"all three", `[{"identifier":"username","password":true,"verificationCode":false,"isPasswordPrimary":true},{"identifier":"email","password":true,"verificationCode":true,"isPasswordPrimary":true},{"identifier":"phone","password":true,"verificationCode":true,"isPasswordPrimary":true}]`, interaction.Request{},
			[]string{`<label for="identifier">Username, email or phone number</label>`, `name="password"`, `href="/sign-in?method=code">Sign in with a verification code</a>`},
			nil},
		{"narrowed by the identifier parameter", `[{"identifier":"username","password":true,"verificationCode":false,"isPasswordPrimary":true},{"identifier":"email","password":true,"verificationCode":false,"isPasswordPrimary":true}]`,
			interaction.Request{FirstScreen: "identifier:sign_in", Identifiers: []string{"email"}},
			[]string{`<label for="identifier">Email</label>`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			e.experience(`{"signIn":{"methods":` + tc.methods + `}}`)
			b := e.browser()
			tc.req.Scopes = []string{"openid"}
			b.startInteraction(tc.req)
			r := b.get("/sign-in")
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d", r.StatusCode)
			}
			wantAll(t, "sign-in page", r.body, tc.want...)
			for _, s := range tc.dontWant {
				if strings.Contains(r.body, s) {
					t.Errorf("sign-in page has %s", s)
				}
			}
			if n := strings.Count(r.body, "<form"); n != 1 {
				t.Errorf("%d forms", n)
			}
		})
	}
}

// A username typed where only emails sign in is refused with a message
// that names what to use; nothing is checked or counted.
func TestSignInWithDisabledIdentifier(t *testing.T) {
	e := newEnv(t, "")
	e.experience(`{"signIn":{"methods":[{"identifier":"email","password":true,"verificationCode":false,"isPasswordPrimary":true}]}}`)
	b := e.browser()
	r := b.post("/sign-in", url.Values{"identifier": {"alice"}, "password": {alicePassword}})
	if r.StatusCode != http.StatusBadRequest || alert(r.body) != "Sign in with your Email." {
		t.Fatalf("%d %q", r.StatusCode, alert(r.body))
	}
	if r := b.post("/sign-in", url.Values{"identifier": {"alice@example.com"}, "password": {alicePassword}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("email: %d %q", r.StatusCode, alert(r.body))
	}
}

func TestSignInModes(t *testing.T) {
	t.Run("SignIn only", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(`{"signInMode":"SignIn"}`)
		b := e.browser()
		b.startInteraction(interaction.Request{Scopes: []string{"openid"}, FirstScreen: "register"})
		if r := b.get("/sign-in"); strings.Contains(r.body, `/register`) {
			t.Error("sign-in page links to registration")
		}
		r := b.get("/register")
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "Registration is closed.") ||
			strings.Contains(r.body, `name="username"`) || !strings.Contains(r.body, `href="/sign-in"`) {
			t.Errorf("register page: %d\n%s", r.StatusCode, r.body)
		}
		tok := tokenRE.FindStringSubmatch(b.get("/sign-in").body)[1]
		r = b.do(http.MethodPost, "/register", url.Values{"csrf_token": {tok}, "username": {"bob"}, "password": {"a long passphrase"}}, nil)
		if r.StatusCode != http.StatusForbidden || e.userCount() != 1 {
			t.Errorf("POST /register: %d, %d users", r.StatusCode, e.userCount())
		}
	})
	t.Run("Register only", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(`{"signInMode":"Register"}`)
		b := e.browser()
		r := b.do(http.MethodGet, "/sign-in?ui_locales=ja", nil, nil)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/register?ui_locales=ja" {
			t.Fatalf("GET /sign-in: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
		if r := b.get("/register"); r.StatusCode != http.StatusOK || strings.Contains(r.body, `href="/sign-in"`) {
			t.Errorf("register page links to sign-in: %d", r.StatusCode)
		}
	})
}

// Sign-up identifiers "not applicable": social sign-in is the only way in.
func TestRegisterSocialOnly(t *testing.T) {
	e := newEnv(t, "")
	e.experience(`{"signUp":{"identifiers":[],"password":false,"verify":false},"socialSignInConnectorTargets":["patreon"]}`)
	e.pages.Social = fakeSocial{}
	b := e.browser()
	r := b.get("/register")
	wantAll(t, "register page", r.body, "New accounts are created by signing in with one of the accounts above.",
		`<a class="button secondary" href="/sign-in/social/patreon">`, "Continue with Patreon")
	if strings.Contains(r.body, "<form") {
		t.Error("a registration form is shown")
	}
}

// Each broken rule of the password policy is shown, translated, with its
// parameters; nothing is created.
func TestRegisterPasswordPolicy(t *testing.T) {
	e := newEnv(t, "")
	e.experience(`{"passwordPolicy":{"length":{"min":10,"max":256},"characterTypes":{"min":3},"rejects":{"words":["monban"],"userInfo":true}}}`)
	b := e.browser()
	r := b.post("/register", url.Values{"username": {"carol"}, "password": {"monbancarol"}})
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d", r.StatusCode)
	}
	wantAll(t, "register page", r.body,
		"<li>Password: Must contain at least 3 of these: lowercase letters, uppercase letters, digits, symbols.</li>",
		"<li>Password: Must not contain personal information (Username).</li>",
		"<li>Password: Must not contain the word “monban”.</li>",
		`<p class="hint" id="password-hint">At least 10 characters. Use at least 3 of: lowercase letters, uppercase letters, digits, symbols.</p>`,
		`minlength="10"`)
	if e.userCount() != 1 {
		t.Error("a user was created")
	}
	r = b.postWith("/register", url.Values{"username": {"carol"}, "password": {"short"}}, acceptJA)
	wantAll(t, "Japanese register page", r.body, "<li>パスワード：10 文字以上にしてください。</li>",
		"<li>パスワード：よく使われているパスワードです。推測されにくいパスワードを選んでください。</li>")
	if r := b.post("/register", url.Values{"username": {"carol"}, "password": {"Tall-Ships-7"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("good password: %d %q", r.StatusCode, alert(r.body))
	}
}

// login_hint prefills the identifier of each first screen.
func TestLoginHint(t *testing.T) {
	e := newEnv(t, "")
	e.experience(`{"signUp":{"identifiers":["email"],"password":true,"verify":true},"forgotPasswordMethods":["EmailVerificationCode"]}`)
	b := e.browser()
	b.startInteraction(interaction.Request{Scopes: []string{"openid"}, LoginHint: "new@example.com"})
	for _, path := range []string{"/sign-in", "/register", "/reset-password"} {
		r := b.get(path)
		if !strings.Contains(r.body, `value="new@example.com"`) {
			t.Errorf("%s: login_hint not prefilled", path)
		}
	}
}

// languageInfo.autoDetect=false ignores Accept-Language (ui_locales still
// wins); the fallback language comes before English.
func TestLanguageInfo(t *testing.T) {
	e := newEnv(t, "")
	e.experience(`{"languageInfo":{"autoDetect":false,"fallbackLanguage":"en"}}`)
	if r := e.browser().do(http.MethodGet, "/sign-in", nil, acceptJA); !strings.Contains(r.body, `<html lang="en">`) {
		t.Error("autoDetect=false: Accept-Language ja was followed")
	}
	if r := e.browser().do(http.MethodGet, "/sign-in?ui_locales=ja", nil, acceptEN); !strings.Contains(r.body, `<html lang="ja">`) {
		t.Error("ui_locales=ja not followed")
	}
	e.experience(`{"languageInfo":{"autoDetect":true,"fallbackLanguage":"ja"}}`)
	if r := e.browser().do(http.MethodGet, "/sign-in", nil, http.Header{"Accept-Language": {"de"}}); !strings.Contains(r.body, `<html lang="ja">`) {
		t.Error("fallback ja not used for an unavailable Accept-Language")
	}
}
