package x

import (
	"net/http"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
)

func fake(u *ct.Upstream) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve(ct.TokenEndpoint, w, r) {
			return
		}
		if r.PostForm.Get("code") != ct.Code || r.PostForm.Get("code_verifier") != ct.CodeVerifier {
			ct.WriteJSON(w, 400, map[string]any{"error": "invalid_request", "error_description": "Value passed for the authorization code was invalid."})
			return
		}
		ct.WriteJSON(w, 200, map[string]any{"token_type": "bearer", "expires_in": 7200, "access_token": ct.AccessToken, "scope": "users.read tweet.read"})
	})
	mux.HandleFunc("GET /2/users/me", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve("me", w, r) {
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+ct.AccessToken {
			ct.WriteJSON(w, 401, map[string]any{"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})
			return
		}
		ct.WriteJSON(w, 200, map[string]any{"data": map[string]any{"id": "2244994945", "name": "Developers", "username": "XDevelopers",
			"profile_image_url": "https://pbs.twimg.com/profile_images/1/x_normal.jpg"}})
	})
	return mux
}

func TestX(t *testing.T) {
	c := ct.Case{
		FactoryID: FactoryID, Target: "x",
		Config: func(string) map[string]any {
			return map[string]any{"clientId": "x-client", "clientSecret": "x-secret"}
		},
		Fake:          fake,
		AuthorizePath: "/i/oauth2/authorize", Scope: DefaultScope, PKCE: true,
		TokenPath: "/2/oauth2/token", ClientAuth: ct.AuthBasic,
		Endpoints: []string{ct.TokenEndpoint, "me"},
		Want:      connector.Profile{ID: "2244994945", Name: "Developers", Avatar: "https://pbs.twimg.com/profile_images/1/x_normal.jpg"},
	}
	ct.Run(t, c)
}
