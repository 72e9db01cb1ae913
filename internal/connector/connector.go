// Package connector is the connector contract, modelled on Logto's
// connector kit (see /shared/spec/connectors.md): factories with metadata
// and a form schema, a registry, and the social connector behaviour
// (authorization URL, then the user's profile from the callback).
//
// Each provider lives in its own package under internal/connector/ and
// registers its factory in an init function, like database/sql drivers.
package connector

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"sync"
)

// Kinds of connectors.
const (
	KindSocial = "Social"
	KindEmail  = "Email"
	KindSms    = "Sms"
)

// Form item types (Logto's ConnectorConfigFormItemType).
const (
	Text          = "Text"
	MultilineText = "MultilineText"
	Number        = "Number"
	Switch        = "Switch"
	Select        = "Select"
	MultiSelect   = "MultiSelect"
	JSON          = "Json"
)

// FormItem is one configuration field: it both renders the console's form
// and validates the stored config.
type FormItem struct {
	Key            string       `json:"key"`
	Label          string       `json:"label"`
	Type           string       `json:"type"`
	Required       bool         `json:"required,omitempty"`
	DefaultValue   any          `json:"defaultValue,omitempty"`
	Placeholder    string       `json:"placeholder,omitempty"`
	Description    string       `json:"description,omitempty"`
	Tooltip        string       `json:"tooltip,omitempty"`
	IsConfidential bool         `json:"isConfidential,omitempty"`
	SelectItems    []SelectItem `json:"selectItems,omitempty"`
}

// SelectItem is a choice of a Select or MultiSelect item.
type SelectItem struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// Metadata describes a factory (Logto's ConnectorMetadata).
type Metadata struct {
	ID          string            `json:"id"`     // factory id, e.g. "patreon-universal"
	Target      string            `json:"target"` // provider key, e.g. "patreon"
	Type        string            `json:"type"`   // KindSocial, KindEmail, KindSms
	Platform    string            `json:"platform"`
	Name        map[string]string `json:"name"` // "en" required, "ja" wanted
	Description map[string]string `json:"description"`
	Logo        string            `json:"logo"`
	LogoDark    string            `json:"logoDark,omitempty"`
	Readme      string            `json:"readme"`
	IsStandard  bool              `json:"isStandard,omitempty"`
	FormItems   []FormItem        `json:"formItems"`
}

// Profile is what a social connector learns about the user.
type Profile struct {
	ID            string         // upstream user id (required)
	Email         string         // may be empty
	EmailVerified bool           // as the provider states it
	Phone         string         // may be empty
	Name          string         // may be empty
	Avatar        string         // may be empty
	Raw           map[string]any // the provider's profile, kept as the identity's details
}

// AuthRequest is what AuthorizationURL needs. The server owns State (random,
// single use, bound to the browser's interaction) and gives Nonce and a PKCE
// CodeChallenge (S256) that connectors use where the provider supports them.
type AuthRequest struct {
	State         string
	RedirectURI   string // {endpoint}/callback/{connectorId}
	Nonce         string
	CodeChallenge string
	Locale        string
}

// Callback is what came back from the provider.
type Callback struct {
	// Params are the callback's query (GET) or form (form_post) parameters.
	Params       url.Values
	RedirectURI  string // byte-identical to the authorize step
	CodeVerifier string
	Nonce        string
}

// Social is a configured social connector.
type Social interface {
	AuthorizationURL(ctx context.Context, r AuthRequest) (string, error)
	UserInfo(ctx context.Context, cb Callback) (*Profile, error)
}

// Env is what the server gives connectors.
type Env struct {
	// HTTP is the client for upstream calls (timeouts bounded, 5 s).
	HTTP *http.Client
	// Rewrite applies MONBAN_CONNECTOR_ENDPOINT_OVERRIDES to an upstream URL
	// of this connector's target (identity when none is set).
	Rewrite func(rawURL string) string
}

// Factory builds configured connectors of one kind.
type Factory struct {
	Metadata
	// NewSocial builds a connector from a validated config.
	NewSocial func(config map[string]any, env Env) (Social, error)
}

var (
	mu        sync.RWMutex
	factories = map[string]*Factory{}
)

// Register adds a factory; it panics on a duplicate id (a programming error).
func Register(f *Factory) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := factories[f.ID]; dup {
		panic(fmt.Sprintf("connector: factory %q registered twice", f.ID))
	}
	factories[f.ID] = f
}

// Lookup finds a factory by id.
func Lookup(id string) (*Factory, bool) {
	mu.RLock()
	defer mu.RUnlock()
	f, ok := factories[id]
	return f, ok
}

// Factories lists the registered factories by id.
func Factories() []*Factory {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]*Factory, 0, len(factories))
	for _, f := range factories {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
