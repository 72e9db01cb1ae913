// Package patreontest is a fake Patreon speaking Patreon's wire format
// (authorize redirect, token endpoint, API v2 identity), for tests. Point a
// connector at it with the endpoint override patreon=<Fake.URL>.
package patreontest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
)

// User is the Patreon account the fake signs in.
type User struct {
	ID, Email, FullName, ImageURL string
	EmailVerified                 bool
}

// Fake is a running fake Patreon.
type Fake struct {
	*httptest.Server
	ClientID, ClientSecret string

	mu sync.Mutex
	// User is who approves at the authorize step.
	User User
	// Deny makes the authorize step answer error=access_denied.
	Deny bool
	// RegisteredRedirectURI, when set, is the only redirect URI the token
	// endpoint accepts ("Mismatching redirect URI." otherwise).
	RegisteredRedirectURI string
	// TokenStatus / TokenBody, when set, replace the token endpoint's answer.
	TokenStatus int
	TokenBody   string
	// IdentityStatus / IdentityBody, when set, replace the identity answer.
	IdentityStatus int
	IdentityBody   string

	codes  map[string]codeGrant
	tokens map[string]User
	n      int
	// TokenForms are the token requests' forms; TokenQueries their queries.
	TokenForms   []url.Values
	TokenQueries []url.Values
}

type codeGrant struct {
	redirectURI string
	user        User
}

// New starts a fake Patreon closed at the end of t.
func New(t testing.TB) *Fake {
	f := &Fake{ClientID: "patreon-client", ClientSecret: "patreon-secret",
		User:  User{ID: "32187", Email: "patron@example.com", EmailVerified: true, FullName: "Pat Patron", ImageURL: "https://c8.patreon.com/avatar.png"},
		codes: map[string]codeGrant{}, tokens: map[string]User{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth2/authorize", f.authorize)
	mux.HandleFunc("POST /api/oauth2/token", f.token)
	mux.HandleFunc("GET /api/oauth2/v2/identity", f.identity)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// Set changes the fake's behaviour under its lock.
func (f *Fake) Set(fn func(f *Fake)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// Code issues an authorization code for redirectURI directly (tests that
// skip the browser).
func (f *Fake) Code(redirectURI string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	c := "code-" + strconv.Itoa(f.n)
	f.codes[c] = codeGrant{redirectURI: redirectURI, user: f.User}
	return c
}

func (f *Fake) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != f.ClientID || q.Get("redirect_uri") == "" {
		http.Error(w, "bad authorize request", http.StatusBadRequest)
		return
	}
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	deny := f.Deny
	f.mu.Unlock()
	v := url.Values{"state": {q.Get("state")}}
	if deny {
		v.Set("error", "access_denied")
	} else {
		v.Set("code", f.Code(q.Get("redirect_uri")))
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *Fake) token(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	_ = r.ParseForm()
	f.TokenForms = append(f.TokenForms, r.PostForm)
	f.TokenQueries = append(f.TokenQueries, r.URL.Query())
	if f.TokenStatus != 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.TokenStatus)
		_, _ = w.Write([]byte(f.TokenBody))
		return
	}
	form := r.PostForm
	if form.Get("client_id") != f.ClientID || form.Get("client_secret") != f.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	if form.Get("grant_type") != "authorization_code" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	g, ok := f.codes[form.Get("code")]
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	if form.Get("redirect_uri") != g.redirectURI || (f.RegisteredRedirectURI != "" && form.Get("redirect_uri") != f.RegisteredRedirectURI) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "Mismatching redirect URI."})
		return
	}
	delete(f.codes, form.Get("code"))
	f.n++
	tok := "access-" + strconv.Itoa(f.n)
	f.tokens[tok] = g.user
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "refresh_token": "refresh-" + tok,
		"expires_in": 2678400, "scope": "identity identity[email]", "token_type": "Bearer"})
}

func (f *Fake) identity(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.IdentityStatus != 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.IdentityStatus)
		_, _ = w.Write([]byte(f.IdentityBody))
		return
	}
	auth := r.Header.Get("Authorization")
	u, ok := f.tokens[auth[min(len(auth), len("Bearer ")):]]
	if len(auth) < 7 || auth[:7] != "Bearer " || !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": []map[string]any{{"code": 1, "status": "401", "title": "Unauthorized"}}})
		return
	}
	if r.URL.Query().Get("fields[user]") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "fields[user] missing"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"data": map[string]any{"id": u.ID, "type": "user", "attributes": map[string]any{
			"email": u.Email, "full_name": u.FullName, "image_url": u.ImageURL, "is_email_verified": u.EmailVerified,
			"url": "https://www.patreon.com/user?u=" + u.ID, "vanity": nil}},
		"links": map[string]any{"self": "https://www.patreon.com/api/oauth2/v2/user/" + u.ID},
	})
}
