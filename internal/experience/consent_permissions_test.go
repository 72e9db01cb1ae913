package experience_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
)

// TestConsentListsPermissions: the consent page lists, per requested API,
// the requested permissions the user holds (those the token would carry),
// with their descriptions; requested permissions the user lacks are not
// offered, and permissions are not repeated among the plain scopes.
func TestConsentListsPermissions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	svc := &rbac.Service{Store: e.st}
	res, err := svc.CreateResource(ctx, rbac.NewResource{Name: "Bookstore API", Indicator: "https://api.bookstore.example"})
	if err != nil {
		t.Fatal(err)
	}
	read, err := svc.CreateScope(ctx, res.ID, rbac.NewScope{Name: "read:books", Description: "Read your books"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateScope(ctx, res.ID, rbac.NewScope{Name: "delete:books", Description: "Delete your books"}); err != nil {
		t.Fatal(err)
	}
	role, err := svc.CreateRole(ctx, rbac.NewRole{Name: "Reader", Type: store.RoleUser, ScopeIDs: []string{read.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddUserRoles(ctx, e.alice.ID, []string{role.ID}); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.startInteraction(interaction.Request{Scopes: []string{"openid", "read:books", "delete:books"},
		Resources: []string{"https://api.bookstore.example"}})
	b.signIn()
	r := b.get("/consent")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", r.StatusCode, r.body)
	}
	for _, want := range []string{
		"Bookstore API <code>https://api.bookstore.example</code>",
		"<li><code>read:books</code>: Read your books</li>",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("consent page lacks %s\n%s", want, r.body)
		}
	}
	for _, unwanted := range []string{"delete:books", "<li>read:books</li>"} {
		if strings.Contains(r.body, unwanted) {
			t.Errorf("consent page shows %s", unwanted)
		}
	}
}
