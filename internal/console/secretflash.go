package console

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"
)

// A client secret is stored only as a hash (spec/security.md item 11), so,
// as in the Management API, its full value exists once: when it is made.
// The console shows it on the pages that follow (the guide after creation,
// the details page after "new secret") for a short while, through a
// cookie holding it sealed with the master secret (AES-GCM), bound to the
// application and to the admin session, HttpOnly, SameSite=Strict, on
// that application's paths only, for secretShowFor. After that only its
// last characters are shown; a lost secret is replaced by a new one.
const (
	secretCookie  = "monban_console_secret"
	secretShowFor = 15 * time.Minute
)

type shownSecret struct {
	Name   string `json:"name"`
	Secret string `json:"secret"`
	// Until (Unix seconds) bounds the display whatever the browser does
	// with the cookie's Max-Age.
	Until int64 `json:"until"`
}

func secretAD(appID, sessionRaw string) []byte {
	return []byte("console-secret:" + appID + ":" + base64.RawURLEncoding.EncodeToString(sessionKey(sessionRaw)))
}

// flashSecret keeps secret (named name) for the application's next pages.
func (c *Console) flashSecret(w http.ResponseWriter, a *Admin, appID, name, secret string) {
	if c.o.Seal == nil {
		return
	}
	b, _ := json.Marshal(shownSecret{Name: name, Secret: secret, Until: c.now().Add(secretShowFor).Unix()})
	http.SetCookie(w, &http.Cookie{Name: secretCookie,
		Value: base64.RawURLEncoding.EncodeToString(c.o.Seal(b, secretAD(appID, a.sessionRaw))),
		Path:  c.root + "/applications/" + appID, MaxAge: int(secretShowFor / time.Second),
		HttpOnly: true, Secure: c.o.Secure, SameSite: http.SameSiteStrictMode})
}

// flashedSecret is the secret kept by flashSecret, if any is still there.
func (c *Console) flashedSecret(r *http.Request, a *Admin, appID string) *shownSecret {
	ck, err := r.Cookie(secretCookie)
	if err != nil || c.o.Open == nil || len(ck.Value) > 1024 {
		return nil
	}
	sealed, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return nil
	}
	b, err := c.o.Open(sealed, secretAD(appID, a.sessionRaw))
	if err != nil {
		return nil
	}
	var s shownSecret
	if json.Unmarshal(b, &s) != nil || s.Secret == "" || c.now().Unix() > s.Until {
		return nil
	}
	return &s
}
