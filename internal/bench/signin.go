package bench

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

const (
	// maxHops bounds the redirects followed in one navigation.
	maxHops = 10
	// maxForms bounds the forms submitted in one sign-in (identifier-first
	// pages take two).
	maxForms = 3
	// signInScope is always requested; --scope adds to it.
	signInScope = "openid offline_access profile"
	// signInPrompt forces the sign-in form; consent is what lets
	// offline_access through (OIDC Core §11), as Logto's SDKs send by default.
	signInPrompt = "login consent"
)

// Names of the sub-steps a sign-in records.
const (
	stepAuthorize = "authorize" // authorization request until the sign-in page
	stepSubmit    = "submit"    // form submission until the redirect to the redirect URI
	stepToken     = "token"     // code exchange
)

// signIn runs one authorization code + PKCE sign-in the way a browser would,
// with a fresh cookie jar, and returns the token response.
func (b *bench) signIn(ctx context.Context, t *tally) (tokenResponse, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return tokenResponse{}, err
	}
	c := b.newClient(jar)
	verifier, state := randomToken(32), randomToken(16)
	start := time.Now()
	page, cb, err := b.navigate(ctx, c, hop{method: http.MethodGet, url: b.authorizationURL(state, verifier)}, t)
	if err != nil {
		return tokenResponse{}, err
	}
	if cb == nil {
		t.step(stepAuthorize, start)
		start = time.Now()
		if cb, err = b.submitSignIn(ctx, c, page, t); err != nil {
			return tokenResponse{}, err
		}
		t.step(stepSubmit, start)
	}
	code, err := b.callbackCode(cb, state)
	if err != nil {
		return tokenResponse{}, err
	}
	start = time.Now()
	tr, err := b.token(ctx, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {b.o.RedirectURI},
		"code_verifier": {verifier},
		"client_id":     {b.o.ClientID},
	}, true, t)
	if err == nil {
		t.step(stepToken, start)
	}
	return tr, err
}

// authorizationURL is the authorization request with PKCE (S256).
func (b *bench) authorizationURL(state, verifier string) *url.URL {
	u, _ := url.Parse(b.disc.AuthorizationEndpoint) // checked by discovery.check
	sum := sha256.Sum256([]byte(verifier))
	q := u.Query()
	q.Set("response_type", "code")
	q.Set("client_id", b.o.ClientID)
	q.Set("redirect_uri", b.o.RedirectURI)
	q.Set("scope", joinScopes(signInScope, b.o.Scope))
	q.Set("state", state)
	q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
	q.Set("code_challenge_method", "S256")
	q.Set("prompt", signInPrompt)
	if b.o.Resource != "" {
		q.Set("resource", b.o.Resource)
	}
	u.RawQuery = q.Encode()
	return u
}

// submitSignIn fills and submits the sign-in form(s) starting at page until
// the provider redirects to the redirect URI, whose URL it returns.
func (b *bench) submitSignIn(ctx context.Context, c *http.Client, page *response, t *tally) (*url.URL, error) {
	passwordSent := false
	for range maxForms {
		form, ok := signInForm(parseForms(string(page.body)))
		switch {
		case passwordSent && ok && form.hasPassword() && page.status < 500 && page.status != http.StatusTooManyRequests:
			return nil, protocolf("the sign-in form came back (HTTP %d) after the password was submitted: wrong username or password?", page.status)
		case page.status != http.StatusOK:
			return nil, unexpected(page)
		case !ok && passwordSent:
			return nil, protocolf("sign-in ended on %s (HTTP %d) instead of redirecting to the redirect URI", page.url.Redacted(), page.status)
		case !ok:
			return nil, protocolf("no sign-in form (a <form> with a password or username input) on %s", page.url.Redacted())
		}
		passwordSent = passwordSent || form.hasPassword()
		values := form.fill(b.o.Username, b.o.Password)
		target, err := form.target(page.url, values)
		if err != nil {
			return nil, protocolf("sign-in form action: %v", err)
		}
		h := hop{method: form.Method, url: target}
		if form.Method == http.MethodPost {
			h.body = values.Encode()
		}
		var cb *url.URL
		if page, cb, err = b.navigate(ctx, c, h, t); err != nil || cb != nil {
			return cb, err
		}
	}
	return nil, protocolf("no redirect to the redirect URI after %d sign-in forms", maxForms)
}

// signInForm picks the form with a password input, else (identifier-first
// pages) one whose username input is named like one.
func signInForm(forms []htmlForm) (htmlForm, bool) {
	for _, f := range forms {
		if f.hasPassword() {
			return f, true
		}
	}
	for _, f := range forms {
		if slices.Contains(usernameNames, strings.ToLower(f.usernameField())) {
			return f, true
		}
	}
	return htmlForm{}, false
}

// callbackCode checks the authorization response and returns its code.
func (b *bench) callbackCode(cb *url.URL, state string) (string, error) {
	q := cb.Query()
	switch {
	case q.Get("error") != "":
		return "", protocolf("authorization error %s: %s", q.Get("error"), q.Get("error_description"))
	case q.Get("state") != state:
		return "", protocolf("authorization response state %q does not match", q.Get("state"))
	case q.Has("iss") && q.Get("iss") != b.disc.Issuer:
		return "", protocolf("authorization response iss %q is not the issuer %q", q.Get("iss"), b.disc.Issuer)
	case q.Get("code") == "":
		return "", protocolf("authorization response has no code")
	}
	return q.Get("code"), nil
}

// hop is one request of a navigation, kept to be replayed on 307 and 308.
type hop struct {
	method string
	url    *url.URL
	body   string // form-encoded, for POST
}

// navigate does h and follows redirects like a browser, with c's cookie
// jar, until a response that is not a redirect, which it returns, or a
// redirect to the redirect URI, whose URL it returns without requesting it.
func (b *bench) navigate(ctx context.Context, c *http.Client, h hop, t *tally) (*response, *url.URL, error) {
	for range maxHops {
		req, err := http.NewRequestWithContext(ctx, h.method, h.url.String(), strings.NewReader(h.body))
		if err != nil {
			return nil, nil, err
		}
		if h.method == http.MethodPost {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
		res, err := send(c, req, t)
		if err != nil {
			return nil, nil, err
		}
		switch res.status {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
			http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		default:
			return res, nil, nil
		}
		next, err := res.url.Parse(res.header.Get("Location"))
		if err != nil || res.header.Get("Location") == "" {
			return nil, nil, protocolf("HTTP %d from %s without a valid Location", res.status, res.url.Redacted())
		}
		if b.isCallback(next) {
			return nil, next, nil
		}
		if res.status == http.StatusTemporaryRedirect || res.status == http.StatusPermanentRedirect {
			h.url = next
		} else {
			h = hop{method: http.MethodGet, url: next}
		}
	}
	return nil, nil, protocolf("more than %d redirects from %s", maxHops, h.url.Redacted())
}

// isCallback reports whether u is the redirect URI (same origin and path;
// the query carries the response).
func (b *bench) isCallback(u *url.URL) bool {
	r, err := url.Parse(b.o.RedirectURI)
	return err == nil && origin(u) == origin(r) && u.Path == r.Path
}

// signInAll signs in n times, a few at a time, retrying briefly on 429, for
// the scenarios that need a token per worker. It returns the first error.
func (b *bench) signInAll(ctx context.Context, n int) ([]tokenResponse, error) {
	out, errs := make([]tokenResponse, n), make([]error, n)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			for attempt := range 5 {
				out[i], errs[i] = b.signIn(ctx, &tally{})
				var se *statusError
				if !errors.As(errs[i], &se) || se.code != http.StatusTooManyRequests {
					return
				}
				select {
				case <-ctx.Done():
					return
				case <-time.After(250 * time.Millisecond << attempt):
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// randomToken returns n random bytes, base64url without padding (n=32 gives
// the 43 characters of a PKCE verifier).
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// joinScopes joins space-separated scope lists, dropping repeats.
func joinScopes(lists ...string) string {
	var out []string
	for _, l := range lists {
		for _, s := range strings.Fields(l) {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return strings.Join(out, " ")
}
