package oidc_test

// Golden files pin the wire shapes Logto's SDKs parse: the discovery
// document, and the shape (keys and JSON types) of token responses and of
// the ID token and at+jwt access token. A change shows up as a diff here;
// when it is intended, regenerate with
//
//	go test ./internal/oidc -run Golden -update

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got (any JSON value) with testdata/name, canonically
// indented; with -update it writes the file instead.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	body, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	body = append(body, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, body) {
		t.Errorf("%s differs from the golden file (run with -update if the change is intended)\n--- want\n%s\n--- got\n%s", path, want, body)
	}
}

// canonical decodes JSON keeping numbers exact, so re-encoding sorts the
// keys without touching the values.
func canonical(t *testing.T, raw []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	return v
}

// TestGoldenDiscovery pins the discovery document (both well-known paths),
// with the issuer replaced by {{issuer}}.
func TestGoldenDiscovery(t *testing.T) {
	f := newFixture(t)
	var first []byte
	for _, path := range []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"} {
		r := get(t, nil, f.env.Issuer+path)
		if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("%s: %d %s", path, r.StatusCode, r.Header.Get("Content-Type"))
		}
		if first != nil && !bytes.Equal(first, r.body) {
			t.Errorf("%s differs from openid-configuration", path)
		}
		first = r.body
	}
	raw := bytes.ReplaceAll(first, []byte(f.env.Issuer), []byte("{{issuer}}"))
	golden(t, "discovery.golden.json", canonical(t, raw))
}

// shape maps a JSON value to its type names, recursively for objects:
// "string", "integer", "number", "boolean", "null", "array", "object".
func shape(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = shape(e)
		}
		return out
	case string:
		return "string"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "number"
		}
		return "integer"
	case bool:
		return "boolean"
	case nil:
		return "null"
	case []any:
		return "array"
	}
	return "unknown"
}

// pinned keeps the values of members whose exact value the SDKs depend on
// (token_type "Bearer", the JWT header's alg and typ) and the shape of the
// rest.
func pinned(m map[string]any, keep ...string) map[string]any {
	out := shape(m).(map[string]any)
	for _, k := range keep {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

func jwtShape(t *testing.T, tok string) map[string]any {
	h, c := jwtParts(t, tok)
	return map[string]any{"header": pinned(h, "alg", "typ"), "claims": shape(c)}
}

// TestGoldenTokenResponse pins the shape of the token responses (code
// grant with and without resource, refresh, client_credentials) and of the
// JWTs in them. Values vary; names and JSON types must not: aud a string,
// expires_in an integer. The values of token_type and of the JWT headers'
// alg and typ are pinned as they are.
func TestGoldenTokenResponse(t *testing.T) {
	f := newFixture(t)
	out := map[string]any{}
	body := func(r *response) map[string]any {
		t.Helper()
		if r.StatusCode != 200 {
			t.Fatalf("%d %s", r.StatusCode, r.body)
		}
		return canonical(t, r.body).(map[string]any)
	}

	v, _ := newVerifier()
	code := f.code(t, f.web, v, func(q url.Values) {
		q.Set("nonce", "n-0S6_WzA2Mj")
		q.Set("resource", apiIndicator)
	})
	tok := body(f.exchange(t, f.web, f.webSecret, code, v))
	out["authorization_code"] = pinned(tok, "token_type")
	out["id_token"] = jwtShape(t, tok["id_token"].(string))

	rt := tok["refresh_token"].(string)
	ref := body(f.refresh(t, f.web, f.webSecret, rt))
	out["refresh_token"] = pinned(ref, "token_type")
	out["id_token_refreshed"] = jwtShape(t, ref["id_token"].(string))

	withRes := body(f.token(t, f.web, f.webSecret, url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {ref["refresh_token"].(string)}, "resource": {apiIndicator}}))
	out["refresh_token_with_resource"] = pinned(withRes, "token_type")
	out["access_token_jwt"] = jwtShape(t, withRes["access_token"].(string))

	cc := body(f.token(t, f.m2m, f.m2mSecret, url.Values{"grant_type": {"client_credentials"}, "resource": {apiIndicator}}))
	out["client_credentials"] = pinned(cc, "token_type")
	out["client_credentials_access_token_jwt"] = jwtShape(t, cc["access_token"].(string))

	golden(t, "token_response.golden.json", out)

	// What the golden file says, spelled out: the SDK-critical types.
	keys := func(m any) []string {
		var ks []string
		for k := range m.(map[string]any) {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	for _, name := range []string{"authorization_code", "refresh_token", "refresh_token_with_resource", "client_credentials"} {
		s := out[name].(map[string]any)
		if s["expires_in"] != "integer" || s["token_type"] != "Bearer" || s["scope"] != "string" || s["access_token"] != "string" {
			t.Errorf("%s: shape %v", name, s)
		}
	}
	for _, name := range []string{"id_token", "id_token_refreshed", "access_token_jwt", "client_credentials_access_token_jwt"} {
		j := out[name].(map[string]any)
		if c := j["claims"].(map[string]any); c["aud"] != "string" {
			t.Errorf("%s: aud is %v, want a string; claims %v", name, c["aud"], keys(c))
		}
		wantTyp := "JWT"
		if strings.Contains(name, "access_token") {
			wantTyp = "at+jwt"
		}
		if h := j["header"].(map[string]any); h["kid"] != "string" || h["alg"] == "string" || h["typ"] != wantTyp {
			t.Errorf("%s: header %v", name, h)
		}
	}
}
