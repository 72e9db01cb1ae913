package mgmt

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/rbac"
)

type recordingMux map[string]bool

func (m recordingMux) Handle(pattern string, _ http.Handler) { m[pattern] = true }

type noConnectors struct{}

func (noConnectors) Create(context.Context, string, map[string]any, map[string]any, bool) (*connector.Configured, error) {
	return nil, nil
}
func (noConnectors) List(context.Context) ([]*connector.Configured, error)      { return nil, nil }
func (noConnectors) Get(context.Context, string) (*connector.Configured, error) { return nil, nil }
func (noConnectors) Delete(context.Context, string) error                       { return nil }
func (noConnectors) Update(context.Context, string, connector.Update) (*connector.Configured, error) {
	return nil, nil
}

// TestOpenAPIMatchesTable: every registered pattern is documented and every
// documented operation registered, with and without the optional routes.
func TestOpenAPIMatchesTable(t *testing.T) {
	for _, o := range []Options{
		{Issuer: "https://id.example/oidc"},
		{Issuer: "https://id.example/auth/oidc", Connectors: noConnectors{}, RBAC: &rbac.Service{}},
	} {
		a := New(o)
		mux := recordingMux{}
		a.Routes(mux)
		doc := a.openAPI()
		documented := map[string]bool{}
		for path, item := range doc["paths"].(obj) {
			for method := range item.(obj) {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
		for p := range mux {
			if !documented[p] {
				t.Errorf("%s: registered but not documented", p)
			}
		}
		for p := range documented {
			if !mux[p] {
				t.Errorf("%s: documented but not registered", p)
			}
		}
		if len(mux) != len(a.routes()) {
			t.Errorf("%d patterns registered for %d routes in the table", len(mux), len(a.routes()))
		}
		if got := doc["servers"].([]obj)[0]["url"]; got != strings.TrimSuffix(o.Issuer, "/oidc") {
			t.Errorf("servers url %v", got)
		}
	}
	full := New(Options{Connectors: noConnectors{}, RBAC: &rbac.Service{}})
	for _, want := range []string{"POST /api/connectors", "GET /api/resources/{id}", "GET /api/swagger.json"} {
		found := false
		for _, rt := range full.routes() {
			found = found || rt.Method+" "+rt.Path == want
		}
		if !found {
			t.Errorf("table lacks %s", want)
		}
	}
}
