package oauth2_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
)

// fake speaks a Patreon-like nested JSON:API format.
func fake(u *ct.Upstream) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve(ct.TokenEndpoint, w, r) {
			return
		}
		if r.PostForm.Get("code") != ct.Code {
			ct.WriteJSON(w, 400, map[string]any{"error": "invalid_grant"})
			return
		}
		ct.WriteJSON(w, 200, map[string]any{"access_token": ct.AccessToken, "token_type": "Bearer", "expires_in": 3600})
	})
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve("userinfo", w, r) || !ct.BearerOK(w, r) {
			return
		}
		ct.WriteJSON(w, 200, map[string]any{"data": map[string]any{"id": 12345678, "type": "user", "attributes": map[string]any{
			"email": "kim@example.com", "is_email_verified": true, "full_name": "Kim Example", "image_url": "https://cdn.provider.example/kim.png"}}})
	})
	return mux
}

func config(extra map[string]any) func(string) map[string]any {
	return func(string) map[string]any {
		c := map[string]any{
			"authorizationEndpoint": "https://www.provider.example/oauth/authorize",
			"tokenEndpoint":         "https://api.provider.example/oauth/token",
			"userInfoEndpoint":      "https://api.provider.example/api/me",
			"clientId":              "generic-client", "clientSecret": "generic-secret", "scope": "identity email",
			"profileMap": map[string]any{"id": "data.id", "email": "data.attributes.email", "emailVerified": "data.attributes.is_email_verified",
				"name": "data.attributes.full_name", "avatar": "data.attributes.image_url"},
		}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
}

func genericCase(extra map[string]any, auth ct.ClientAuth, pkce bool) ct.Case {
	return ct.Case{
		FactoryID: oa.FactoryID, Target: "oauth2", Standard: true,
		Config: config(extra), Fake: fake,
		AuthorizePath: "/oauth/authorize", Scope: "identity email", PKCE: pkce,
		TokenPath: "/oauth/token", ClientAuth: auth,
		Endpoints: []string{ct.TokenEndpoint, "userinfo"},
		Want: connector.Profile{ID: "12345678", Email: "kim@example.com", EmailVerified: true, Name: "Kim Example",
			Avatar: "https://cdn.provider.example/kim.png"},
	}
}

func TestGenericOAuth2(t *testing.T) {
	ct.Run(t, genericCase(nil, ct.AuthBody, true))
}

func TestGenericOAuth2BasicNoPKCE(t *testing.T) {
	t.Run("basic", func(t *testing.T) {
		c := genericCase(map[string]any{"tokenEndpointAuthMethod": "client_secret_basic", "pkce": false}, ct.AuthBasic, false)
		ct.Run(t, c)
	})
	t.Run("profileMap as a JSON string", func(t *testing.T) {
		c := genericCase(map[string]any{"profileMap": `{"id":"data.id","email":"data.attributes.email","name":"data.attributes.full_name","avatar":"data.attributes.image_url"}`}, ct.AuthBody, true)
		_, s := ct.Start(t, c)
		p, err := s.UserInfo(context.Background(), ct.Callback())
		if err != nil {
			t.Fatal(err)
		}
		if p.ID != "12345678" || p.Email != "kim@example.com" || p.EmailVerified {
			t.Fatalf("%+v (email must not be verified without an emailVerified field)", p)
		}
	})
}

func TestGenericOAuth2Config(t *testing.T) {
	f, _ := connector.Lookup(oa.FactoryID)
	for name, extra := range map[string]map[string]any{
		"relative endpoint":   {"tokenEndpoint": "/oauth/token"},
		"bad auth method":     {"tokenEndpointAuthMethod": "private_key_jwt"},
		"unknown map key":     {"profileMap": map[string]any{"id": "id", "nickname": "nick"}},
		"map without id":      {"profileMap": map[string]any{"id": "", "email": "email"}},
		"profileMap not JSON": {"profileMap": "{id"},
	} {
		_, err := f.NewSocial(config(extra)(""), ct.Env("http://127.0.0.1:1"))
		if connector.CodeOf(err) != connector.InvalidConfig {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestRedirectMismatchHint(t *testing.T) {
	// Patreon-style invalid_request "Mismatching redirect URI." tells the admin the exact URI.
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		ct.WriteJSON(w, 400, map[string]any{"error": "invalid_request", "error_description": "Mismatching redirect URI."})
	})
	c := genericCase(nil, ct.AuthBody, true)
	c.Fake = func(*ct.Upstream) http.Handler { return mux }
	_, s := ct.Start(t, c)
	_, err := s.UserInfo(context.Background(), ct.Callback())
	ct.WantCode(t, err, connector.InvalidRequest)
	var ce *connector.Error
	if e, ok := err.(*connector.Error); ok {
		ce = e
	}
	if ce == nil || ce.AdminHint != "register this exact redirect URI at the provider: "+ct.RedirectURI {
		t.Fatalf("hint: %+v", ce)
	}
}
