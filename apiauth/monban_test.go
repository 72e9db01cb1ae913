package apiauth_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/monban-dev/monban/apiauth"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/testenv"
)

// The accept path against a real Monban deployment: tokens Monban issues
// for a registered API resource (client_credentials and the authorization
// code flow) pass; Monban's own tokens for another audience and its ID
// tokens do not.
func TestMonbanTokensSQLite(t *testing.T) {
	testMonbanTokens(t, testenv.New(t, testenv.Options{}))
}

func TestMonbanTokensPostgres(t *testing.T) {
	testMonbanTokens(t, testenv.New(t, testenv.Options{Postgres: storetesting.PostgresDSN(t)}))
}

func tokenRequest(t *testing.T, env *testenv.Env, form url.Values, id, secret string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, env.Issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if resp.StatusCode != 200 || json.Unmarshal(body, &out) != nil {
		t.Fatalf("token %v: %d %s", form, resp.StatusCode, body)
	}
	return out
}

func testMonbanTokens(t *testing.T, env *testenv.Env) {
	ctx := context.Background()
	const api, other = "https://api.bookstore.example", "https://api.other.example"
	env.Resource(api)
	env.Resource(other)
	m2m, m2mSecret := env.App(store.AppMachineToMachine)

	v, err := apiauth.New(ctx, apiauth.Config{Issuer: env.Issuer, Audience: api})
	if err != nil {
		t.Fatal(err)
	}
	if v.JWKSURL() != env.Issuer+"/jwks" {
		t.Fatalf("discovered %q", v.JWKSURL())
	}

	cc := func(resource string) string {
		form := url.Values{"grant_type": {"client_credentials"}}
		if resource != "" {
			form.Set("resource", resource)
		}
		return tokenRequest(t, env, form, m2m.ID, m2mSecret)["access_token"].(string)
	}

	// client_credentials for our API: accepted, by Validate and Require().
	tok := cc(api)
	c, err := v.Validate(ctx, tok)
	if err != nil {
		t.Fatalf("client_credentials token: %v", err)
	}
	if c.Subject != m2m.ID || c.ClientID != m2m.ID || c.Issuer != env.Issuer || len(c.Audience) != 1 || c.Audience[0] != api || c.ID == "" {
		t.Fatalf("claims %+v", c)
	}
	if rec := serve(v, []string{"Bearer " + tok}); rec.Code != 200 || rec.Body.String() != "hello "+m2m.ID {
		t.Fatalf("Require(): %d %s", rec.Code, rec.Body)
	}
	// The application has no role granting read:books, so Monban's token
	// carries no scope and a route requiring it answers 403.
	if rec := serve(v, []string{"Bearer " + tok}, "read:books"); rec.Code != 403 ||
		!strings.Contains(rec.Header().Get("WWW-Authenticate"), `scope="read:books"`) {
		t.Fatalf("Require(read:books): %d %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}

	// Monban's tokens for another resource, or for no resource (aud = the
	// client id), are refused.
	for name, tok := range map[string]string{"other resource": cc(other), "no resource": cc("")} {
		if _, err := v.Validate(ctx, tok); !errors.Is(err, apiauth.ErrInvalidToken) || !strings.Contains(err.Error(), "aud") {
			t.Errorf("%s: %v", name, err)
		}
		if rec := serve(v, []string{"Bearer " + tok}); rec.Code != 401 {
			t.Errorf("%s: Require: %d", name, rec.Code)
		}
	}

	// A user's token from the authorization code flow, with the resource:
	// accepted, sub = the user. The ID token of the same flow is refused,
	// even by a Validator whose audience is the client id (typ is JWT).
	const redirect = "http://localhost:3000/callback"
	web, webSecret := env.App(store.AppTraditional, redirect)
	alice := env.User("alice", "correct horse battery")
	q := url.Values{"client_id": {web.ID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"s"}, "resource": {api}}
	cb, err := env.Authorize(testenv.Browser(), env.Issuer+"/auth?"+q.Encode(), "alice", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	out := tokenRequest(t, env, url.Values{"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")},
		"redirect_uri": {redirect}, "resource": {api}}, web.ID, webSecret)
	c, err = v.Validate(ctx, out["access_token"].(string))
	if err != nil {
		t.Fatalf("user token: %v", err)
	}
	if c.Subject != alice.ID || c.ClientID != web.ID {
		t.Fatalf("user token claims %+v", c)
	}
	idToken, _ := out["id_token"].(string)
	if idToken == "" {
		t.Fatalf("no id_token: %v", out)
	}
	forClient, err := apiauth.New(ctx, apiauth.Config{Issuer: env.Issuer, Audience: web.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := forClient.Validate(ctx, idToken); !errors.Is(err, apiauth.ErrInvalidToken) || !strings.Contains(err.Error(), "typ") {
		t.Fatalf("ID token: %v", err)
	}

	// A Validator for another issuer refuses Monban's tokens; discovery
	// already refuses the mismatch, so give it the JWKS URL directly.
	wrongIss, err := apiauth.New(ctx, apiauth.Config{Issuer: env.Endpoint, Audience: api, JWKSURL: env.Issuer + "/jwks"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrongIss.Validate(ctx, tok); !errors.Is(err, apiauth.ErrInvalidToken) || !strings.Contains(err.Error(), "iss") {
		t.Fatalf("wrong issuer: %v", err)
	}

	// Key rotation: Monban publishes its next key before signing with it,
	// so tokens signed after a rotation validate with the keys fetched at
	// start.
	if _, err := env.D.Keys.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	tok2 := cc(api)
	if kid(t, tok2) == kid(t, tok) {
		t.Fatal("rotation did not change the signing key")
	}
	if _, err := v.Validate(ctx, tok2); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	if _, err := v.Validate(ctx, tok); err != nil {
		t.Fatalf("token of the retired key: %v", err)
	}
}

func kid(t *testing.T, tok string) string {
	t.Helper()
	h, err := base64URLDecode(strings.Split(tok, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var hdr struct {
		Kid string `json:"kid"`
	}
	json.Unmarshal(h, &hdr)
	return hdr.Kid
}

func base64URLDecode(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
