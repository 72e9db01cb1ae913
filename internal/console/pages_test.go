package console_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/store"
	ui "github.com/monban-dev/monban/web/console"
)

var secretRe = regexp.MustCompile(`<code id="app-secret">([A-Za-z0-9]+)</code>`)

func TestApplications(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		env, b := signedIn(t, pg)
		ctx := context.Background()
		// Bad input: every field named, typed values kept, nothing written.
		p := b.submit("/console/applications/new?framework=flask", "/console/applications", url.Values{"framework": {"flask"},
			"name": {""}, "redirectUris": {"http://localhost:3000/callback\njavascript:alert(1)"}, "postLogoutRedirectUris": {"ftp://x/"}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("bad create: %d", p.status)
		}
		for _, want := range []string{`id="name-error"`, `id="redirectUris-error"`, `id="postLogoutRedirectUris-error"`,
			"Name:", "Redirect URIs:", "javascript:alert(1)</textarea>"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("rejected form lacks %q", want)
			}
		}
		if apps, _, _ := env.D.Store.ListApplications(ctx, store.Page{}); len(apps) != 0 {
			t.Fatalf("%d applications after a rejected create", len(apps))
		}

		p = b.submit("/console/applications/new?framework=flask", "/console/applications", url.Values{"framework": {"flask"},
			"name": {"Bookstore"}, "redirectUris": {"http://localhost:3000/callback"}, "postLogoutRedirectUris": {"http://localhost:3000/"}})
		loc := p.header.Get("Location")
		if p.status != http.StatusSeeOther || !strings.Contains(loc, "/guide?framework=flask") {
			t.Fatalf("create: %d %q\n%s", p.status, loc, p.body)
		}
		apps, _, _ := env.D.Store.ListApplications(ctx, store.Page{})
		if len(apps) != 1 || apps[0].Type != store.AppTraditional || apps[0].RedirectURIs[0] != "http://localhost:3000/callback" {
			t.Fatalf("stored %+v", apps)
		}
		app := apps[0]
		guide := b.get(strings.SplitN(loc, "&", 2)[0])
		m := secretRe.FindStringSubmatch(guide.body)
		if m == nil {
			t.Fatalf("guide shows no secret:\n%s", guide.body)
		}
		for _, want := range []string{`endpoint="` + env.Endpoint + `"`, `appId="` + app.ID + `"`, `appSecret="` + m[1] + `"`} {
			if !strings.Contains(guide.body, want) {
				t.Errorf("Flask guide lacks %s", want)
			}
		}
		// The secret shown is the application's.
		if _, err := env.D.Applications.Authenticate(ctx, app.ID, m[1]); err != nil {
			t.Errorf("the guide's secret does not authenticate: %v", err)
		}
		// Another browser (another admin session) never sees it.
		other := newBrowser(t, env)
		other.signIn("root")
		if strings.Contains(other.get("/console/applications/"+app.ID+"/guide").body, m[1]) {
			t.Error("the secret is shown to another session")
		}
		list := b.get("/console/applications")
		if !strings.Contains(list.body, "Bookstore") || !strings.Contains(list.body, app.ID) {
			t.Error("the list does not show the application")
		}

		// Settings: a bad CORS origin is refused, named, typed value kept.
		p = b.submit("/console/applications/"+app.ID, "/console/applications/"+app.ID, url.Values{"name": {"Bookstore 2"},
			"redirectUris": {"http://localhost:3000/callback"}, "corsOrigins": {"not an origin"}})
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="corsOrigins-error"`) || !strings.Contains(p.body, `value="Bookstore 2"`) {
			t.Errorf("bad settings: %d", p.status)
		}
		if got, _ := env.D.Applications.Get(ctx, app.ID); got.Name != "Bookstore" {
			t.Errorf("a rejected update wrote %q", got.Name)
		}
		p = b.submit("/console/applications/"+app.ID, "/console/applications/"+app.ID, url.Values{"name": {"Bookstore 2"},
			"redirectUris": {"http://localhost:3000/callback\nhttp://localhost:3000/cb2"}, "postLogoutRedirectUris": {"http://localhost:3000/"},
			"corsOrigins": {"https://books.example"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("settings: %d\n%s", p.status, p.body)
		}
		if got, _ := env.D.Applications.Get(ctx, app.ID); got.Name != "Bookstore 2" || len(got.RedirectURIs) != 2 || got.CORSAllowedOrigins[0] != "https://books.example" {
			t.Errorf("after update: %+v", got)
		}

		// Rotation: a new secret, shown once; both work until the old one goes.
		p = b.submit("/console/applications/"+app.ID, "/console/applications/"+app.ID+"/secrets", url.Values{"secretName": {"Rotated"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("new secret: %d", p.status)
		}
		details := b.get("/console/applications/" + app.ID)
		n := secretRe.FindStringSubmatch(details.body)
		if n == nil || n[1] == m[1] {
			t.Fatal("the new secret is not shown")
		}
		p = b.submit("/console/applications/"+app.ID, "/console/applications/"+app.ID+"/secrets", url.Values{"secretName": {"Rotated"}})
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="secretName-error"`) {
			t.Errorf("duplicate secret name: %d", p.status)
		}
		p = b.submit("/console/applications/"+app.ID, "/console/applications/"+app.ID+"/secrets/delete", url.Values{"secretName": {"Default secret"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("delete secret: %d", p.status)
		}
		if _, err := env.D.Applications.Authenticate(ctx, app.ID, m[1]); err == nil {
			t.Error("the deleted secret still works")
		}
		if _, err := env.D.Applications.Authenticate(ctx, app.ID, n[1]); err != nil {
			t.Errorf("the new secret does not work: %v", err)
		}

		// Delete: only with the name typed.
		p = b.submit("/console/applications/"+app.ID, "/console/applications/"+app.ID+"/delete", url.Values{"confirmName": {"Bookstore"}})
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="confirmName-error"`) {
			t.Errorf("delete with the wrong name: %d", p.status)
		}
		if _, err := env.D.Applications.Get(ctx, app.ID); err != nil {
			t.Fatal("deleted with the wrong name")
		}
		p = b.submit("/console/applications/"+app.ID, "/console/applications/"+app.ID+"/delete", url.Values{"confirmName": {"Bookstore 2"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("delete: %d", p.status)
		}
		if _, err := env.D.Applications.Get(ctx, app.ID); err == nil {
			t.Error("not deleted")
		}
		if got := b.get("/console/applications/" + app.ID); got.status != http.StatusNotFound {
			t.Errorf("deleted application's page: %d", got.status)
		}
	})
}

func TestConnectors(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		env, b := signedIn(t, pg)
		ctx := context.Background()
		page := b.get("/console/connectors")
		for _, want := range []string{`data-factory="patreon-universal"`, `data-factory="google-universal"`, `src="data:image/svg`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("catalogue lacks %s", want)
			}
		}
		form := b.get("/console/connectors/new?factory=patreon-universal")
		for _, want := range []string{`name="config.clientId"`, `name="config.clientSecret" type="password"`, `name="config.scope"`, `value="identity identity[email]"`} {
			if !strings.Contains(form.body, want) {
				t.Errorf("Patreon form lacks %s", want)
			}
		}
		p := b.submit("/console/connectors/new?factory=patreon-universal", "/console/connectors",
			url.Values{"factory": {"patreon-universal"}, "config.clientId": {"cid"}, "config.clientSecret": {""}})
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="config.clientSecret-error"`) ||
			!strings.Contains(p.body, "Client Secret:") || !strings.Contains(p.body, `value="cid"`) {
			t.Errorf("missing secret: %d", p.status)
		}
		if list, _ := env.D.Connectors.List(ctx); len(list) != 0 {
			t.Fatal("a rejected form created a connector")
		}
		p = b.submit("/console/connectors/new?factory=patreon-universal", "/console/connectors",
			url.Values{"factory": {"patreon-universal"}, "config.clientId": {"cid"}, "config.clientSecret": {"csecret"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", p.status, p.body)
		}
		list, _ := env.D.Connectors.List(ctx)
		if len(list) != 1 {
			t.Fatalf("%d connectors", len(list))
		}
		cn := list[0]
		details := b.get("/console/connectors/" + cn.ID)
		if !strings.Contains(details.body, env.Endpoint+"/callback/"+cn.ID) {
			t.Error("details page lacks the callback URL")
		}
		if strings.Contains(details.body, "csecret") {
			t.Error("the client secret is written into the page")
		}
		// Saving with the secret left empty keeps it.
		p = b.submit("/console/connectors/"+cn.ID, "/console/connectors/"+cn.ID,
			url.Values{"config.clientId": {"cid2"}, "config.clientSecret": {""}, "config.scope": {"identity"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", p.status, p.body)
		}
		so, _, err := env.D.Connectors.Social(ctx, cn.ID)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := so.AuthorizationURL(ctx, connectorAuthRequest())
		if !strings.Contains(u, "client_id=cid2") {
			t.Errorf("authorization URL %s", u)
		}
		// Shown on the sign-in page, then removed.
		p = b.submit("/console/connectors/"+cn.ID, "/console/connectors/"+cn.ID+"/sign-in", url.Values{"show": {"on"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("show: %d", p.status)
		}
		if x, _ := env.D.SignInExperience.Get(ctx); len(x.SocialSignInConnectorTargets) != 1 || x.SocialSignInConnectorTargets[0] != "patreon" {
			t.Errorf("targets %v", x.SocialSignInConnectorTargets)
		}
		if !strings.Contains(b.get("/console/connectors").body, `badge on`) {
			t.Error("the list does not say Patreon is shown")
		}
		p = b.submit("/console/connectors/"+cn.ID, "/console/connectors/"+cn.ID+"/sign-in", url.Values{"show": {"off"}})
		if x, _ := env.D.SignInExperience.Get(ctx); p.status != http.StatusSeeOther || len(x.SocialSignInConnectorTargets) != 0 {
			t.Errorf("hide: %d %v", p.status, x.SocialSignInConnectorTargets)
		}
		p = b.submit("/console/connectors/"+cn.ID, "/console/connectors/"+cn.ID+"/delete", url.Values{"confirmName": {"Patreon"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("delete: %d", p.status)
		}
		if list, _ := env.D.Connectors.List(ctx); len(list) != 0 {
			t.Error("not deleted")
		}
	})
}

func TestSignInExperienceForm(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		env, b := signedIn(t, pg)
		ctx := context.Background()
		page := b.get("/console/sign-in-experience")
		_, form := parseForm(page.body, `id="sie-form"`)
		// Bad values: each field named, everything typed kept, nothing stored.
		bad := cloneValues(form)
		bad.Set("primaryColor", "blue")
		bad.Set("termsOfUseUrl", "http://insecure.example/terms")
		bad.Set("minLength", "six")
		bad.Set("customCss", "body { color: red }")
		p := b.post("/console/sign-in-experience", bad)
		if p.status != http.StatusBadRequest {
			t.Fatalf("bad experience: %d", p.status)
		}
		for _, want := range []string{`id="minLength-error"`, "Minimum length:", "body { color: red }</textarea>", `value="blue"`} {
			if !strings.Contains(p.body, want) {
				t.Errorf("rejected form lacks %q", want)
			}
		}
		// The number error comes before the service is asked; with it fixed,
		// the service names the rest.
		bad.Set("minLength", "8")
		p = b.post("/console/sign-in-experience", bad)
		for _, want := range []string{`id="primaryColor-error"`, `id="termsOfUseUrl-error"`, "Brand color:", "Terms of use URL:"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("rejected form lacks %q", want)
			}
		}
		if x, _ := env.D.SignInExperience.Get(ctx); x.Color.PrimaryColor == "blue" || x.CustomCSS != nil {
			t.Error("a rejected form was stored")
		}
		// "Not applicable" sign-up with no password; Japanese fallback.
		good := cloneValues(form)
		good.Set("signUpIdentifier", "none")
		good.Del("signUpPassword")
		good.Set("primaryColor", "#112233")
		good.Set("fallbackLanguage", "ja")
		p = b.post("/console/sign-in-experience", good)
		if p.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", p.status, p.body)
		}
		x, _ := env.D.SignInExperience.Get(ctx)
		if len(x.SignUp.Identifiers) != 0 || x.SignUp.Password || x.Color.PrimaryColor != "#112233" || x.LanguageInfo.FallbackLanguage != "ja" ||
			len(x.SignIn.Methods) != 2 || x.PasswordPolicy.Length.Min != 8 {
			t.Errorf("stored %+v", x)
		}
		// The saved page shows the saved values.
		if again := b.get("/console/sign-in-experience"); !strings.Contains(again.body, `<option value="none" selected>`) {
			t.Error("the page does not show the saved sign-up identifier")
		}
		// The preview is the hosted sign-in page, framable by the console only.
		pv := b.get("/console/sign-in-experience/preview?page=sign-in&ui_locales=en")
		if pv.status != 200 || !strings.Contains(pv.body, `name="identifier"`) ||
			!strings.Contains(pv.header.Get("Content-Security-Policy"), "frame-ancestors 'self'") || pv.header.Get("Set-Cookie") != "" {
			t.Errorf("preview: %d %q", pv.status, pv.header.Get("Content-Security-Policy"))
		}
	})
}

// parseForm returns the action and the values a browser would submit of
// the form whose tag contains marker: inputs (checked checkboxes only),
// selected options, textareas.
func parseForm(body, marker string) (string, url.Values) {
	i := strings.Index(body, marker)
	start := strings.LastIndex(body[:i], "<form")
	end := strings.Index(body[i:], "</form>") + i
	html := body[start:end]
	vals := url.Values{}
	for _, m := range regexp.MustCompile(`<input [^>]*>`).FindAllString(html, -1) {
		name := attr(m, "name")
		if name == "" || (attr(m, "type") == "checkbox" && !strings.Contains(m, " checked")) {
			continue
		}
		vals.Add(name, unescape(attr(m, "value")))
	}
	for _, m := range regexp.MustCompile(`(?s)<select id="[^"]*" name="([^"]*)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(html, -1) {
		if o := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[2]); o != nil {
			vals.Set(m[1], unescape(o[1]))
		}
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea id="[^"]*" name="([^"]*)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(html, -1) {
		vals.Set(m[1], unescape(m[2]))
	}
	return attr(html[:strings.Index(html, ">")], "action"), vals
}

func attr(tag, name string) string {
	m := regexp.MustCompile(` ` + name + `="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return m[1]
}

func unescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestPhraseFilesComplete: the console's phrase files carry the same keys
// with the same placeholders, none empty.
func TestPhraseFilesComplete(t *testing.T) {
	read := func(tag string) map[string]string {
		b, err := fs.ReadFile(ui.Locales, "locales/"+tag+".json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	en := read("en")
	names, _ := fs.Glob(ui.Locales, "locales/*.json")
	for _, n := range names {
		tag := strings.TrimSuffix(strings.TrimPrefix(n, "locales/"), ".json")
		m := read(tag)
		for k, v := range en {
			got, ok := m[k]
			if !ok || strings.TrimSpace(got) == "" {
				t.Errorf("%s: %q missing or empty", tag, k)
				continue
			}
			if a, b := sorted(i18n.Placeholders(v)), sorted(i18n.Placeholders(got)); a != b {
				t.Errorf("%s: %q placeholders %s, English %s", tag, k, b, a)
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: extra key %q", tag, k)
			}
		}
	}
	if len(names) < 2 {
		t.Error("no Japanese phrase file")
	}
}

func sorted(s []string) string {
	s = append([]string(nil), s...)
	slices.Sort(s)
	return strings.Join(s, ",")
}

func connectorAuthRequest() connector.AuthRequest {
	return connector.AuthRequest{State: "state", RedirectURI: "http://localhost/callback/x", Nonce: "n",
		CodeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}
}
