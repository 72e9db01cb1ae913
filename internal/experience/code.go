package experience

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/verification"
	"github.com/monban-dev/monban/web"
)

// CodeCookie carries, between the page that sends a verification code and
// the page where it is typed, where the code went and what for (pending).
const CodeCookie = "monban_code"

// pending is a verification in progress. It lives in CodeCookie, HMAC'd
// with CSRFKey and bound to the browser's CSRF binding, so it cannot be
// forged, edited (another address) or carried to another browser. It holds
// no secret: the code itself is only in the email or SMS.
type pending struct {
	Purpose verification.Purpose `json:"p"`
	Channel verification.Channel `json:"c"`
	// To is the normalized email address or phone number.
	To string `json:"t"`
	// Username is the one typed at sign-up, kept for the code step.
	Username string `json:"u,omitempty"`
	// Verified: the code was right (forgot password, whose new password is
	// checked against the account only after the code proved ownership).
	Verified bool  `json:"v,omitempty"`
	Expires  int64 `json:"e"`
}

// setPending stores pd for the code step, valid as long as a code.
func (p *Pages) setPending(w http.ResponseWriter, r *http.Request, pd pending) {
	pd.Expires = time.Now().Add(verification.CodeTTL).Unix()
	body, _ := json.Marshal(pd)
	bindings := csrfBindings(r)
	if len(bindings) == 0 { // guard has checked a token, so there is one
		return
	}
	payload := base64.RawURLEncoding.EncodeToString(body)
	http.SetCookie(w, &http.Cookie{Name: CodeCookie, Value: payload + "." + p.pendingMAC(bindings[0], payload),
		Path: p.base + "/", MaxAge: int(verification.CodeTTL / time.Second), HttpOnly: true,
		Secure: p.Sessions.Secure, SameSite: http.SameSiteLaxMode})
}

func (p *Pages) pendingMAC(binding, payload string) string {
	return server.FormToken(p.CSRFKey, "pending:", binding+":"+payload)
}

// pendingFor returns the browser's verification in progress for purpose,
// or nil when there is none (none started, expired, forged, another
// browser's or another purpose's).
func (p *Pages) pendingFor(r *http.Request, purpose verification.Purpose) *pending {
	c, err := r.Cookie(CodeCookie)
	if err != nil || len(c.Value) > 2048 {
		return nil
	}
	payload, mac, ok := strings.Cut(c.Value, ".")
	if !ok {
		return nil
	}
	valid := false
	for _, b := range csrfBindings(r) {
		if hmac.Equal([]byte(mac), []byte(p.pendingMAC(b, payload))) {
			valid = true
		}
	}
	if !valid {
		return nil
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil
	}
	var pd pending
	if json.Unmarshal(body, &pd) != nil || pd.Purpose != purpose || time.Now().Unix() > pd.Expires {
		return nil
	}
	return &pd
}

func (p *Pages) clearPending(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CodeCookie, Value: "", Path: p.base + "/", MaxAge: -1, HttpOnly: true,
		Secure: p.Sessions.Secure, SameSite: http.SameSiteLaxMode})
}

// sendCode sends a code for purpose to the normalized address to.
func (p *Pages) sendCode(r *http.Request, v *view, ch verification.Channel, to string, purpose verification.Purpose) error {
	if p.Verification == nil {
		return verification.ErrNotConfigured
	}
	err := p.Verification.Send(r.Context(), ch, to, purpose, v.lang, server.ClientIP(r))
	if err == nil {
		p.log(r.Context()).Info("verification code sent", "purpose", string(purpose), "channel", string(ch))
	}
	return err
}

// sendProblem is what a page says when sendCode failed: codeMessage's
// message, else (the connector failed: SMTP server down, webhook refused)
// a translated "could not send", the cause logged.
func (p *Pages) sendProblem(w http.ResponseWriter, r *http.Request, v *view, ch verification.Channel, err error) (int, string) {
	if status, msg, ok := codeMessage(w, v, ch, err); ok {
		return status, msg
	}
	p.log(r.Context()).Error("hosted page: send verification code", "channel", string(ch), "err", err)
	return http.StatusServiceUnavailable, v.tr.T("verification_code.send_failed")
}

// verifyCode checks (and on success consumes) a typed code.
func (p *Pages) verifyCode(r *http.Request, pd *pending, code string) error {
	if p.Verification == nil {
		return verification.ErrNotConfigured
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return errNoCode
	}
	return p.Verification.Verify(r.Context(), pd.Channel, pd.To, pd.Purpose, code, server.ClientIP(r))
}

// errNoCode: the code field was left empty.
var errNoCode = errors.New("experience: no code typed")

// codeMessage is what a page says about an error of sendCode or
// verifyCode, with the response status; ok is false for an unexpected
// error (a store failure), which the caller answers with a 500. Every
// message is translated; the waits say how long (spec/security.md item 18).
func codeMessage(w http.ResponseWriter, v *view, ch verification.Channel, err error) (status int, msg string, ok bool) {
	var soon verification.ErrTooSoon
	var locked verification.ErrLocked
	retryAfter := func(d time.Duration) {
		w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
	switch {
	case errors.As(err, &soon):
		retryAfter(soon.Wait)
		return http.StatusTooManyRequests, v.tr.T("verification_code.too_soon", "wait", waitText(v.tr, soon.Wait)), true
	case errors.As(err, &locked):
		retryAfter(locked.Wait)
		return http.StatusTooManyRequests, v.tr.T("verification_code.locked", "wait", waitText(v.tr, locked.Wait)), true
	case errors.Is(err, verification.ErrExpired):
		return http.StatusBadRequest, v.tr.T("verification_code.expired"), true
	case errors.Is(err, verification.ErrInvalid):
		return http.StatusBadRequest, v.tr.T("verification_code.invalid"), true
	case errors.Is(err, errNoCode):
		return http.StatusBadRequest, v.tr.T("verification_code.required"), true
	case errors.Is(err, verification.ErrIdentifier):
		return http.StatusBadRequest, v.tr.T(invalidIdentifierKey(ch)), true
	case errors.Is(err, verification.ErrNotConfigured):
		if ch == verification.Phone {
			return http.StatusServiceUnavailable, v.tr.T("verification_code.not_configured_phone"), true
		}
		return http.StatusServiceUnavailable, v.tr.T("verification_code.not_configured_email"), true
	}
	return 0, "", false
}

// codeData is the page where a code is typed (verify-code.html): for
// signing in, signing up (with the new password when the sign-in
// experience asks for one) and forgot password (with the new password).
type codeData struct {
	web.Page
	CSRF string
	// Action is the form's path below the base path.
	Action string
	// To is where the code was sent.
	To            string
	Error, Notice string
	Summary       []string
	Errors        map[string]string
	// CodeInvalid marks the code input as the field the Error is about.
	CodeInvalid  bool
	NeedCode     bool
	NeedPassword bool
	// NewPassword labels the password "New password" (forgot password).
	NewPassword  bool
	MinPassword  int
	PasswordHint string
	Submit       string
	// Back and BackText: the way back to the first step.
	Back, BackText string
}
