package github

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
)

// fake speaks GitHub's wire format.
func fake(emails []map[string]any) func(u *ct.Upstream) http.Handler {
	return func(u *ct.Upstream) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /login/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve(ct.TokenEndpoint, w, r) {
				return
			}
			if r.PostForm.Get("code") != ct.Code {
				// GitHub answers 200 with an error object.
				ct.WriteJSON(w, 200, map[string]any{"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired.",
					"error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code"})
				return
			}
			if r.Header.Get("Accept") != "application/json" {
				w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
				_, _ = w.Write([]byte("access_token=" + ct.AccessToken + "&scope=read%3Auser&token_type=bearer"))
				return
			}
			ct.WriteJSON(w, 200, map[string]any{"access_token": ct.AccessToken, "scope": "read:user,user:email", "token_type": "bearer"})
		})
		mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve("user", w, r) || !ct.BearerOK(w, r) {
				return
			}
			ct.WriteJSON(w, 200, map[string]any{"login": "octocat", "id": 583231, "node_id": "MDQ6VXNlcjU4MzIzMQ==",
				"avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4", "name": "The Octocat", "email": nil, "type": "User"})
		})
		mux.HandleFunc("GET /user/emails", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve("emails", w, r) || !ct.BearerOK(w, r) {
				return
			}
			ct.WriteJSON(w, 200, emails)
		})
		return mux
	}
}

var goodEmails = []map[string]any{
	{"email": "other@example.com", "primary": false, "verified": true, "visibility": nil},
	{"email": "octocat@github.com", "primary": true, "verified": true, "visibility": "public"},
}

func ghCase(emails []map[string]any, want connector.Profile) ct.Case {
	return ct.Case{
		FactoryID: FactoryID, Target: "github",
		Config: func(string) map[string]any {
			return map[string]any{"clientId": "Iv1.client", "clientSecret": "gh-secret"}
		},
		Fake:          fake(emails),
		AuthorizePath: "/login/oauth/authorize", Scope: DefaultScope, PKCE: true,
		TokenPath: "/login/oauth/access_token", ClientAuth: ct.AuthBody,
		TokenHeaders: map[string]string{"Accept": "application/json"},
		Endpoints:    []string{ct.TokenEndpoint, "user", "emails"},
		Want:         want,
	}
}

func TestGitHub(t *testing.T) {
	ct.Run(t, ghCase(goodEmails, connector.Profile{ID: "583231", Email: "octocat@github.com", EmailVerified: true,
		Name: "The Octocat", Avatar: "https://avatars.githubusercontent.com/u/583231?v=4"}))
}

func TestGitHubUnverifiedPrimaryIgnored(t *testing.T) {
	c := ghCase([]map[string]any{
		{"email": "verified-secondary@example.com", "primary": false, "verified": true},
		{"email": "octocat@github.com", "primary": true, "verified": false},
	}, connector.Profile{})
	_, s := ct.Start(t, c)
	p, err := s.UserInfo(context.Background(), ct.Callback())
	if err != nil {
		t.Fatal(err)
	}
	if p.Email != "" || p.EmailVerified {
		t.Fatalf("email %q verified=%v; an unverified primary must not be used", p.Email, p.EmailVerified)
	}
}

func TestGitHubBadVerificationCodeIn200(t *testing.T) {
	c := ghCase(goodEmails, connector.Profile{})
	_, s := ct.Start(t, c)
	cb := ct.Callback()
	cb.Params.Set("code", "expired")
	_, err := s.UserInfo(context.Background(), cb)
	ct.WantCode(t, err, connector.AuthorizationFailed)
}

func TestGitHubCustomScope(t *testing.T) {
	c := ghCase(goodEmails, connector.Profile{})
	c.Config = func(string) map[string]any {
		return map[string]any{"clientId": "Iv1.client", "clientSecret": "gh-secret", "scope": "user:email"}
	}
	_, s := ct.Start(t, c)
	raw, err := s.AuthorizationURL(context.Background(), ct.AuthRequest())
	if err != nil {
		t.Fatal(err)
	}
	if want := "scope=user%3Aemail"; !strings.Contains(raw, want) {
		t.Fatalf("url %s lacks %s", raw, want)
	}
}
