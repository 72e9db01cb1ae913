package experience_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/connector/patreon/patreontest"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/testenv"
)

const appCallback = "http://app.example/callback"

type socialEnv struct {
	t    *testing.T
	e    *testenv.Env
	fake *patreontest.Fake
	app  *store.Application
	cid  string
}

func newSocialEnv(t *testing.T, experience string) *socialEnv {
	t.Helper()
	fake := patreontest.New(t)
	if experience == "" {
		experience = `{"socialSignInConnectorTargets": ["patreon"]}`
	}
	e := testenv.New(t, testenv.Options{ConnectorEndpointOverrides: "patreon=" + fake.URL, Experience: experience})
	c, err := e.D.Connectors.Create(context.Background(), "patreon-universal",
		map[string]any{"clientId": fake.ClientID, "clientSecret": fake.ClientSecret}, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	app, _ := e.App(store.AppTraditional, appCallback)
	return &socialEnv{t: t, e: e, fake: fake, app: app, cid: c.ID}
}

func (s *socialEnv) authURL() string {
	sum := sha256.Sum256([]byte("verifier-verifier-verifier-verifier-verifier-0123"))
	q := url.Values{"client_id": {s.app.ID}, "redirect_uri": {appCallback}, "response_type": {"code"},
		"scope": {"openid profile email"}, "state": {"app-state"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	return s.e.Endpoint + "/oidc/auth?" + q.Encode()
}

type stop struct {
	url    *url.URL
	status int
	body   string
}

// walk follows redirects within Monban and the fake Patreon, from start,
// until one leaves them, a page answers, or until(u) is true before GET u.
func (s *socialEnv) walk(b *http.Client, start string, until func(*url.URL) bool) stop {
	s.t.Helper()
	next, _ := url.Parse(start)
	for hop := 0; hop < 20; hop++ {
		if until != nil && until(next) {
			return stop{url: next}
		}
		if !strings.HasPrefix(next.String(), s.e.Endpoint) && !strings.HasPrefix(next.String(), s.fake.URL) {
			return stop{url: next}
		}
		resp, err := b.Get(next.String())
		if err != nil {
			s.t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 300 || resp.StatusCode >= 400 {
			return stop{url: next, status: resp.StatusCode, body: string(body)}
		}
		if next, err = next.Parse(resp.Header.Get("Location")); err != nil {
			s.t.Fatal(err)
		}
	}
	s.t.Fatal("too many redirects")
	return stop{}
}

// signIn walks a fresh browser from the application to the sign-in page
// and clicks "Continue with Patreon".
func (s *socialEnv) signIn(b *http.Client, until func(*url.URL) bool) stop {
	s.t.Helper()
	page := s.walk(b, s.authURL(), nil)
	if page.status != 200 || !strings.Contains(page.body, "Continue with Patreon") || !strings.Contains(page.body, "/sign-in/social/patreon") {
		s.t.Fatalf("sign-in page %d at %s:\n%s", page.status, page.url, page.body)
	}
	return s.walk(b, s.e.Endpoint+"/sign-in/social/patreon", until)
}

func (s *socialEnv) users() int64 {
	_, n, err := s.e.D.Store.ListUsers(context.Background(), store.Page{})
	if err != nil {
		s.t.Fatal(err)
	}
	return n
}

func (s *socialEnv) identityUser(upstreamID string) *store.User {
	s.t.Helper()
	ctx := context.Background()
	ident, err := s.e.D.Store.GetIdentity(ctx, "patreon", upstreamID)
	if err != nil {
		s.t.Fatalf("identity %s: %v", upstreamID, err)
	}
	u, err := s.e.D.Store.GetUser(ctx, ident.UserID)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

func wantCode(t *testing.T, st stop) {
	t.Helper()
	if !strings.HasPrefix(st.url.String(), appCallback+"?") || st.url.Query().Get("code") == "" || st.url.Query().Get("state") != "app-state" {
		t.Fatalf("ended at %s (%d):\n%s", st.url, st.status, st.body)
	}
}

func TestSocialSignUpThenSignIn(t *testing.T) {
	s := newSocialEnv(t, "")
	before := s.users()
	wantCode(t, s.signIn(testenv.Browser(), nil))
	u := s.identityUser("32187")
	if u.PrimaryEmail != "patron@example.com" || u.Name != "Pat Patron" || u.Avatar != "https://c8.patreon.com/avatar.png" || u.Username != "" {
		t.Errorf("new user %+v", u)
	}
	if s.users() != before+1 {
		t.Errorf("users %d, want %d", s.users(), before+1)
	}
	ident, _ := s.e.D.Store.GetIdentity(context.Background(), "patreon", "32187")
	if data, _ := ident.Details["data"].(map[string]any); data["id"] != "32187" {
		t.Errorf("identity details %v", ident.Details)
	}
	// Again, another browser, a new name: the same user, name synced.
	s.fake.Set(func(f *patreontest.Fake) { f.User.FullName = "Pat Renamed" })
	wantCode(t, s.signIn(testenv.Browser(), nil))
	if u2 := s.identityUser("32187"); u2.ID != u.ID || u2.Name != "Pat Renamed" {
		t.Errorf("second sign-in: user %+v (first %s)", u2, u.ID)
	}
	if s.users() != before+1 {
		t.Errorf("second sign-in created a user")
	}
}

func (s *socialEnv) victim() *store.User {
	s.t.Helper()
	u, err := s.e.D.Accounts.CreateUser(context.Background(), accountNewUser("victim", "victim@example.com"))
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

func TestSocialLinkingNeedsVerifiedEmail(t *testing.T) {
	s := newSocialEnv(t, `{"socialSignInConnectorTargets": ["patreon"], "socialSignIn": {"automaticAccountLinking": true}}`)
	victim := s.victim()
	// The attacker's Patreon account claims the victim's email, unverified.
	s.fake.Set(func(f *patreontest.Fake) {
		f.User = patreontest.User{ID: "666", Email: "victim@example.com", EmailVerified: false, FullName: "Mallory"}
	})
	wantCode(t, s.signIn(testenv.Browser(), nil))
	u := s.identityUser("666")
	if u.ID == victim.ID || u.PrimaryEmail != "" {
		t.Fatalf("unverified email linked or copied: %+v", u)
	}
	if ids, _ := s.e.D.Store.ListUserIdentities(context.Background(), victim.ID); len(ids) != 0 {
		t.Errorf("victim got identities %v", ids)
	}
	// A verified one links.
	s.fake.Set(func(f *patreontest.Fake) {
		f.User = patreontest.User{ID: "777", Email: "VICTIM@example.com", EmailVerified: true, FullName: "Victim"}
	})
	before := s.users()
	wantCode(t, s.signIn(testenv.Browser(), nil))
	if u := s.identityUser("777"); u.ID != victim.ID {
		t.Errorf("verified email not linked: %+v", u)
	}
	if s.users() != before {
		t.Error("linking created a user")
	}
}

func TestSocialNoLinkingWhenDisabled(t *testing.T) {
	s := newSocialEnv(t, "")
	victim := s.victim()
	s.fake.Set(func(f *patreontest.Fake) {
		f.User = patreontest.User{ID: "778", Email: "victim@example.com", EmailVerified: true}
	})
	wantCode(t, s.signIn(testenv.Browser(), nil))
	if u := s.identityUser("778"); u.ID == victim.ID || u.PrimaryEmail != "" {
		t.Errorf("linked with linking off, or took the victim's email: %+v", u)
	}
}

func TestSocialSignInOnlyRefusesNewAccounts(t *testing.T) {
	s := newSocialEnv(t, `{"socialSignInConnectorTargets": ["patreon"], "signInMode": "SignIn"}`)
	before := s.users()
	st := s.signIn(testenv.Browser(), nil)
	if st.status != 200 || !strings.Contains(st.body, "No account here is linked to this Patreon account") {
		t.Fatalf("sign-in only: %d %s\n%s", st.status, st.url, st.body)
	}
	if s.users() != before {
		t.Error("a user was created")
	}
}

func TestSocialAccessDenied(t *testing.T) {
	s := newSocialEnv(t, "")
	s.fake.Set(func(f *patreontest.Fake) { f.Deny = true })
	before := s.users()
	st := s.signIn(testenv.Browser(), nil)
	if st.status != 200 || st.url.Path != "/sign-in" || !strings.Contains(st.body, "You cancelled signing in with Patreon.") ||
		!strings.Contains(st.body, "Continue with Patreon") {
		t.Fatalf("access denied: %d %s\n%s", st.status, st.url, st.body)
	}
	if s.users() != before {
		t.Error("a user was created")
	}
	if _, err := s.e.D.Store.GetIdentity(context.Background(), "patreon", "32187"); err == nil {
		t.Error("an identity was created")
	}
}

func isCallback(u *url.URL) bool { return strings.HasPrefix(u.Path, "/callback/") }

func TestSocialStateReplayAndOtherBrowser(t *testing.T) {
	s := newSocialEnv(t, "")
	b := testenv.Browser()
	cb := s.signIn(b, isCallback)
	if !isCallback(cb.url) {
		t.Fatalf("stopped at %s", cb.url)
	}
	// Another browser (no interaction cookie) cannot finish it.
	other := s.walk(testenv.Browser(), cb.url.String(), nil)
	if other.status != http.StatusBadRequest || !strings.Contains(other.body, "started in another browser") {
		t.Fatalf("other browser: %d\n%s", other.status, other.body)
	}
	if _, err := s.e.D.Store.GetIdentity(context.Background(), "patreon", "32187"); err == nil {
		t.Error("the other browser created an identity")
	}
	// The state was consumed by that attempt: the original browser starts over.
	replay := s.walk(b, cb.url.String(), nil)
	if replay.status != http.StatusBadRequest || !strings.Contains(replay.body, "already used or expired") {
		t.Fatalf("replay: %d\n%s", replay.status, replay.body)
	}
	// A clean run, then its callback replayed.
	b = testenv.Browser()
	cb = s.signIn(b, isCallback)
	wantCode(t, s.walk(b, cb.url.String(), nil))
	replay = s.walk(b, cb.url.String(), nil)
	if replay.status != http.StatusBadRequest || !strings.Contains(replay.body, "already used or expired") {
		t.Fatalf("replay after success: %d\n%s", replay.status, replay.body)
	}
	// Unknown state.
	bad := s.walk(b, s.e.Endpoint+"/callback/"+s.cid+"?state=forged&code=x", nil)
	if bad.status != http.StatusBadRequest {
		t.Errorf("forged state: %d", bad.status)
	}
}

func TestSocialFormPostCallback(t *testing.T) {
	s := newSocialEnv(t, "")
	b := testenv.Browser()
	cb := s.signIn(b, isCallback)
	resp, err := b.PostForm(s.e.Endpoint+cb.url.Path, cb.url.Query())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := cb.url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc.Path != cb.url.Path || loc.Query().Get("state") != cb.url.Query().Get("state") {
		t.Fatalf("form_post: %d %s", resp.StatusCode, loc)
	}
	wantCode(t, s.walk(b, loc.String(), nil))
}

func TestSocialMismatchingRedirectShowsAdminHint(t *testing.T) {
	s := newSocialEnv(t, "")
	s.fake.Set(func(f *patreontest.Fake) { f.RegisteredRedirectURI = "http://localhost:3000/wrong" })
	st := s.signIn(testenv.Browser(), nil)
	want := s.e.Endpoint + "/callback/" + s.cid
	if st.status != http.StatusBadRequest || !strings.Contains(st.body, want) {
		t.Fatalf("mismatching redirect: %d (want hint %s)\n%s", st.status, want, st.body)
	}
	if s.users() != 0 {
		t.Error("a user was created")
	}
}

func TestSocialUpstreamDown(t *testing.T) {
	s := newSocialEnv(t, "")
	s.fake.Set(func(f *patreontest.Fake) { f.TokenStatus, f.TokenBody = 503, "down" })
	st := s.signIn(testenv.Browser(), nil)
	if st.status >= 500 || st.status < 400 || !strings.Contains(st.body, "not responding") {
		t.Fatalf("upstream down: %d\n%s", st.status, st.body)
	}
}

func TestSocialStartNeedsInteraction(t *testing.T) {
	s := newSocialEnv(t, "")
	st := s.walk(testenv.Browser(), s.e.Endpoint+"/sign-in/social/patreon", nil)
	if st.status != http.StatusBadRequest {
		t.Errorf("no interaction: %d", st.status)
	}
	b := testenv.Browser()
	s.walk(b, s.authURL(), nil)
	if st := s.walk(b, s.e.Endpoint+"/sign-in/social/google", nil); st.status != http.StatusNotFound {
		t.Errorf("unknown target: %d", st.status)
	}
}

func accountNewUser(username, email string) account.NewUser {
	return account.NewUser{Username: username, Password: "correct horse battery", PrimaryEmail: email}
}
