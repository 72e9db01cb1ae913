package oidc

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"

	"github.com/monban-dev/monban/internal/i18n"
)

// cachedDocument is a JSON document computed once, served from memory with
// a strong ETag: the Go SDK fetches discovery on every call.
type cachedDocument struct {
	body []byte
	etag string
}

func newCachedDocument(v any) cachedDocument {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err) // a static document that cannot be encoded is a programming error
	}
	sum := sha256.Sum256(body)
	return cachedDocument{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

func (d cachedDocument) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", d.etag)
	h.Set("Access-Control-Allow-Origin", "*")
	if r.Header.Get("If-None-Match") == d.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(d.body)
}

func (p *Provider) handleDiscovery(w http.ResponseWriter, r *http.Request) { p.discovery.serve(w, r) }

// supportedScopes are the scopes Monban knows; unknown ones are ignored.
var supportedScopes = []string{"openid", "offline_access", "profile", "email", "phone", "address",
	"custom_data", "identities", "roles", "urn:logto:scope:organizations", "urn:logto:scope:organization_roles"}

// discoveryDocument is OpenID Connect Discovery 1.0 §3 / RFC 8414, with the
// members Logto's SDKs read (spec: "Discovery document: required content").
func (p *Provider) discoveryDocument() map[string]any {
	iss := p.o.Issuer
	algs := []string{"ES384"}
	if cur := p.o.Keys.Current(); cur != nil {
		algs = []string{string(cur.Algorithm)}
	}
	return map[string]any{
		"issuer":                                         iss,
		"authorization_endpoint":                         iss + "/auth",
		"token_endpoint":                                 iss + "/token",
		"userinfo_endpoint":                              iss + "/me",
		"jwks_uri":                                       iss + "/jwks",
		"end_session_endpoint":                           iss + "/session/end",
		"revocation_endpoint":                            iss + "/token/revocation",
		"introspection_endpoint":                         iss + "/token/introspection",
		"response_types_supported":                       []string{"code"},
		"response_modes_supported":                       []string{"query", "form_post", "fragment"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token", "client_credentials"},
		"subject_types_supported":                        []string{"public"},
		"id_token_signing_alg_values_supported":          algs,
		"code_challenge_methods_supported":               []string{"S256"},
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "client_secret_post", "none"},
		"revocation_endpoint_auth_methods_supported":     []string{"client_secret_basic", "client_secret_post", "none"},
		"introspection_endpoint_auth_methods_supported":  []string{"client_secret_basic", "client_secret_post"},
		"authorization_response_iss_parameter_supported": true,
		"scopes_supported":                               supportedScopes,
		"claims_supported":                               claimsSupported,
		"claims_parameter_supported":                     false,
		"request_parameter_supported":                    false,
		"request_uri_parameter_supported":                false,
		"require_request_uri_registration":               false,
		"frontchannel_logout_supported":                  false,
		"backchannel_logout_supported":                   false,
		"claim_types_supported":                          []string{"normal"},
		"ui_locales_supported":                           i18n.Tags(),
	}
}
