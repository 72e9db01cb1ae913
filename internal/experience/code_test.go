package experience_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/experience"
	"github.com/monban-dev/monban/internal/interaction"
)

const emailCodeMethods = `{"signIn":{"methods":[{"identifier":"email","password":true,"verificationCode":true,"isPasswordPrimary":false}]}}`

// Sign-in by email code: send, a wrong code (translated alert), the right
// one signs in and resumes the authorization; the code is single use.
func TestSignInByCode(t *testing.T) {
	e := newEnv(t, "")
	e.experience(emailCodeMethods)
	b := e.browser()
	it := b.startInteraction(interaction.Request{Scopes: []string{"openid"}})
	r := b.get("/sign-in")
	wantAll(t, "sign-in page", r.body, `<input type="hidden" name="method" value="code">`, `>Send code</button>`)

	r = b.post("/sign-in", url.Values{"method": {"code"}, "identifier": {"Alice@Example.com"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in/verify" {
		t.Fatalf("send: %d %q %q", r.StatusCode, r.Header.Get("Location"), alert(r.body))
	}
	code := e.outbox.code("alice@example.com")
	if len(code) != 6 {
		t.Fatalf("no code sent: %q", code)
	}
	page := b.get("/sign-in/verify")
	wantAll(t, "code page", page.body, "We sent a code to <strong>alice@example.com</strong>.", `autocomplete="one-time-code"`,
		`<label for="code">Verification code</label>`)

	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	r = b.post("/sign-in/verify", url.Values{"code": {wrong}})
	if r.StatusCode != http.StatusBadRequest || alert(r.body) != "This code is incorrect." {
		t.Fatalf("wrong code: %d %q", r.StatusCode, alert(r.body))
	}
	r = b.post("/sign-in/verify", url.Values{"code": {code}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/oidc/auth/resume" {
		t.Fatalf("right code: %d %q %q", r.StatusCode, r.Header.Get("Location"), alert(r.body))
	}
	if rec := e.interaction(it); rec.UserID != e.alice.ID {
		t.Errorf("interaction not completed: %+v", rec)
	}
	if _, ok := b.cookies[experience.CodeCookie]; ok {
		t.Error("the pending code cookie was not cleared")
	}
	if strings.Contains(e.logs.String(), code) {
		t.Error("the code was logged")
	}
}

// The code is sent to any address (the answer does not tell whether an
// account uses it); after the code, the owner learns that none does.
func TestSignInByCodeUnknownAddress(t *testing.T) {
	e := newEnv(t, "")
	e.experience(emailCodeMethods)
	b := e.browser()
	r := b.post("/sign-in", url.Values{"method": {"code"}, "identifier": {"nobody@example.com"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %q", r.StatusCode, alert(r.body))
	}
	r = b.post("/sign-in/verify", url.Values{"code": {e.outbox.code("nobody@example.com")}})
	if r.StatusCode != http.StatusBadRequest || alert(r.body) != "No account uses nobody@example.com." {
		t.Fatalf("%d %q", r.StatusCode, alert(r.body))
	}
	if _, ok := b.cookies["monban_session"]; ok {
		t.Error("signed in")
	}
}

// Every verification error is a translated message with the right status.
func TestCodeErrors(t *testing.T) {
	t.Run("too soon", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(emailCodeMethods)
		b := e.browser()
		b.post("/sign-in", url.Values{"method": {"code"}, "identifier": {"alice@example.com"}})
		r := b.post("/sign-in/verify", url.Values{"resend": {"1"}})
		if r.StatusCode != http.StatusTooManyRequests || !strings.HasPrefix(alert(r.body), "A code was sent moments ago. You can request another in ") ||
			r.Header.Get("Retry-After") == "" {
			t.Errorf("resend at once: %d %q", r.StatusCode, alert(r.body))
		}
		r = b.postWith("/sign-in", url.Values{"method": {"code"}, "identifier": {"alice@example.com"}}, acceptJA)
		if r.StatusCode != http.StatusTooManyRequests || !strings.HasPrefix(alert(r.body), "認証コードを送信したばかりです。") {
			t.Errorf("Japanese: %d %q", r.StatusCode, alert(r.body))
		}
	})
	t.Run("resent after the interval", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(emailCodeMethods)
		now := time.Now()
		e.pages.Verification.Now = func() time.Time { return now }
		b := e.browser()
		b.post("/sign-in", url.Values{"method": {"code"}, "identifier": {"alice@example.com"}})
		first := e.outbox.code("alice@example.com")
		now = now.Add(61 * time.Second)
		r := b.post("/sign-in/verify", url.Values{"resend": {"1"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in/verify?notice=code_resent" || e.outbox.count() != 2 {
			t.Fatalf("resend: %d %q, %d sent", r.StatusCode, r.Header.Get("Location"), e.outbox.count())
		}
		if r := b.get("/sign-in/verify?notice=code_resent"); !strings.Contains(r.body, `role="status">A new code has been sent.`) {
			t.Error("no notice")
		}
		if second := e.outbox.code("alice@example.com"); second != first {
			if r := b.post("/sign-in/verify", url.Values{"code": {first}}); r.StatusCode != http.StatusBadRequest {
				t.Errorf("the replaced code still works: %d", r.StatusCode)
			}
		}
	})
	t.Run("expired", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(emailCodeMethods)
		now := time.Now()
		e.pages.Verification.Now = func() time.Time { return now }
		b := e.browser()
		b.post("/sign-in", url.Values{"method": {"code"}, "identifier": {"alice@example.com"}})
		code := e.outbox.code("alice@example.com")
		now = now.Add(11 * time.Minute) // the code's clock; the page's cookie still lives
		r := b.post("/sign-in/verify", url.Values{"code": {code}})
		if r.StatusCode != http.StatusBadRequest || alert(r.body) != "This code has expired. Request a new one." {
			t.Errorf("%d %q", r.StatusCode, alert(r.body))
		}
	})
	t.Run("locked", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(emailCodeMethods)
		b := e.browser()
		b.post("/sign-in", url.Values{"method": {"code"}, "identifier": {"alice@example.com"}})
		code := e.outbox.code("alice@example.com")
		var r *response
		for i := range 7 {
			wrong := strings.Repeat(string(rune('1'+i%8)), 6)
			if wrong == code {
				wrong = "999990"
			}
			r = b.post("/sign-in/verify", url.Values{"code": {wrong}})
		}
		if r.StatusCode != http.StatusTooManyRequests || !strings.HasPrefix(alert(r.body), "Too many incorrect codes. Try again in ") {
			t.Errorf("%d %q", r.StatusCode, alert(r.body))
		}
	})
	t.Run("no connector", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(emailCodeMethods)
		e.pages.Verification.Email = nil
		r := e.browser().post("/sign-in", url.Values{"method": {"code"}, "identifier": {"alice@example.com"}})
		if r.StatusCode != http.StatusServiceUnavailable || alert(r.body) != "Sending codes by email is not set up. Contact the administrator." {
			t.Errorf("%d %q", r.StatusCode, alert(r.body))
		}
	})
	t.Run("bad address", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(emailCodeMethods)
		r := e.browser().post("/sign-in", url.Values{"method": {"code"}, "identifier": {"alice@"}})
		if r.StatusCode != http.StatusBadRequest || alert(r.body) != "Must be an email address." || e.outbox.count() != 0 {
			t.Errorf("%d %q", r.StatusCode, alert(r.body))
		}
	})
	t.Run("forged pending cookie", func(t *testing.T) {
		e := newEnv(t, "")
		e.experience(emailCodeMethods)
		b := e.browser()
		b.post("/sign-in", url.Values{"method": {"code"}, "identifier": {"alice@example.com"}})
		c := b.cookies[experience.CodeCookie]
		b.cookies[experience.CodeCookie] = c + "x"
		if r := b.get("/sign-in/verify"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("forged cookie accepted: %d", r.StatusCode)
		}
		other := e.browser()
		other.cookies[experience.CodeCookie] = c
		if r := other.get("/sign-in/verify"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("cookie accepted in another browser: %d", r.StatusCode)
		}
	})
}

// Sign-up with a verified email: the address step, then code and password
// on one page. A weak password does not consume the code.
func TestRegisterWithEmailCode(t *testing.T) {
	e := newEnv(t, "")
	e.experience(`{"signUp":{"identifiers":["email"],"password":true,"verify":true}}`)
	b := e.browser()
	it := b.startInteraction(interaction.Request{Scopes: []string{"openid"}, FirstScreen: "register"})
	r := b.get("/register")
	wantAll(t, "register page", r.body, `<label for="email">Email</label>`, `name="email" type="email"`, `>Send code</button>`)
	if strings.Contains(r.body, `name="username"`) || strings.Contains(r.body, `name="password"`) {
		t.Error("the first step asks for a username or password")
	}
	if r := b.post("/register", url.Values{"email": {"alice@example.com"}}); r.StatusCode != http.StatusBadRequest ||
		!strings.Contains(r.body, "This email is already in use.") || e.outbox.count() != 0 {
		t.Fatalf("taken email: %d %q", r.StatusCode, alert(r.body))
	}
	r = b.post("/register", url.Values{"email": {"New@Example.com"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/register/verify" {
		t.Fatalf("send: %d %q %q", r.StatusCode, r.Header.Get("Location"), alert(r.body))
	}
	code := e.outbox.code("new@example.com")
	r = b.post("/register/verify", url.Values{"code": {code}, "password": {"password"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "This password is too common.") {
		t.Fatalf("weak password: %d %q", r.StatusCode, alert(r.body))
	}
	r = b.post("/register/verify", url.Values{"code": {code}, "password": {"a long passphrase"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/oidc/auth/resume" {
		t.Fatalf("register: %d %q %q", r.StatusCode, r.Header.Get("Location"), alert(r.body))
	}
	u, err := e.st.GetUserByEmail(context.Background(), "new@example.com")
	if err != nil || u.PasswordHash == "" || e.interaction(it).UserID != u.ID {
		t.Fatalf("user %+v, %v", u, err)
	}
}

// Sign-up by phone (email or phone): the number is stored in its
// normalized form.
func TestRegisterWithPhoneCode(t *testing.T) {
	e := newEnv(t, "")
	e.experience(`{"signUp":{"identifiers":["email","phone"],"password":false,"verify":true}}`)
	b := e.browser()
	r := b.get("/register")
	wantAll(t, "register page", r.body, `<label for="email_or_phone">Email or phone number</label>`)
	r = b.post("/register", url.Values{"email_or_phone": {"+81 90-1234-5678"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %q", r.StatusCode, alert(r.body))
	}
	page := b.get("/register/verify")
	if strings.Contains(page.body, `name="password"`) {
		t.Error("password asked although sign-up sets none")
	}
	r = b.post("/register/verify", url.Values{"code": {e.outbox.code("+819012345678")}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d %q", r.StatusCode, alert(r.body))
	}
	if _, err := e.st.GetUserByPhone(context.Background(), "+819012345678"); err != nil {
		t.Fatal(err)
	}
}

// Forgot password by email code: the new password is checked against the
// policy, then set; every session of the account ends; the sign-in page
// says so; the old password no longer works.
func TestResetPassword(t *testing.T) {
	e := newEnv(t, "")
	e.experience(`{"forgotPasswordMethods":["EmailVerificationCode"]}`)
	old := e.browser()
	old.signIn()

	b := e.browser()
	if r := b.get("/sign-in"); !strings.Contains(r.body, `href="/reset-password">Forgot password?</a>`) {
		t.Error("no forgot-password link")
	}
	r := b.get("/reset-password")
	wantAll(t, "reset page", r.body, `<label for="identifier">Email</label>`, `>Send code</button>`)
	r = b.post("/reset-password", url.Values{"identifier": {"alice@example.com"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/reset-password/verify" {
		t.Fatalf("send: %d %q %q", r.StatusCode, r.Header.Get("Location"), alert(r.body))
	}
	code := e.outbox.code("alice@example.com")
	// A rule about the account itself: checked after the code.
	r = b.post("/reset-password/verify", url.Values{"code": {code}, "password": {"alice-in-chains"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "Must not contain personal information (Username).") {
		t.Fatalf("user info: %d %q", r.StatusCode, alert(r.body))
	}
	if strings.Contains(r.body, `name="code"`) {
		t.Error("the verified code is asked again")
	}
	r = b.post("/reset-password/verify", url.Values{"password": {"a brand new passphrase"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in?notice=password_reset" {
		t.Fatalf("reset: %d %q %q", r.StatusCode, r.Header.Get("Location"), alert(r.body))
	}
	if r := b.get("/sign-in?notice=password_reset"); !strings.Contains(r.body, `role="status">Your password has been reset.`) {
		t.Error("no success notice")
	}
	if r := old.get("/signed-in"); !strings.Contains(r.body, "You are not signed in.") {
		t.Error("the old session survived the reset")
	}
	if r := b.post("/sign-in", url.Values{"identifier": {"alice"}, "password": {alicePassword}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("old password: %d", r.StatusCode)
	}
	if r := b.post("/sign-in", url.Values{"identifier": {"alice"}, "password": {"a brand new passphrase"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("new password: %d %q", r.StatusCode, alert(r.body))
	}
	if _, ok := b.cookies[experience.CodeCookie]; ok {
		t.Error("pending cookie left")
	}
}

// A generic policy violation does not consume the code; without a
// forgot-password method the page says reset is unavailable.
func TestResetPasswordPolicyAndUnavailable(t *testing.T) {
	e := newEnv(t, "")
	if r := e.browser().get("/reset-password"); !strings.Contains(r.body, "Password reset is not available.") || strings.Contains(r.body, "<form") {
		t.Errorf("unavailable reset:\n%s", r.body)
	}
	if r := e.browser().get("/sign-in"); strings.Contains(r.body, "/reset-password") {
		t.Error("forgot-password link without a method")
	}
	e.experience(`{"forgotPasswordMethods":["EmailVerificationCode"]}`)
	b := e.browser()
	b.post("/reset-password", url.Values{"identifier": {"alice@example.com"}})
	code := e.outbox.code("alice@example.com")
	r := b.post("/reset-password/verify", url.Values{"code": {code}, "password": {"short"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "Must be at least 8 characters.") || !strings.Contains(r.body, `name="code"`) {
		t.Fatalf("short: %d %q", r.StatusCode, alert(r.body))
	}
	if r := b.post("/reset-password/verify", url.Values{"code": {code}, "password": {"a brand new passphrase"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the code was consumed by the policy check: %d %q", r.StatusCode, alert(r.body))
	}
}
