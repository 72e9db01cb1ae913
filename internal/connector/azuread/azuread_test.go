package azuread

import (
	"context"
	"net/http"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
)

const (
	tenant   = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	other    = "11111111-2222-3333-4444-555555555555"
	clientID = "6731de76-14a6-49ae-97bc-6eba6914391e"
	oid      = "00000000-0000-0000-66f3-3332eca7ea81"
)

func fake(t *testing.T, pathTenant, tokenTenant string, edov bool) func(u *ct.Upstream) http.Handler {
	signer := ct.NewSigner(t)
	return func(u *ct.Upstream) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /"+pathTenant+"/oauth2/v2.0/token", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve(ct.TokenEndpoint, w, r) {
				return
			}
			if r.PostForm.Get("code") != ct.Code {
				ct.WriteJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "AADSTS70008: The provided authorization code or refresh token has expired.",
					"error_codes": []int{70008}})
				return
			}
			c := ct.IDClaims("https://login.microsoftonline.com/"+tokenTenant+"/v2.0", clientID, "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", ct.Nonce)
			c["tid"], c["oid"], c["name"], c["email"], c["preferred_username"], c["ver"] = tokenTenant, oid, "Abe Lincoln", "abeli@microsoft.com", "abeli@microsoft.com", "2.0"
			if edov {
				c["xms_edov"] = true
			}
			ct.WriteJSON(w, 200, map[string]any{"token_type": "Bearer", "scope": "openid profile email", "expires_in": 3599,
				"access_token": ct.AccessToken, "id_token": signer.Sign(t, c)})
		})
		mux.HandleFunc("GET /"+pathTenant+"/discovery/v2.0/keys", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve("jwks", w, r) {
				return
			}
			signer.ServeJWKS(w)
		})
		return mux
	}
}

func entraCase(t *testing.T, cfgTenant, tokenTenant string, edov bool, want connector.Profile) ct.Case {
	return ct.Case{
		FactoryID: FactoryID, Target: "azuread",
		Config: func(string) map[string]any {
			return map[string]any{"tenantId": cfgTenant, "clientId": clientID, "clientSecret": "entra-secret"}
		},
		Fake:          fake(t, cfgTenant, tokenTenant, edov),
		AuthorizePath: "/" + cfgTenant + "/oauth2/v2.0/authorize", Scope: DefaultScope, PKCE: true, Nonce: true,
		AuthorizeExtra: map[string]string{"response_mode": "query", "ui_locales": "ja"},
		TokenPath:      "/" + cfgTenant + "/oauth2/v2.0/token", ClientAuth: ct.AuthBody,
		Endpoints: []string{ct.TokenEndpoint},
		Want:      want,
	}
}

func TestEntraID(t *testing.T) {
	ct.Run(t, entraCase(t, tenant, tenant, true, connector.Profile{ID: oid, Email: "abeli@microsoft.com", EmailVerified: true, Name: "Abe Lincoln"}))
}

func TestEntraIDCommonUnverifiedEmail(t *testing.T) {
	_, s := ct.Start(t, entraCase(t, "common", other, false, connector.Profile{}))
	p, err := s.UserInfo(context.Background(), ct.Callback())
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != oid || p.Email != "abeli@microsoft.com" || p.EmailVerified {
		t.Fatalf("%+v: Entra's email claim must not be trusted without xms_edov", p)
	}
}

func TestEntraIDTenantChecks(t *testing.T) {
	for name, c := range map[string]ct.Case{
		"other tenant":              entraCase(t, tenant, other, true, connector.Profile{}),
		"consumers, work account":   entraCase(t, "consumers", other, true, connector.Profile{}),
		"organizations, MSA tenant": entraCase(t, "organizations", "9188040d-6c67-4c5b-b112-36a304b66dad", true, connector.Profile{}),
	} {
		t.Run(name, func(t *testing.T) {
			_, s := ct.Start(t, c)
			_, err := s.UserInfo(context.Background(), ct.Callback())
			ct.WantCode(t, err, connector.AuthorizationFailed)
		})
	}
	f, _ := connector.Lookup(FactoryID)
	_, err := f.NewSocial(map[string]any{"tenantId": "../evil", "clientId": "a", "clientSecret": "b"}, ct.Env("http://127.0.0.1:1"))
	ct.WantCode(t, err, connector.InvalidConfig)
}
