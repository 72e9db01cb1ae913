package oidc

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
)

const (
	issuer   = "https://idp.example.com/tenant"
	clientID = "oidc-client"
	secret   = "oidc-secret-0123456789-0123456789"
	sub      = "user-42"
)

type fakeIdP struct {
	t      *testing.T
	signer *ct.Signer
	// idToken overrides the ID token (nil: a valid one).
	idToken     func() string
	discIssuer  string
	userinfoSub string
}

func (f *fakeIdP) handler(u *ct.Upstream) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tenant/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve("discovery", w, r) {
			return
		}
		iss := issuer
		if f.discIssuer != "" {
			iss = f.discIssuer
		}
		ct.WriteJSON(w, 200, map[string]any{
			"issuer": iss, "authorization_endpoint": issuer + "/authorize", "token_endpoint": issuer + "/token",
			"userinfo_endpoint": issuer + "/userinfo", "jwks_uri": issuer + "/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256", "HS256", "none"},
			"response_types_supported":              []string{"code"}, "subject_types_supported": []string{"public"},
		})
	})
	mux.HandleFunc("GET /tenant/jwks", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve("jwks", w, r) {
			return
		}
		f.signer.ServeJWKS(w)
	})
	mux.HandleFunc("POST /tenant/token", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve(ct.TokenEndpoint, w, r) {
			return
		}
		if r.PostForm.Get("code") != ct.Code {
			ct.WriteJSON(w, 400, map[string]any{"error": "invalid_grant"})
			return
		}
		idt := ""
		if f.idToken != nil {
			idt = f.idToken()
		} else {
			c := ct.IDClaims(issuer, clientID, sub, ct.Nonce)
			c["email"] = "ada@example.com"
			c["email_verified"] = true
			idt = f.signer.Sign(f.t, c)
		}
		ct.WriteJSON(w, 200, map[string]any{"access_token": ct.AccessToken, "token_type": "Bearer", "expires_in": 3600, "id_token": idt})
	})
	mux.HandleFunc("GET /tenant/userinfo", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve("userinfo", w, r) || !ct.BearerOK(w, r) {
			return
		}
		s := sub
		if f.userinfoSub != "" {
			s = f.userinfoSub
		}
		ct.WriteJSON(w, 200, map[string]any{"sub": s, "name": "Ada Lovelace", "picture": "https://idp.example.com/ada.png",
			"email": "ada@example.com", "email_verified": true})
	})
	return mux
}

func oidcCase(f *fakeIdP) ct.Case {
	return ct.Case{
		FactoryID: FactoryID, Target: "oidc", Standard: true,
		Config: func(string) map[string]any {
			return map[string]any{"issuer": issuer, "clientId": clientID, "clientSecret": secret}
		},
		Fake:          f.handler,
		AuthorizePath: "/tenant/authorize", Scope: DefaultScope, PKCE: true, Nonce: true,
		AuthorizeExtra: map[string]string{"ui_locales": "ja"},
		TokenPath:      "/tenant/token", ClientAuth: ct.AuthBasic,
		Endpoints: []string{ct.TokenEndpoint, "userinfo"},
		Want:      connector.Profile{ID: sub, Email: "ada@example.com", EmailVerified: true, Name: "Ada Lovelace", Avatar: "https://idp.example.com/ada.png"},
	}
}

func TestOIDC(t *testing.T) {
	ct.Run(t, oidcCase(&fakeIdP{t: t, signer: ct.NewSigner(t)}))
}

func TestOIDCRejectsBadIDTokens(t *testing.T) {
	signer, other := ct.NewSigner(t), ct.NewSigner(t)
	valid := func() map[string]any { return ct.IDClaims(issuer, clientID, sub, ct.Nonce) }
	with := func(k string, v any) map[string]any { c := valid(); c[k] = v; return c }
	cases := map[string]struct {
		tok  func() string
		want connector.Code
	}{
		"wrong nonce":    {func() string { return signer.Sign(t, with("nonce", "other")) }, connector.AuthorizationFailed},
		"no nonce":       {func() string { c := valid(); delete(c, "nonce"); return signer.Sign(t, c) }, connector.AuthorizationFailed},
		"wrong audience": {func() string { return signer.Sign(t, with("aud", "someone-else")) }, connector.AuthorizationFailed},
		"wrong issuer":   {func() string { return signer.Sign(t, with("iss", "https://evil.example.com")) }, connector.AuthorizationFailed},
		"expired":        {func() string { return signer.Sign(t, with("exp", time.Now().Add(-time.Hour).Unix())) }, connector.AuthorizationFailed},
		"alg none":       {func() string { return ct.Unsigned(valid()) }, connector.AuthorizationFailed},
		"HS256 with client secret": {func() string {
			return ct.SignWith(t, jose.HS256, []byte(secret), signer.KID, valid())
		}, connector.AuthorizationFailed},
		"other key, same kid": {func() string { return ct.SignWith(t, jose.RS256, other.Key, signer.KID, valid()) }, connector.AuthorizationFailed},
		"other key":           {func() string { return other.Sign(t, valid()) }, connector.AuthorizationFailed},
		"garbage":             {func() string { return "not.a.jwt" }, connector.AuthorizationFailed},
		"missing":             {func() string { return "" }, connector.InvalidResponse},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, s := ct.Start(t, oidcCase(&fakeIdP{t: t, signer: signer, idToken: tc.tok}))
			p, err := s.UserInfo(context.Background(), ct.Callback())
			if err == nil {
				t.Fatalf("accepted: %+v", p)
			}
			ct.WantCode(t, err, tc.want)
		})
	}
}

func TestOIDCUserInfoOfAnotherUser(t *testing.T) {
	_, s := ct.Start(t, oidcCase(&fakeIdP{t: t, signer: ct.NewSigner(t), userinfoSub: "someone-else"}))
	_, err := s.UserInfo(context.Background(), ct.Callback())
	ct.WantCode(t, err, connector.InvalidResponse)
}

func TestOIDCDiscoveryFailures(t *testing.T) {
	signer := ct.NewSigner(t)
	t.Run("issuer mismatch", func(t *testing.T) {
		_, s := ct.Start(t, oidcCase(&fakeIdP{t: t, signer: signer, discIssuer: "https://other.example.com"}))
		_, err := s.AuthorizationURL(context.Background(), ct.AuthRequest())
		ct.WantCode(t, err, connector.InvalidConfig)
	})
	for _, ep := range []string{"discovery", "jwks"} {
		for _, m := range ct.Modes {
			want := ct.Expected(ep, m)
			switch {
			case ep == "discovery" && (m == ct.BadRequest || m == ct.Unauthorized):
				want = connector.InvalidConfig
			case ep == "jwks" && m != ct.Malformed:
				want = connector.Unavailable // go-oidc hides the status of the key fetch
			}
			t.Run(ep+"/"+string(m), func(t *testing.T) {
				u, s := ct.Start(t, oidcCase(&fakeIdP{t: t, signer: signer}))
				u.Set(ep, m)
				_, err := s.UserInfo(context.Background(), ct.Callback())
				ct.WantCode(t, err, want)
			})
		}
	}
}

func TestOIDCConfig(t *testing.T) {
	f, _ := connector.Lookup(FactoryID)
	for _, cfg := range []map[string]any{
		{"issuer": "not a url", "clientId": "a", "clientSecret": "b"},
		{"issuer": issuer, "clientId": "a", "clientSecret": "b", "tokenEndpointAuthMethod": "private_key_jwt"},
		{"issuer": issuer, "clientId": "a", "clientSecret": "b", "pkce": "yes"},
	} {
		_, err := f.NewSocial(cfg, ct.Env("http://127.0.0.1:1"))
		ct.WantCode(t, err, connector.InvalidConfig)
	}
	// "openid" is always requested.
	s, err := f.NewSocial(map[string]any{"issuer": issuer, "clientId": "a", "clientSecret": "b", "scope": "email"}, ct.Env("http://127.0.0.1:1"))
	if err != nil || s.(*conn).scope != "openid email" {
		t.Fatalf("scope: %v %v", err, s)
	}
}
