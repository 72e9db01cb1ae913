package bench

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// The fake OpenID provider's registered client and user. The secret needs
// URL-encoding in HTTP Basic authentication (RFC 6749 §2.3.1).
const (
	fakeClient   = "app"
	fakeSecret   = "s3cr:et/+%"
	fakePublic   = "spa" // a public client: no secret, PKCE only
	fakeUser     = "alice@example.com"
	fakePassword = "p@ss w0rd"
	fakeRedirect = "http://localhost:3000/callback"
)

// fakeOP is a minimal OpenID provider: discovery, JWKS, an authorization
// endpoint leading to an HTML sign-in form, a token endpoint for the
// client_credentials, authorization_code and refresh_token grants (refresh
// tokens rotate and are single-use), userinfo and introspection.
type fakeOP struct {
	srv    *httptest.Server
	issuer string
	// tokenStatus, when set, is returned by the token endpoint for everything.
	tokenStatus int
	// discoveryOverride replaces discovery fields (e.g. with another host).
	discoveryOverride map[string]string
	// loginURL, when set, is where /auth redirects instead of the login page.
	loginURL string
	// breakRefresh, when set, makes every breakRefresh-th refresh spend the
	// token and answer 500.
	breakRefresh int
	refreshes    int

	requests atomic.Int64
	mu       sync.Mutex
	pending  map[string]url.Values // interaction id -> authorization request
	codes    map[string]url.Values // code -> authorization request
	tokens   map[string]bool       // valid access tokens
	refresh  map[string]bool       // valid refresh tokens
	seq      int
}

func newFakeOP(t *testing.T, configure func(*fakeOP)) *fakeOP {
	t.Helper()
	f := &fakeOP{pending: map[string]url.Values{}, codes: map[string]url.Values{}, tokens: map[string]bool{}, refresh: map[string]bool{}}
	if configure != nil {
		configure(f)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oidc/.well-known/openid-configuration", f.discovery)
	mux.HandleFunc("GET /oidc/jwks", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"keys": []any{map[string]string{"kty": "EC", "kid": "k1"}}})
	})
	mux.HandleFunc("GET /oidc/auth", f.authorize)
	mux.HandleFunc("GET /interaction/login", f.loginPage)
	mux.HandleFunc("POST /interaction/submit", f.submit)
	mux.HandleFunc("POST /oidc/token", f.token)
	mux.HandleFunc("GET /oidc/me", f.userinfo)
	mux.HandleFunc("POST /oidc/token/introspection", f.introspect)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	f.issuer = f.srv.URL + "/oidc"
	return f
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{"error": code})
}

// newID returns a fresh identifier with the given prefix.
func (f *fakeOP) newID(prefix string) string {
	f.seq++
	return fmt.Sprintf("%s-%d", prefix, f.seq)
}

func (f *fakeOP) discovery(w http.ResponseWriter, _ *http.Request) {
	d := map[string]string{
		"issuer":                 f.issuer,
		"authorization_endpoint": f.issuer + "/auth",
		"token_endpoint":         f.issuer + "/token",
		"userinfo_endpoint":      f.issuer + "/me",
		"introspection_endpoint": f.issuer + "/token/introspection",
		"jwks_uri":               f.issuer + "/jwks",
	}
	for k, v := range f.discoveryOverride {
		d[k] = v
	}
	writeJSON(w, 200, d)
}

func (f *fakeOP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	client := q.Get("client_id")
	if q.Get("response_type") != "code" || (client != fakeClient && client != fakePublic) ||
		q.Get("redirect_uri") != fakeRedirect || q.Get("code_challenge_method") != "S256" ||
		len(q.Get("code_challenge")) != 43 || q.Get("state") == "" || !slices.Contains(strings.Fields(q.Get("prompt")), "login") {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	id := f.newID("uid")
	f.pending[id] = q
	f.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "_interaction", Value: id, Path: "/interaction", HttpOnly: true})
	http.Redirect(w, r, cmp.Or(f.loginURL, "/interaction/login"), http.StatusFound)
}

// loginPage is a sign-in form with a hidden CSRF field, single-quoted and
// reordered attributes and a relative action.
func (f *fakeOP) loginPage(w http.ResponseWriter, r *http.Request) {
	f.renderLogin(w, r, http.StatusOK)
}

func (f *fakeOP) renderLogin(w http.ResponseWriter, r *http.Request, status int) {
	c, err := r.Cookie("_interaction")
	if err != nil {
		http.Error(w, "no interaction", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!doctype html><html><body>
<!-- <form action="/decoy"><input type="password" name="nope"></form> -->
<form class='signin' method='post' action='submit'>
  <input value='%s' type='hidden' name='csrf'>
  <label>Email <input autocomplete="username" name=identifier type="email" required/></label>
  <input type="password" name="password"/>
  <button type="submit">Sign in</button>
</form></body></html>`, html.EscapeString("csrf-"+c.Value))
}

func (f *fakeOP) submit(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie("_interaction")
	if err != nil {
		http.Error(w, "no interaction", http.StatusBadRequest)
		return
	}
	if r.PostFormValue("identifier") != fakeUser || r.PostFormValue("password") != fakePassword {
		f.renderLogin(w, r, http.StatusBadRequest) // shown again, as providers do on a wrong password
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q, ok := f.pending[c.Value]
	if !ok || r.PostFormValue("csrf") != "csrf-"+c.Value {
		http.Error(w, "bad interaction", http.StatusBadRequest)
		return
	}
	delete(f.pending, c.Value)
	code := f.newID("code")
	f.codes[code] = q
	cb := url.Values{"code": {code}, "state": {q.Get("state")}, "iss": {f.issuer}}
	http.Redirect(w, r, fakeRedirect+"?"+cb.Encode(), http.StatusSeeOther)
}

// client authenticates the token request: Basic for the confidential
// client, client_id alone for the public one.
func (f *fakeOP) client(r *http.Request) (string, bool) {
	if id, secret, ok := r.BasicAuth(); ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		return id, id == fakeClient && secret == fakeSecret
	}
	id := r.PostFormValue("client_id")
	return id, id == fakePublic
}

func (f *fakeOP) token(w http.ResponseWriter, r *http.Request) {
	if f.tokenStatus != 0 {
		oauthError(w, f.tokenStatus, "server_error")
		return
	}
	client, ok := f.client(r)
	if !ok {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	access := f.newID("at")
	f.tokens[access] = true
	res := map[string]string{"access_token": access, "token_type": "Bearer"}
	switch r.PostFormValue("grant_type") {
	case "client_credentials":
		if client != fakeClient {
			oauthError(w, http.StatusBadRequest, "unauthorized_client")
			return
		}
	case "authorization_code":
		q, ok := f.codes[r.PostFormValue("code")]
		delete(f.codes, r.PostFormValue("code"))
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if !ok || q.Get("client_id") != client || r.PostFormValue("client_id") != client ||
			r.PostFormValue("redirect_uri") != q.Get("redirect_uri") ||
			base64.RawURLEncoding.EncodeToString(sum[:]) != q.Get("code_challenge") {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		res["id_token"] = "eyJhbGciOiJub25lIn0.e30."
		// offline_access needs prompt=consent (OIDC Core §11).
		if slices.Contains(strings.Fields(q.Get("scope")), "offline_access") && slices.Contains(strings.Fields(q.Get("prompt")), "consent") {
			res["refresh_token"] = f.newID("rt")
			f.refresh[res["refresh_token"]] = true
		}
	case "refresh_token":
		if !f.refresh[r.PostFormValue("refresh_token")] {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		delete(f.refresh, r.PostFormValue("refresh_token")) // rotation: single use
		if f.refreshes++; f.breakRefresh > 0 && f.refreshes%f.breakRefresh == 0 {
			oauthError(w, http.StatusInternalServerError, "server_error")
			return
		}
		res["refresh_token"] = f.newID("rt")
		f.refresh[res["refresh_token"]] = true
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	writeJSON(w, 200, res)
}

func (f *fakeOP) userinfo(w http.ResponseWriter, r *http.Request) {
	token, ok := bearer(r)
	f.mu.Lock()
	ok = ok && f.tokens[token]
	f.mu.Unlock()
	if !ok {
		oauthError(w, http.StatusUnauthorized, "invalid_token")
		return
	}
	writeJSON(w, 200, map[string]string{"sub": "user-1", "username": "alice"})
}

func bearer(r *http.Request) (string, bool) {
	const prefix = "Bearer "
	h := r.Header.Get("Authorization")
	if len(h) <= len(prefix) || h[:len(prefix)] != prefix {
		return "", false
	}
	return h[len(prefix):], true
}

func (f *fakeOP) introspect(w http.ResponseWriter, r *http.Request) {
	if client, ok := f.client(r); !ok || client != fakeClient {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	f.mu.Lock()
	active := f.tokens[r.PostFormValue("token")]
	f.mu.Unlock()
	writeJSON(w, 200, map[string]any{"active": active, "client_id": fakeClient})
}
