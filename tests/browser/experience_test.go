package browser

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

// run runs actions and fails the test on an error.
func run(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// submit submits the form of sel (form.submit(): no button value) and
// waits until the NEXT page has an element matching waitFor: the current
// page is marked first, so an element of the page being left never counts.
func submit(t *testing.T, ctx context.Context, sel, waitFor string) {
	t.Helper()
	run(t, ctx, chromedp.Evaluate(`window.__left = true`, nil), chromedp.Submit(sel))
	waitNext(t, ctx, waitFor)
}

// click clicks a link or button and waits for the next page as submit does.
func click(t *testing.T, ctx context.Context, sel, waitFor string) {
	t.Helper()
	run(t, ctx, chromedp.Evaluate(`window.__left = true`, nil), chromedp.Click(sel, chromedp.ByQuery))
	waitNext(t, ctx, waitFor)
}

// waitNext waits for a page that was not marked by submit or click and
// has an element matching sel. Evaluating while the browser navigates
// fails now and then (the page's context is gone): that is retried.
func waitNext(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	expr := fmt.Sprintf(`!window.__left && document.readyState === "complete" && document.querySelector(%q) !== null`, sel)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(expr, &ok)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("no page with %s (at %s)", sel, location(t, ctx))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, chromedp.Text(sel, &s, chromedp.ByQuery))
	return strings.TrimSpace(s)
}

// landedWithCode checks that the browser is at the application's callback
// with an authorization code.
func (s *scene) landedWithCode(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, chromedp.WaitVisible(`p#code`, chromedp.ByQuery))
	if loc, code := location(t, ctx), text(t, ctx, `p#code`); !strings.HasPrefix(loc, s.callback) || code == "" {
		t.Fatalf("the browser is at %s with code %q", loc, code)
	}
}

const (
	emailSignUp   = `{"signUp":{"identifiers":["email"],"password":true,"verify":true}}`
	emailWithCode = `{"signIn":{"methods":[{"identifier":"username","password":true,"verificationCode":false,"isPasswordPrimary":true},` +
		`{"identifier":"email","password":true,"verificationCode":true,"isPasswordPrimary":true}]}}`
	forgotByEmail = `{"forgotPasswordMethods":["EmailVerificationCode"]}`
)

// TestEmailSignUpWithCode: sign-up by email with the code read from the
// deployment's real SMTP connector's mail (a sink in this test), then the
// password; the new account lands on the application's callback.
func TestEmailSignUpWithCode(t *testing.T) {
	mail := newMailSink(t)
	s := newSceneWith(t, testenv.Options{Email: mail.sender(t), Experience: emailSignUp})
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(s.authURL(url.Values{"first_screen": {"register"}})), chromedp.WaitVisible(`input[name=email]`))
	screenshots(t, ctx, "register-email")
	run(t, ctx, chromedp.SendKeys(`input[name=email]`, "reader@example.com"))
	submit(t, ctx, `input[name=email]`, `input[name=code]`)
	if got := text(t, ctx, `.sent`); got != "We sent a code to reader@example.com." {
		t.Errorf("code page says %q", got)
	}
	screenshots(t, ctx, "verify-code")
	code := mail.code(t, "reader@example.com", 0)
	// Keyboard only: the code field has the focus; Tab to the password,
	// Enter submits with the primary button.
	run(t, ctx,
		chromedp.KeyEvent(code),
		chromedp.KeyEvent("\t"),
		chromedp.KeyEvent("a long pass phrase 7"),
		chromedp.Evaluate(`window.__left = true`, nil),
		chromedp.KeyEvent("\r"),
	)
	waitNext(t, ctx, `p#code`)
	s.landedWithCode(t, ctx)
	u, err := s.env.D.Store.GetUserByEmail(context.Background(), "reader@example.com")
	if err != nil || u.PasswordHash == "" {
		t.Fatalf("user not created with a password: %+v %v", u, err)
	}
}

// TestSignInByEmailCode: "Sign in with a verification code", the code from
// the mail, and the application gets its code.
func TestSignInByEmailCode(t *testing.T) {
	mail := newMailSink(t)
	s := newSceneWith(t, testenv.Options{Email: mail.sender(t), Experience: emailWithCode})
	s.env.User("alice", "correct horse battery")
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(s.authURL(nil)), chromedp.WaitVisible(`input[name=identifier]`))
	click(t, ctx, `a[href*="method=code"]`, `input[name=method][value=code]`)
	screenshots(t, ctx, "sign-in-code")
	run(t, ctx, chromedp.SendKeys(`input[name=identifier]`, "alice@example.com"))
	submit(t, ctx, `input[name=identifier]`, `input[name=code]`)
	screenshots(t, ctx, "sign-in-code-verify")
	run(t, ctx, chromedp.SendKeys(`input[name=code]`, mail.code(t, "alice@example.com", 0)))
	submit(t, ctx, `input[name=code]`, `p#code`)
	s.landedWithCode(t, ctx)
}

// TestForgotPasswordByEmail: forgot password, the code by mail, a new
// password; the sign-in page says it worked and the new password signs in.
func TestForgotPasswordByEmail(t *testing.T) {
	mail := newMailSink(t)
	s := newSceneWith(t, testenv.Options{Email: mail.sender(t), Experience: forgotByEmail})
	s.env.User("alice", "correct horse battery")
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(s.authURL(nil)), chromedp.WaitVisible(`input[name=identifier]`))
	click(t, ctx, `a[href$="/reset-password"]`, `form[action$="/reset-password"]`)
	screenshots(t, ctx, "reset-password")
	run(t, ctx, chromedp.SendKeys(`input[name=identifier]`, "alice@example.com"))
	submit(t, ctx, `input[name=identifier]`, `input[name=code]`)
	screenshots(t, ctx, "reset-password-verify")
	run(t, ctx,
		chromedp.SendKeys(`input[name=code]`, mail.code(t, "alice@example.com", 0)),
		chromedp.SendKeys(`input[name=password]`, "a brand new passphrase"),
	)
	submit(t, ctx, `input[name=password]`, `[role=status]`)
	if got := text(t, ctx, `[role=status]`); got != "Your password has been reset. Sign in with your new password." {
		t.Errorf("notice %q", got)
	}
	screenshots(t, ctx, "reset-password-done")
	run(t, ctx,
		chromedp.SendKeys(`input[name=identifier]`, "alice"),
		chromedp.SendKeys(`input[name=password]`, "a brand new passphrase"),
	)
	submit(t, ctx, `input[name=password]`, `p#code`)
	s.landedWithCode(t, ctx)
}

// TestJapanese: ui_locales=ja gives the whole sign-in in Japanese, errors
// included.
func TestJapanese(t *testing.T) {
	s := newScene(t)
	s.env.User("alice", "correct horse battery")
	ctx := browser(t)
	var lang string
	run(t, ctx, chromedp.Navigate(s.authURL(url.Values{"ui_locales": {"ja"}})), chromedp.WaitVisible(`input[name=identifier]`),
		chromedp.Evaluate(`document.documentElement.lang`, &lang))
	if h1 := text(t, ctx, `h1`); lang != "ja" || h1 != "サインイン" {
		t.Fatalf("lang %q, heading %q", lang, h1)
	}
	if label := text(t, ctx, `label[for=identifier]`); label != "ユーザー名またはメールアドレス" {
		t.Errorf("label %q", label)
	}
	screenshots(t, ctx, "sign-in-ja")
	run(t, ctx, chromedp.SendKeys(`input[name=identifier]`, "alice"), chromedp.SendKeys(`input[name=password]`, "wrong password"))
	submit(t, ctx, `input[name=password]`, `[role=alert]`)
	if got := text(t, ctx, `[role=alert]`); got != "ユーザー名/メールアドレスまたはパスワードが正しくありません。" {
		t.Errorf("alert %q", got)
	}
	screenshots(t, ctx, "sign-in-error-ja")
}

// TestPolicyViolationShown: registration with a password the policy
// refuses shows each broken rule, next to the field and in the alert, and
// the field is marked invalid; typed by keyboard in the page's focus order.
func TestPolicyViolationShown(t *testing.T) {
	s := newSceneWith(t, testenv.Options{Experience: `{"passwordPolicy":{"characterTypes":{"min":2}}}`})
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(s.authURL(url.Values{"first_screen": {"register"}})), chromedp.WaitVisible(`input[name=username]`))
	// Focus order: username, optional email, password, then the button.
	var order string
	run(t, ctx,
		chromedp.Focus(`input[name=username]`),
		chromedp.KeyEvent("newreader"),
		chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"),
		chromedp.KeyEvent("password"),
		chromedp.KeyEvent("\t"),
		chromedp.Evaluate(`document.activeElement.tagName + ":" + document.activeElement.type`, &order),
	)
	if order != "BUTTON:submit" {
		t.Errorf("after username, email and password the focus is on %s", order)
	}
	run(t, ctx, chromedp.Evaluate(`window.__left = true`, nil), chromedp.KeyEvent("\r"))
	waitNext(t, ctx, `[role=alert]`)
	var ok bool
	alert := text(t, ctx, `[role=alert]`)
	for _, want := range []string{"This password is too common.", "Must contain at least 2 of these"} {
		if !strings.Contains(alert, want) {
			t.Errorf("alert %q lacks %q", alert, want)
		}
	}
	var invalid string
	run(t, ctx, chromedp.AttributeValue(`input[name=password]`, "aria-invalid", &invalid, &ok))
	if invalid != "true" {
		t.Error("password input not marked invalid")
	}
	screenshots(t, ctx, "register-errors")
	if _, err := s.env.D.Store.GetUserByUsername(context.Background(), "newreader"); err == nil {
		t.Error("the user was created")
	}
}

var waitRE = regexp.MustCompile(`in (\d+) s\.`)

// TestLockoutAndRecovery: repeated wrong passwords lock the account (the
// password throttle: 5 free failures, then 1 s doubling); the page says how
// long to wait, the right password is refused meanwhile, and works after
// the wait.
func TestLockoutAndRecovery(t *testing.T) {
	s := newScene(t)
	s.env.User("alice", "correct horse battery")
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(s.authURL(nil)), chromedp.WaitVisible(`input[name=identifier]`))
	attempt := func(pw string) string {
		run(t, ctx, chromedp.SetValue(`input[name=identifier]`, "alice"), chromedp.SetValue(`input[name=password]`, pw))
		submit(t, ctx, `input[name=password]`, `[role=alert]`)
		return text(t, ctx, `[role=alert]`)
	}
	locked := ""
	for i := 1; i <= 12 && locked == ""; i++ {
		msg := attempt("wrong password")
		switch {
		case strings.HasPrefix(msg, "Too many failed sign-in attempts."):
			if i <= 5 {
				t.Fatalf("locked after %d failures", i-1)
			}
			locked = msg
		case msg != "Incorrect username/email or password.":
			t.Fatalf("attempt %d: %q", i, msg)
		}
	}
	if locked == "" {
		t.Fatal("never locked")
	}
	m := waitRE.FindStringSubmatch(locked)
	if m == nil {
		t.Fatalf("the lockout message does not say how long: %q", locked)
	}
	screenshots(t, ctx, "sign-in-locked")
	wait, _ := strconv.Atoi(m[1])
	time.Sleep(time.Duration(wait)*time.Second + 300*time.Millisecond)
	run(t, ctx, chromedp.SetValue(`input[name=identifier]`, "alice"), chromedp.SetValue(`input[name=password]`, "correct horse battery"))
	submit(t, ctx, `input[name=password]`, `p#code`)
	s.landedWithCode(t, ctx)
}

// TestConsentAndSignOutPages: a third-party application's consent page,
// then the signed-out page and the error page of an unknown client.
func TestConsentAndSignOutPages(t *testing.T) {
	s := newScene(t)
	s.env.User("alice", "correct horse battery")
	app, _, err := s.env.D.Applications.Create(context.Background(), application.NewApplication{Name: "Photo Album",
		Type: store.AppTraditional, RedirectURIs: []string{s.callback}, IsThirdParty: true})
	if err != nil {
		t.Fatal(err)
	}
	s.app = app
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(s.authURL(url.Values{"scope": {"openid profile email offline_access"}})), chromedp.WaitVisible(`input[name=identifier]`),
		chromedp.SendKeys(`input[name=identifier]`, "alice"), chromedp.SendKeys(`input[name=password]`, "correct horse battery"))
	submit(t, ctx, `input[name=password]`, `button[value=allow]`)
	screenshots(t, ctx, "consent")
	click(t, ctx, `button[value=allow]`, `p#code`)
	s.landedWithCode(t, ctx)

	run(t, ctx, chromedp.Navigate(s.env.Issuer+"/session/end"), chromedp.WaitVisible(`h1`))
	screenshots(t, ctx, "signed-out")
	run(t, ctx, chromedp.Navigate(s.env.Issuer+"/auth?client_id=unknown&redirect_uri=https://evil.example/&response_type=code"),
		chromedp.WaitVisible(`[role=alert]`))
	screenshots(t, ctx, "error")
}

const logoSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="168" height="40" viewBox="0 0 168 40">` +
	`<rect width="40" height="40" rx="9" fill="%s"/><path d="M11 29V11h5l4 9 4-9h5v18h-4V18l-4 8h-2l-4-8v11z" fill="#fff"/>` +
	`<text x="50" y="28" font-family="Georgia,serif" font-size="22" fill="%s">Bookstore</text></svg>`

// TestBrandedSignIn: the sign-in experience's logo (https, its origin in
// the CSP), primary color, custom CSS and terms with the agree checkbox.
func TestBrandedSignIn(t *testing.T) {
	logos := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		if strings.Contains(r.URL.Path, "dark") {
			fmt.Fprintf(w, logoSVG, "#ff8a50", "#f4f4f4")
			return
		}
		fmt.Fprintf(w, logoSVG, "#d9480f", "#222222")
	}))
	t.Cleanup(logos.Close)
	s := newSceneWith(t, testenv.Options{Experience: `{
	  "branding": {"logoUrl": "` + logos.URL + `/logo.svg", "darkLogoUrl": "` + logos.URL + `/logo-dark.svg"},
	  "color": {"primaryColor": "#d9480f", "darkPrimaryColor": "#ff8a50", "isDarkModeEnabled": true},
	  "customCss": ".card { border-top: 4px solid var(--accent); }",
	  "termsOfUseUrl": "https://bookstore.example/terms", "privacyPolicyUrl": "https://bookstore.example/privacy",
	  "agreeToTermsPolicy": "Manual"}`})
	s.env.User("alice", "correct horse battery")
	ctx := browser(t)
	var loaded bool
	var bg string
	var ok bool
	run(t, ctx, chromedp.Navigate(s.authURL(nil)), chromedp.WaitVisible(`input[name=identifier]`),
		chromedp.Poll(`document.querySelector(".logo-img").complete && document.querySelector(".logo-img").naturalWidth > 0`, &ok,
			chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Evaluate(`document.querySelector(".logo-img").naturalWidth > 0`, &loaded),
		chromedp.Evaluate(`getComputedStyle(document.querySelector("button[type=submit]")).backgroundColor`, &bg))
	if !loaded || bg != "rgb(217, 72, 15)" {
		t.Errorf("logo loaded %v, button color %s", loaded, bg)
	}
	screenshots(t, ctx, "sign-in-branded")
	run(t, ctx, chromedp.SendKeys(`input[name=identifier]`, "alice"), chromedp.SendKeys(`input[name=password]`, "correct horse battery"))
	submit(t, ctx, `input[name=password]`, `[role=alert]`)
	if got := text(t, ctx, `[role=alert]`); got != "Agree to the terms to continue." {
		t.Errorf("without the box: %q", got)
	}
	run(t, ctx, chromedp.SetValue(`input[name=password]`, "correct horse battery"), chromedp.Click(`#agree`, chromedp.ByQuery))
	submit(t, ctx, `input[name=password]`, `p#code`)
	s.landedWithCode(t, ctx)

	// The OIDC front door's own pages wear the branding too.
	var branded bool
	run(t, ctx, chromedp.Navigate(s.env.Issuer+"/auth?client_id=unknown&redirect_uri=https://evil.example/&response_type=code"),
		chromedp.WaitVisible(`[role=alert]`), chromedp.Evaluate(`document.querySelector(".logo-img") !== null`, &branded))
	if !branded {
		t.Error("the authorization error page is not branded")
	}
}
