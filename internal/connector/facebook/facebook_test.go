package facebook

import (
	"context"
	"net/http"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
)

func fake(u *ct.Upstream) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /"+GraphVersion+"/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve(ct.TokenEndpoint, w, r) {
			return
		}
		switch r.PostForm.Get("code") {
		case ct.Code:
			ct.WriteJSON(w, 200, map[string]any{"access_token": ct.AccessToken, "token_type": "bearer", "expires_in": 5183944})
		case "mismatch":
			ct.WriteJSON(w, 400, map[string]any{"error": map[string]any{"message": "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
				"type": "OAuthException", "code": 100, "error_subcode": 36008, "fbtrace_id": "A1"}})
		case "badsecret":
			ct.WriteJSON(w, 400, map[string]any{"error": map[string]any{"message": "Error validating client secret.", "type": "OAuthException", "code": 1, "fbtrace_id": "A2"}})
		default:
			ct.WriteJSON(w, 400, map[string]any{"error": map[string]any{"message": "This authorization code has been used.", "type": "OAuthException", "code": 100, "error_subcode": 36009, "fbtrace_id": "A3"}})
		}
	})
	mux.HandleFunc("GET /"+GraphVersion+"/me", func(w http.ResponseWriter, r *http.Request) {
		if u.Serve("me", w, r) {
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+ct.AccessToken {
			ct.WriteJSON(w, 400, map[string]any{"error": map[string]any{"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})
			return
		}
		if r.URL.Query().Get("fields") != "id,name,email,picture.type(large)" {
			ct.WriteJSON(w, 400, map[string]any{"error": map[string]any{"message": "bad fields", "type": "OAuthException", "code": 100}})
			return
		}
		ct.WriteJSON(w, 200, map[string]any{"id": "10158001234567890", "name": "Mark Example", "email": "mark@example.com",
			"picture": map[string]any{"data": map[string]any{"height": 200, "width": 200, "is_silhouette": false, "url": "https://platform-lookaside.fbsbx.com/p.jpg"}}})
	})
	return mux
}

func fbCase() ct.Case {
	return ct.Case{
		FactoryID: FactoryID, Target: "facebook",
		Config: func(string) map[string]any {
			return map[string]any{"clientId": "1234567890", "clientSecret": "fb-secret"}
		},
		Fake:          fake,
		AuthorizePath: "/" + GraphVersion + "/dialog/oauth", Scope: DefaultScope,
		TokenPath: "/" + GraphVersion + "/oauth/access_token", ClientAuth: ct.AuthBody,
		Endpoints: []string{ct.TokenEndpoint, "me"},
		// Facebook does not say the email is verified.
		Want: connector.Profile{ID: "10158001234567890", Email: "mark@example.com", Name: "Mark Example", Avatar: "https://platform-lookaside.fbsbx.com/p.jpg"},
	}
}

func TestFacebook(t *testing.T) { ct.Run(t, fbCase()) }

func TestFacebookGraphErrors(t *testing.T) {
	for code, want := range map[string]connector.Code{
		"mismatch": connector.InvalidRequest, "badsecret": connector.InvalidConfig, "used": connector.AuthorizationFailed,
	} {
		t.Run(code, func(t *testing.T) {
			_, s := ct.Start(t, fbCase())
			cb := ct.Callback()
			cb.Params.Set("code", code)
			_, err := s.UserInfo(context.Background(), cb)
			ct.WantCode(t, err, want)
		})
	}
	t.Run("declined", func(t *testing.T) {
		_, s := ct.Start(t, fbCase())
		cb := ct.Callback()
		cb.Params.Del("code")
		cb.Params.Set("error", "access_denied")
		cb.Params.Set("error_reason", "user_denied")
		_, err := s.UserInfo(context.Background(), cb)
		ct.WantCode(t, err, connector.AccessDenied)
	})
}
