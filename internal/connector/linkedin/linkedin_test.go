package linkedin

import (
	"net/http"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
)

func fake(u *ct.Upstream) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/v2/accessToken", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve(ct.TokenEndpoint, w, r) {
			return
		}
		if r.PostForm.Get("code") != ct.Code {
			ct.WriteJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "The provided authorization grant or refresh token is invalid, expired or revoked."})
			return
		}
		ct.WriteJSON(w, 200, map[string]any{"access_token": ct.AccessToken, "expires_in": 5183999, "scope": "email,openid,profile",
			"token_type": "Bearer", "id_token": "eyJ.unused.sig"})
	})
	mux.HandleFunc("GET /v2/userinfo", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve("userinfo", w, r) || !ct.BearerOK(w, r) {
			return
		}
		ct.WriteJSON(w, 200, map[string]any{"sub": "782bbtaQ", "name": "John Doe", "given_name": "John", "family_name": "Doe",
			"picture": "https://media.licdn-ei.com/dms/image/C5F03AQHqK8v7tB1HCQ/profile-displayphoto-shrink_100_100/0/", "locale": "en-US",
			"email": "doe@email.com", "email_verified": true})
	})
	return mux
}

func TestLinkedIn(t *testing.T) {
	ct.Run(t, ct.Case{
		FactoryID: FactoryID, Target: "linkedin",
		Config: func(string) map[string]any {
			return map[string]any{"clientId": "86abcd", "clientSecret": "li-secret"}
		},
		Fake:          fake,
		AuthorizePath: "/oauth/v2/authorization", Scope: DefaultScope,
		TokenPath: "/oauth/v2/accessToken", ClientAuth: ct.AuthBody,
		Endpoints: []string{ct.TokenEndpoint, "userinfo"},
		Want: connector.Profile{ID: "782bbtaQ", Email: "doe@email.com", EmailVerified: true, Name: "John Doe",
			Avatar: "https://media.licdn-ei.com/dms/image/C5F03AQHqK8v7tB1HCQ/profile-displayphoto-shrink_100_100/0/"},
	})
}
