package console

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/policy"
	"github.com/monban-dev/monban/internal/store"
)

// maxCustomData bounds the custom data typed in the console (Logto's
// console has no limit; this keeps one form from storing megabytes).
const maxCustomData = 64 << 10

// updateCustomData replaces the user's custom data with the JSON object
// typed (account.Service.UpdateUser, as PATCH /api/users/{id} with
// customData). Anything but a JSON object is refused, naming the field.
func (c *Console) updateCustomData(w http.ResponseWriter, r *http.Request, a *Admin) {
	u, ok := c.userByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	label := a.Tr.T("users.custom_data")
	raw := r.PostForm.Get("customData")
	data, err := jsonObject(raw)
	switch {
	case len(raw) > maxCustomData:
		form.Fail("customData", label, a.Tr.T("users.custom_data_too_large"))
	case err != nil:
		form.Fail("customData", label, a.Tr.T("users.custom_data_invalid"))
	default:
		if _, err := c.o.Accounts.UpdateUser(r.Context(), u.ID, account.UserPatch{CustomData: data}); err != nil &&
			!formError(form, a.Tr, "customData", label, nil, err) {
			c.fail(w, r, "update custom data", err)
			return
		}
	}
	if form.HasErrors() {
		c.userAgain(w, r, a, u, func(d *userDetailsData) { d.CustomForm = form })
		return
	}
	c.done(w, r, "/users/"+u.ID+"#custom-data", "notice.saved")
}

// jsonObject parses s as one JSON object (numbers kept exact); an empty
// text is the empty object.
func jsonObject(s string) (map[string]any, error) {
	if strings.TrimSpace(s) == "" {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil { // "null"
		return nil, errors.New("not an object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("text after the object")
	}
	return m, nil
}

// prettyJSON is v indented for the custom data's textarea.
func prettyJSON(v any) string {
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return "{}"
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return "{}"
	}
	return strings.TrimSpace(b.String())
}

// resetPassword sets the password typed (mode=set) or a generated one
// (mode=generate), through account.Service.SetPassword (as PATCH
// /api/users/{id}/password: the policy applies and the user's sessions
// end). A generated password is shown once on the page that follows.
func (c *Console) resetPassword(w http.ResponseWriter, r *http.Request, a *Admin) {
	u, ok := c.userByPath(w, r)
	if !ok {
		return
	}
	x, err := c.o.SignInExperience.Get(r.Context())
	if err != nil {
		c.fail(w, r, "read sign-in experience", err)
		return
	}
	form := NewForm(r.PostForm)
	form.Values.Del("password")
	info := policy.UserInfo{Username: u.Username, Email: u.PrimaryEmail, Phone: u.PrimaryPhone, Name: u.Name}
	pw := r.PostForm.Get("password")
	generated := r.PostForm.Get("mode") == "generate"
	if generated {
		pw = generatePassword(x.PasswordPolicy, info)
	} else {
		c.checkPolicy(form, a, x.PasswordPolicy, pw, info)
	}
	if !form.HasErrors() {
		err := c.o.Accounts.SetPassword(r.Context(), u.ID, pw, x.PasswordPolicy)
		if err != nil && !formError(form, a.Tr, "password", a.Tr.T("users.password"), nil, err) {
			c.fail(w, r, "set password", err)
			return
		}
	}
	if form.HasErrors() {
		c.userAgain(w, r, a, u, func(d *userDetailsData) { d.PasswordForm = form })
		return
	}
	c.log(r.Context()).Info("console: password reset", "user_id", u.ID, "admin", a.User.ID, "generated", generated)
	if generated {
		c.flashPassword(w, a, u.ID, pw)
		c.done(w, r, "/users/"+u.ID+"#password", "notice.password_generated")
		return
	}
	c.done(w, r, "/users/"+u.ID+"#password", "notice.password_set")
}

// setSuspension suspends (suspend=on) or reinstates the user
// (account.Service.SetSuspended, as PATCH /api/users/{id}/is-suspended);
// suspending ends the user's sessions. An admin cannot suspend themselves.
func (c *Console) setSuspension(w http.ResponseWriter, r *http.Request, a *Admin) {
	u, ok := c.userByPath(w, r)
	if !ok {
		return
	}
	suspend := r.PostForm.Get("suspend") == "on"
	if suspend && u.ID == a.User.ID {
		form := NewForm(r.PostForm)
		form.Fail("suspend", a.Tr.T("users.suspension"), a.Tr.T("users.not_yourself"))
		c.userAgain(w, r, a, u, func(d *userDetailsData) { d.SuspendForm = form })
		return
	}
	if _, err := c.o.Accounts.SetSuspended(r.Context(), u.ID, suspend); err != nil {
		c.fail(w, r, "set suspended", err)
		return
	}
	notice := "notice.user_reinstated"
	if suspend {
		notice = "notice.user_suspended"
	}
	c.done(w, r, "/users/"+u.ID, notice)
}

// unlinkIdentity removes a social identity of the user
// (account.Service.UnlinkIdentity, as DELETE /api/users/{id}/identities/{target}).
func (c *Console) unlinkIdentity(w http.ResponseWriter, r *http.Request, a *Admin) {
	u, ok := c.userByPath(w, r)
	if !ok {
		return
	}
	err := c.o.Accounts.UnlinkIdentity(r.Context(), u.ID, r.PostForm.Get("target"))
	switch {
	case errors.Is(err, account.ErrIdentityNotFound), errors.Is(err, store.ErrNotFound):
		c.notFound(w, r)
	case err != nil:
		c.fail(w, r, "unlink identity", err)
	default:
		c.done(w, r, "/users/"+u.ID+"#identities", "notice.identity_unlinked")
	}
}

// Generated passwords: long enough, from every character class, checked
// against the policy (which may forbid words or the user's details).
const (
	generatedLength = 16
	pwLower         = "abcdefghijkmnopqrstuvwxyz"
	pwUpper         = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	pwDigits        = "23456789"
	pwSymbols       = "!#$%&*+-=?@_"
)

// generatePassword returns a random password that pol accepts for u.
func generatePassword(pol policy.Policy, u policy.UserInfo) string {
	n := max(generatedLength, pol.Length.Min)
	if pol.Length.Max > 0 && n > pol.Length.Max {
		n = pol.Length.Max
	}
	var pw string
	for range 100 {
		pw = randomPassword(n)
		if len(pol.Check(pw, u)) == 0 {
			break
		}
	}
	return pw
}

// randomPassword has n characters, at least one of each class, the rest
// from all of them, in random order.
func randomPassword(n int) string {
	classes := []string{pwLower, pwUpper, pwDigits, pwSymbols}
	all := strings.Join(classes, "")
	out := make([]byte, 0, n)
	for i := range n {
		set := all
		if i < len(classes) {
			set = classes[i]
		}
		out = append(out, set[randIndex(len(set))])
	}
	for i := len(out) - 1; i > 0; i-- {
		j := randIndex(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

func randIndex(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return int(v.Int64())
}

// A generated password exists in clear only until the admin has seen it:
// the page after the POST shows it once, from a cookie holding it sealed
// (AES-GCM, master secret) and bound to the user and the admin session,
// HttpOnly, SameSite=Strict, on that user's paths, for passwordShowFor at
// most; reading it deletes the cookie (see secretflash.go for the same
// idea with client secrets).
const (
	passwordCookie  = "monban_console_password"
	passwordShowFor = 5 * time.Minute
)

func passwordAD(userID, sessionRaw string) []byte {
	return []byte("console-password:" + userID + ":" + base64.RawURLEncoding.EncodeToString(sessionKey(sessionRaw)))
}

func (c *Console) passwordCookiePath(userID string) string { return c.root + "/users/" + userID }

func (c *Console) flashPassword(w http.ResponseWriter, a *Admin, userID, pw string) {
	if c.o.Seal == nil {
		return
	}
	b, _ := json.Marshal(shownSecret{Secret: pw, Until: c.now().Add(passwordShowFor).Unix()})
	http.SetCookie(w, &http.Cookie{Name: passwordCookie,
		Value: base64.RawURLEncoding.EncodeToString(c.o.Seal(b, passwordAD(userID, a.sessionRaw))),
		Path:  c.passwordCookiePath(userID), MaxAge: int(passwordShowFor / time.Second),
		HttpOnly: true, Secure: c.o.Secure, SameSite: http.SameSiteStrictMode})
}

// flashedPassword returns the password kept by flashPassword ("" if none)
// and deletes the cookie: it is shown once.
func (c *Console) flashedPassword(w http.ResponseWriter, r *http.Request, a *Admin, userID string) string {
	ck, err := r.Cookie(passwordCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: passwordCookie, Value: "", Path: c.passwordCookiePath(userID), MaxAge: -1,
		HttpOnly: true, Secure: c.o.Secure, SameSite: http.SameSiteStrictMode})
	if c.o.Open == nil || len(ck.Value) > 1024 {
		return ""
	}
	sealed, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return ""
	}
	b, err := c.o.Open(sealed, passwordAD(userID, a.sessionRaw))
	if err != nil {
		return ""
	}
	var s shownSecret
	if json.Unmarshal(b, &s) != nil || c.now().Unix() > s.Until {
		return ""
	}
	return s.Secret
}
