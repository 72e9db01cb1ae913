package slack

import (
	"context"
	"net/http"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
)

const clientID = "2426087466.4255301423"

type knobs struct{ tokenErr, userErr string }

func fake(t *testing.T, k *knobs) func(u *ct.Upstream) http.Handler {
	signer := ct.NewSigner(t)
	return func(u *ct.Upstream) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /api/openid.connect.token", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve(ct.TokenEndpoint, w, r) {
				return
			}
			if k.tokenErr != "" {
				ct.WriteJSON(w, 200, map[string]any{"ok": false, "error": k.tokenErr})
				return
			}
			if r.PostForm.Get("code") != ct.Code {
				ct.WriteJSON(w, 400, map[string]any{"error": "invalid_grant"})
				return
			}
			c := ct.IDClaims(Issuer, clientID, "U0R7JM", ct.Nonce)
			c["https://slack.com/team_id"] = "T0R7GR"
			ct.WriteJSON(w, 200, map[string]any{"ok": true, "access_token": ct.AccessToken, "token_type": "Bearer", "id_token": signer.Sign(t, c)})
		})
		mux.HandleFunc("GET /api/openid.connect.userInfo", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve("userinfo", w, r) {
				return
			}
			if k.userErr != "" {
				ct.WriteJSON(w, 200, map[string]any{"ok": false, "error": k.userErr})
				return
			}
			if !ct.BearerOK(w, r) {
				return
			}
			ct.WriteJSON(w, 200, map[string]any{"ok": true, "sub": "U0R7JM", "https://slack.com/user_id": "U0R7JM",
				"https://slack.com/team_id": "T0R7GR", "email": "krane@slack-corp.com", "email_verified": true,
				"date_email_verified": 1622128723, "name": "krane", "picture": "https://secure.gravatar.com/avatar/krane.jpg",
				"given_name": "Bront", "family_name": "Labradoodle", "locale": "en-US"})
		})
		mux.HandleFunc("GET /openid/connect/keys", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve("jwks", w, r) {
				return
			}
			signer.ServeJWKS(w)
		})
		return mux
	}
}

func slackCase(t *testing.T, k *knobs) ct.Case {
	return ct.Case{
		FactoryID: FactoryID, Target: "slack",
		Config: func(string) map[string]any {
			return map[string]any{"clientId": clientID, "clientSecret": "slack-secret"}
		},
		Fake:          fake(t, k),
		AuthorizePath: "/openid/connect/authorize", Scope: DefaultScope, Nonce: true,
		TokenPath: "/api/openid.connect.token", ClientAuth: ct.AuthBody,
		Endpoints: []string{ct.TokenEndpoint, "userinfo"},
		Want: connector.Profile{ID: "U0R7JM", Email: "krane@slack-corp.com", EmailVerified: true, Name: "krane",
			Avatar: "https://secure.gravatar.com/avatar/krane.jpg"},
	}
}

func TestSlack(t *testing.T) { ct.Run(t, slackCase(t, &knobs{})) }

func TestSlackOkFalse(t *testing.T) {
	for _, tc := range []struct {
		k    knobs
		want connector.Code
	}{
		{knobs{tokenErr: "invalid_code"}, connector.AuthorizationFailed},
		{knobs{tokenErr: "bad_client_secret"}, connector.InvalidConfig},
		{knobs{tokenErr: "bad_redirect_uri"}, connector.InvalidRequest},
		{knobs{tokenErr: "ratelimited"}, connector.RateLimited},
		{knobs{userErr: "invalid_auth"}, connector.AuthorizationFailed},
		{knobs{userErr: "something_new"}, connector.InvalidResponse},
	} {
		t.Run(tc.k.tokenErr+tc.k.userErr, func(t *testing.T) {
			k := tc.k
			_, s := ct.Start(t, slackCase(t, &k))
			_, err := s.UserInfo(context.Background(), ct.Callback())
			ct.WantCode(t, err, tc.want)
		})
	}
}
