package discord

import (
	"context"
	"net/http"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
)

func fake(user map[string]any) func(u *ct.Upstream) http.Handler {
	return func(u *ct.Upstream) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /api/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve(ct.TokenEndpoint, w, r) {
				return
			}
			if r.PostForm.Get("code") != ct.Code {
				ct.WriteJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "Invalid \"code\" in request."})
				return
			}
			ct.WriteJSON(w, 200, map[string]any{"access_token": ct.AccessToken, "token_type": "Bearer", "expires_in": 604800,
				"refresh_token": "refresh", "scope": "identify email"})
		})
		mux.HandleFunc("GET /api/users/@me", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve("user", w, r) || !ct.BearerOK(w, r) {
				return
			}
			ct.WriteJSON(w, 200, user)
		})
		return mux
	}
}

var nelly = map[string]any{"id": "80351110224678912", "username": "nelly", "discriminator": "0", "global_name": "Nelly",
	"avatar": "8342729096ea3675442027381ff50dfe", "verified": true, "email": "nelly@discord.com", "flags": 64, "mfa_enabled": false}

func discordCase(user map[string]any, want connector.Profile) ct.Case {
	return ct.Case{
		FactoryID: FactoryID, Target: "discord",
		Config: func(string) map[string]any {
			return map[string]any{"clientId": "157730590492196864", "clientSecret": "discord-secret"}
		},
		Fake:          fake(user),
		AuthorizePath: "/oauth2/authorize", Scope: DefaultScope, PKCE: true,
		TokenPath: "/api/oauth2/token", ClientAuth: ct.AuthBody,
		Endpoints: []string{ct.TokenEndpoint, "user"},
		Want:      want,
	}
}

func TestDiscord(t *testing.T) {
	ct.Run(t, discordCase(nelly, connector.Profile{ID: "80351110224678912", Email: "nelly@discord.com", EmailVerified: true, Name: "Nelly",
		Avatar: "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png"}))
}

func TestDiscordUnverifiedNoAvatarNoGlobalName(t *testing.T) {
	user := map[string]any{"id": "1", "username": "plain", "global_name": nil, "avatar": nil, "verified": false, "email": "p@example.com"}
	_, s := ct.Start(t, discordCase(user, connector.Profile{}))
	p, err := s.UserInfo(context.Background(), ct.Callback())
	if err != nil {
		t.Fatal(err)
	}
	if p.EmailVerified || p.Email != "p@example.com" || p.Name != "plain" || p.Avatar != "" {
		t.Fatalf("%+v", p)
	}
}
