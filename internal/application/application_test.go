package application

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/validate"
)

func TestCheckRedirectURI(t *testing.T) {
	web := uriRules{}
	native := uriRules{allowPrivateScheme: true}
	dev := uriRules{allowHTTP: true}
	tests := []struct {
		uri   string
		rules uriRules
		ok    bool
	}{
		{"https://app.example/callback", web, true},
		{"https://app.example/callback?x=1", web, true},
		{"http://localhost:3000/callback", web, true},
		{"http://127.0.0.1:8080/cb", web, true},
		{"http://[::1]:8080/cb", web, true},
		{"http://127.0.0.1.evil/cb", web, false},
		{"http://app.example/callback", web, false},
		{"http://app.example/callback", dev, true},
		{"https://app.example/cb#frag", web, false},
		{"https://user:pw@app.example/cb", web, false},
		{"javascript:alert(1)", native, false},
		{"JavaScript:alert(1)", native, false},
		{"data:text/html,hi", native, false},
		{"com.example.app:/callback", native, true},
		{"io.logto://callback", native, true},
		{"com.example.app:/callback", web, false},
		{"/relative/path", web, false},
		{"", web, false},
		{"https://app.example/ cb", web, false},
		{"https:///nohost", web, false},
	}
	for _, tc := range tests {
		code, why := checkRedirectURI(tc.uri, tc.rules)
		if (code == "") != tc.ok {
			t.Errorf("checkRedirectURI(%q, %+v) = %q %q, want ok=%v", tc.uri, tc.rules, code, why, tc.ok)
		}
	}
}

func TestCheckOrigin(t *testing.T) {
	for origin, ok := range map[string]bool{
		"https://app.example":      true,
		"https://app.example:8443": true,
		"http://localhost:5173":    true,
		"http://app.example":       false,
		"https://app.example/path": false,
		"https://app.example?q=1":  false,
		"app.example":              false,
		"ftp://app.example":        false,
	} {
		if got := checkOrigin(origin, false) == ""; got != ok {
			t.Errorf("checkOrigin(%q) ok=%v, want %v", origin, got, ok)
		}
	}
}

func TestCreateAndAuthenticate(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s := &Service{Store: storetesting.SQLite(t), Now: func() time.Time { return now }}

	app, secret, err := s.Create(ctx, NewApplication{Name: "Bookstore", Type: store.AppTraditional,
		RedirectURIs: []string{"http://localhost:3000/callback"}, PostLogoutRedirectURIs: []string{"http://localhost:3000/"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(app.ID) != 21 || len(secret) != 43 || strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
		t.Fatalf("id %q / secret %q have the wrong shape", app.ID, secret)
	}
	got, err := s.Authenticate(ctx, app.ID, secret)
	if err != nil || got.ID != app.ID {
		t.Fatalf("Authenticate with the right secret: %v", err)
	}
	for name, try := range map[string][2]string{
		"wrong secret":   {app.ID, secret[:42] + flip(secret[42:])},
		"empty secret":   {app.ID, ""},
		"unknown client": {"nope", secret},
	} {
		if _, err := s.Authenticate(ctx, try[0], try[1]); !errors.Is(err, ErrInvalidClient) {
			t.Errorf("%s: got %v, want ErrInvalidClient", name, err)
		}
	}

	// The stored secret is a hash, never the secret itself.
	secs, _ := s.Store.ListApplicationSecrets(ctx, app.ID)
	if len(secs) != 1 || string(secs[0].Hash) == secret || secs[0].Name != DefaultSecretName {
		t.Fatalf("stored secrets: %+v", secs)
	}

	// Rotation: a second secret works alongside; an expired one does not.
	_, second, err := s.AddSecret(ctx, app.ID, "rotation", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, app.ID, second); err != nil {
		t.Fatalf("second secret: %v", err)
	}
	soon := now.Add(time.Hour)
	_, third, err := s.AddSecret(ctx, app.ID, "short-lived", &soon)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour)
	if _, err := s.Authenticate(ctx, app.ID, third); !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("expired secret accepted: %v", err)
	}
}

func TestCreatePublicClientHasNoSecret(t *testing.T) {
	s := &Service{Store: storetesting.SQLite(t)}
	for _, typ := range []store.ApplicationType{store.AppSPA, store.AppNative} {
		app, secret, err := s.Create(context.Background(), NewApplication{Name: "x", Type: typ})
		if err != nil {
			t.Fatal(err)
		}
		if secret != "" {
			t.Errorf("%s got a secret", typ)
		}
		if _, _, err := s.AddSecret(context.Background(), app.ID, "n", nil); err == nil {
			t.Errorf("%s: AddSecret succeeded on a public client", typ)
		}
	}
}

func TestCreateValidationNamesEveryField(t *testing.T) {
	s := &Service{Store: storetesting.SQLite(t)}
	_, _, err := s.Create(context.Background(), NewApplication{Name: " ", Type: "Robot",
		RedirectURIs:           []string{"https://ok.example/cb", "javascript:alert(1)"},
		PostLogoutRedirectURIs: []string{"http://evil.example/"},
		CORSAllowedOrigins:     []string{"https://x.example/path"}})
	errs, ok := validate.As(err)
	if !ok {
		t.Fatalf("got %v, want validation errors", err)
	}
	want := []string{"name", "type", "oidcClientMetadata.redirectUris[1]", "oidcClientMetadata.postLogoutRedirectUris[0]",
		"customClientMetadata.corsAllowedOrigins[0]"}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors %v, want fields %v", len(errs), errs, want)
	}
	for i, f := range want {
		if errs[i].Field != f {
			t.Errorf("error %d names %q, want %q", i, errs[i].Field, f)
		}
	}
	_, total, _ := s.Store.ListApplications(context.Background(), store.Page{})
	if total != 0 {
		t.Fatalf("a failed create wrote %d applications", total)
	}
}

// flip returns a one-character string different from c.
func flip(c string) string {
	if c == "x" {
		return "y"
	}
	return "x"
}
