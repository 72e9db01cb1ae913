package google

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
)

const clientID = "1234-abc.apps.googleusercontent.com"

func fake(t *testing.T, signer *ct.Signer, nonce string) func(u *ct.Upstream) http.Handler {
	return func(u *ct.Upstream) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve(ct.TokenEndpoint, w, r) {
				return
			}
			if r.PostForm.Get("code") != ct.Code {
				ct.WriteJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "Bad Request"})
				return
			}
			c := ct.IDClaims(Issuer, clientID, "10769150350006150715113082367", nonce)
			c["azp"], c["email"], c["email_verified"] = clientID, "jsmith@example.com", true
			ct.WriteJSON(w, 200, map[string]any{"access_token": ct.AccessToken, "expires_in": 3599, "token_type": "Bearer",
				"scope":    "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
				"id_token": signer.Sign(t, c)})
		})
		mux.HandleFunc("GET /v1/userinfo", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve("userinfo", w, r) || !ct.BearerOK(w, r) {
				return
			}
			ct.WriteJSON(w, 200, map[string]any{"sub": "10769150350006150715113082367", "name": "Jane Smith", "given_name": "Jane",
				"family_name": "Smith", "picture": "https://lh3.googleusercontent.com/a/photo.jpg", "email": "jsmith@example.com",
				"email_verified": true, "locale": "en"})
		})
		mux.HandleFunc("GET /oauth2/v3/certs", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve("jwks", w, r) {
				return
			}
			signer.ServeJWKS(w)
		})
		return mux
	}
}

func googleCase(t *testing.T, nonce string) ct.Case {
	return ct.Case{
		FactoryID: FactoryID, Target: "google",
		Config: func(string) map[string]any {
			return map[string]any{"clientId": clientID, "clientSecret": "GOCSPX-secret"}
		},
		Fake:          fake(t, ct.NewSigner(t), nonce),
		AuthorizePath: "/o/oauth2/v2/auth", Scope: DefaultScope, PKCE: true, Nonce: true,
		AuthorizeExtra: map[string]string{"hl": "ja"},
		TokenPath:      "/token", ClientAuth: ct.AuthBody,
		Endpoints: []string{ct.TokenEndpoint, "userinfo"},
		Want: connector.Profile{ID: "10769150350006150715113082367", Email: "jsmith@example.com", EmailVerified: true,
			Name: "Jane Smith", Avatar: "https://lh3.googleusercontent.com/a/photo.jpg"},
	}
}

func TestGoogle(t *testing.T) { ct.Run(t, googleCase(t, ct.Nonce)) }

func TestGoogleNonceMismatch(t *testing.T) {
	_, s := ct.Start(t, googleCase(t, "replayed-nonce"))
	_, err := s.UserInfo(context.Background(), ct.Callback())
	ct.WantCode(t, err, connector.AuthorizationFailed)
}

func TestGooglePrompts(t *testing.T) {
	c := googleCase(t, ct.Nonce)
	c.Config = func(string) map[string]any {
		return map[string]any{"clientId": clientID, "clientSecret": "s", "prompts": []any{"consent", "select_account"}}
	}
	_, s := ct.Start(t, c)
	raw, err := s.AuthorizationURL(context.Background(), ct.AuthRequest())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(raw)
	if got := u.Query().Get("prompt"); got != "consent select_account" {
		t.Fatalf("prompt %q", got)
	}
	f, _ := connector.Lookup(FactoryID)
	_, err = f.NewSocial(map[string]any{"clientId": "a", "clientSecret": "b", "prompts": []any{"login"}}, ct.Env(u.String()))
	ct.WantCode(t, err, connector.InvalidConfig)
}
