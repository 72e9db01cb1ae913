package apple

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/monban-dev/monban/internal/connector"
	ct "github.com/monban-dev/monban/internal/connector/connectortest"
)

const (
	servicesID = "com.example.signin"
	teamID     = "ABCDE12345"
	keyID      = "XYZ987WVU6"
	sub        = "001234.abcdef0123456789abcdef0123456789.0123"
)

func p8(t *testing.T) (*ecdsa.PrivateKey, string) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func checkSecret(t *testing.T, pub *ecdsa.PublicKey, raw string) {
	t.Helper()
	jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatalf("client_secret is not an ES256 JWT: %v", err)
	}
	if kid := jws.Signatures[0].Header.KeyID; kid != keyID {
		t.Errorf("client_secret kid %q", kid)
	}
	payload, err := jws.Verify(pub)
	if err != nil {
		t.Fatalf("client_secret signature: %v", err)
	}
	var c struct {
		Iss, Aud, Sub string
		Iat, Exp      int64
	}
	_ = json.Unmarshal(payload, &c)
	now := time.Now().Unix()
	if c.Iss != teamID || c.Aud != "https://appleid.apple.com" || c.Sub != servicesID || c.Iat > now+5 || c.Exp <= now || c.Exp-c.Iat > 15777000 {
		t.Errorf("client_secret claims %+v", c)
	}
}

func fake(t *testing.T, pub *ecdsa.PublicKey, emailVerified any) func(u *ct.Upstream) http.Handler {
	signer := ct.NewSigner(t)
	return func(u *ct.Upstream) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /auth/token", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve(ct.TokenEndpoint, w, r) {
				return
			}
			if r.PostForm.Get("code") != ct.Code {
				ct.WriteJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "The code has expired or has been revoked."})
				return
			}
			if _, err := jose.ParseSigned(r.PostForm.Get("client_secret"), []jose.SignatureAlgorithm{jose.ES256}); err != nil {
				ct.WriteJSON(w, 400, map[string]any{"error": "invalid_client"})
				return
			}
			c := ct.IDClaims(Issuer, servicesID, sub, ct.Nonce)
			c["email"], c["email_verified"], c["is_private_email"], c["nonce_supported"] = "abc123@privaterelay.appleid.com", emailVerified, "true", true
			ct.WriteJSON(w, 200, map[string]any{"access_token": ct.AccessToken, "token_type": "Bearer", "expires_in": 3600,
				"refresh_token": "r", "id_token": signer.Sign(t, c)})
		})
		mux.HandleFunc("GET /auth/keys", func(w http.ResponseWriter, r *http.Request) {
			if u.Serve("jwks", w, r) {
				return
			}
			signer.ServeJWKS(w)
		})
		return mux
	}
}

func appleCase(t *testing.T, emailVerified any, want connector.Profile) ct.Case {
	key, pemKey := p8(t)
	return ct.Case{
		FactoryID: FactoryID, Target: "apple",
		Config: func(string) map[string]any {
			return map[string]any{"clientId": servicesID, "teamId": teamID, "keyId": keyID, "privateKey": pemKey}
		},
		Fake:          fake(t, &key.PublicKey, emailVerified),
		AuthorizePath: "/auth/authorize", Scope: DefaultScope, Nonce: true,
		AuthorizeExtra: map[string]string{"response_mode": "form_post", "locale": "ja"},
		TokenPath:      "/auth/token", ClientAuth: ct.AuthBody,
		SecretItem: "privateKey", SecretItemType: connector.MultilineText,
		CheckSecret: func(t *testing.T, got string) { checkSecret(t, &key.PublicKey, got) },
		Endpoints:   []string{ct.TokenEndpoint},
		Want:        want,
	}
}

func TestApple(t *testing.T) {
	ct.Run(t, appleCase(t, "true", connector.Profile{ID: sub, Email: "abc123@privaterelay.appleid.com", EmailVerified: true}))
}

func TestAppleFirstAuthorizationName(t *testing.T) {
	_, s := ct.Start(t, appleCase(t, true, connector.Profile{}))
	cb := ct.Callback()
	// form_post: Apple posts code, state, id_token and (first time) user.
	cb.Params.Set("id_token", "ignored.unverified.token")
	cb.Params.Set("user", `{"name":{"firstName":"Taro","lastName":"Yamada"},"email":"abc123@privaterelay.appleid.com"}`)
	p, err := s.UserInfo(context.Background(), cb)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Taro Yamada" || !p.EmailVerified {
		t.Fatalf("%+v", p)
	}
}

func TestAppleCancelledAndBadKey(t *testing.T) {
	_, s := ct.Start(t, appleCase(t, "true", connector.Profile{}))
	cb := ct.Callback()
	cb.Params.Del("code")
	cb.Params.Set("error", "user_cancelled_authorize")
	_, err := s.UserInfo(context.Background(), cb)
	ct.WantCode(t, err, connector.AccessDenied)

	f, _ := connector.Lookup(FactoryID)
	_, err = f.NewSocial(map[string]any{"clientId": "a", "teamId": "b", "keyId": "c", "privateKey": "not a key"}, ct.Env("http://127.0.0.1:1"))
	ct.WantCode(t, err, connector.InvalidConfig)
}
