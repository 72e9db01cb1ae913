package gitlab

import (
	"context"
	"net/http"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
)

func fake(prefix string, user map[string]any) func(u *ct.Upstream) http.Handler {
	return func(u *ct.Upstream) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST "+prefix+"/oauth/token", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve(ct.TokenEndpoint, w, r) {
				return
			}
			if r.PostForm.Get("code") != ct.Code {
				ct.WriteJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."})
				return
			}
			ct.WriteJSON(w, 200, map[string]any{"access_token": ct.AccessToken, "token_type": "Bearer", "expires_in": 7200,
				"refresh_token": "r", "scope": "read_user", "created_at": 1607635748})
		})
		mux.HandleFunc("GET "+prefix+"/api/v4/user", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve("user", w, r) || !ct.BearerOK(w, r) {
				return
			}
			ct.WriteJSON(w, 200, user)
		})
		return mux
	}
}

var john = map[string]any{"id": 1, "username": "john_smith", "name": "John Smith", "state": "active",
	"avatar_url": "https://gitlab.com/uploads/-/system/user/avatar/1/avatar.png", "web_url": "https://gitlab.com/john_smith",
	"email": "john@example.com", "confirmed_at": "2012-05-23T09:05:22Z"}

func gitlabCase(prefix string, config map[string]any, user map[string]any, want connector.Profile) ct.Case {
	return ct.Case{
		FactoryID: FactoryID, Target: "gitlab",
		Config: func(string) map[string]any {
			c := map[string]any{"clientId": "gl-app-id", "clientSecret": "gloas-secret"}
			for k, v := range config {
				c[k] = v
			}
			return c
		},
		Fake:          fake(prefix, user),
		AuthorizePath: prefix + "/oauth/authorize", Scope: DefaultScope, PKCE: true,
		TokenPath: prefix + "/oauth/token", ClientAuth: ct.AuthBody,
		Endpoints: []string{ct.TokenEndpoint, "user"},
		Want:      want,
	}
}

var johnProfile = connector.Profile{ID: "1", Email: "john@example.com", EmailVerified: true, Name: "John Smith",
	Avatar: "https://gitlab.com/uploads/-/system/user/avatar/1/avatar.png"}

func TestGitLab(t *testing.T) { ct.Run(t, gitlabCase("", nil, john, johnProfile)) }

func TestGitLabSelfManaged(t *testing.T) {
	ct.Run(t, gitlabCase("/gitlab", map[string]any{"baseUrl": "https://git.example.org/gitlab/"}, john, johnProfile))
}

func TestGitLabUnconfirmedEmail(t *testing.T) {
	user := map[string]any{"id": 2, "username": "jane", "name": "", "email": "jane@example.com", "confirmed_at": nil}
	_, s := ct.Start(t, gitlabCase("", nil, user, connector.Profile{}))
	p, err := s.UserInfo(context.Background(), ct.Callback())
	if err != nil {
		t.Fatal(err)
	}
	if p.EmailVerified || p.Name != "jane" {
		t.Fatalf("%+v", p)
	}
	f, _ := connector.Lookup(FactoryID)
	_, err = f.NewSocial(map[string]any{"clientId": "a", "clientSecret": "b", "baseUrl": "git.example.org"}, ct.Env("http://127.0.0.1:1"))
	ct.WantCode(t, err, connector.InvalidConfig)
}
