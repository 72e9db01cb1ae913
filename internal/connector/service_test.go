package connector_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/monban-dev/monban/internal/connector"
	_ "github.com/monban-dev/monban/internal/connector/patreon"
	"github.com/monban-dev/monban/internal/secretbox"
	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/validate"
)

func newService(t *testing.T) *connector.Service {
	box, err := secretbox.New(bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	return &connector.Service{Store: storetesting.SQLite(t), Box: box}
}

func fields(err error) map[string]bool {
	errs, _ := validate.As(err)
	out := map[string]bool{}
	for _, e := range errs {
		out[e.Field] = true
	}
	return out
}

func TestCreateValidates(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	_, err := s.Create(ctx, "patreon-universal", map[string]any{"clientId": "", "scope": 3, "bogus": true}, nil, false)
	f := fields(err)
	if !f["config.clientId"] || !f["config.clientSecret"] || !f["config.scope"] || !f["config.bogus"] {
		t.Errorf("field errors %v (%v)", f, err)
	}
	if _, err := s.Create(ctx, "nope", nil, nil, false); !fields(err)["connectorId"] {
		t.Errorf("unknown factory: %v", err)
	}
}

func TestConfidentialSealedAndMasked(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	c, err := s.Create(ctx, "patreon-universal", map[string]any{"clientId": "cid", "clientSecret": "top-secret"}, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Target != "patreon" || c.Config["clientId"] != "cid" || c.Config["clientSecret"] != connector.Masked ||
		c.Config["scope"] != "identity identity[email]" || !c.SyncProfile || !c.Enabled {
		t.Errorf("created %+v", c)
	}
	row, err := s.Store.GetConnector(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(row.Config, []byte("top-secret")) || !bytes.Contains(row.Config, []byte("cid")) {
		t.Errorf("stored config %s", row.Config)
	}
	got, err := s.Get(ctx, c.ID)
	if err != nil || got.Config["clientSecret"] != connector.Masked {
		t.Errorf("get %+v %v", got, err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 1 || list[0].Config["clientSecret"] != connector.Masked {
		t.Errorf("list %+v %v", list, err)
	}
	// Masked sent back keeps the secret; the connector still gets it.
	if _, err := s.Update(ctx, c.ID, connector.Update{Config: map[string]any{"clientSecret": connector.Masked, "scope": "identity"}}); err != nil {
		t.Fatal(err)
	}
	so, _, err := s.Social(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := so.AuthorizationURL(ctx, connector.AuthRequest{State: "s", RedirectURI: "http://x/callback/" + c.ID})
	if !bytes.Contains([]byte(u), []byte("client_id=cid")) || !bytes.Contains([]byte(u), []byte("scope=identity&")) {
		t.Errorf("authorize URL %s", u)
	}
	// A second Patreon connector is refused.
	if _, err := s.Create(ctx, "patreon-universal", map[string]any{"clientId": "a", "clientSecret": "b"}, nil, false); !fields(err)["connectorId"] {
		t.Errorf("second patreon: %v", err)
	}
	off := false
	if _, err := s.Update(ctx, c.ID, connector.Update{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Social(ctx, c.ID); !errors.Is(err, connector.ErrDisabled) {
		t.Errorf("disabled: %v", err)
	}
	if err := s.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, c.ID); err == nil {
		t.Error("deleted connector still readable")
	}
}
