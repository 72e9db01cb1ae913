package connector

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/secretbox"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// Masked is what a confidential config value reads as. Sent back in an
// update it means "keep the stored value".
const Masked = "******"

// sealedPrefix marks a sealed value in the stored config JSON.
const sealedPrefix = "sealed:v1:"

// ErrDisabled: the connector exists but is disabled (it cannot sign anyone
// in or link).
var ErrDisabled = errors.New("connector: disabled")

// Service manages configured connectors (the rows of store.Connectors).
type Service struct {
	Store store.Store
	Box   *secretbox.Box
	// Env gives the connectors of a target their environment (HTTP client,
	// endpoint overrides); nil means NewEnv(target, nil).
	Env func(target string) Env
	Now func() time.Time
}

// Configured is a configured connector as shown to administrators.
type Configured struct {
	ID        string `json:"id"`
	FactoryID string `json:"connectorId"`
	Target    string `json:"target"`
	// Config is the configuration, confidential fields Masked.
	Config      map[string]any `json:"config"`
	Metadata    map[string]any `json:"metadata"`
	SyncProfile bool           `json:"syncProfile"`
	Enabled     bool           `json:"enabled"`
	CreatedAt   time.Time      `json:"createdAt"`
	UpdatedAt   time.Time      `json:"updatedAt"`
	Factory     *Factory       `json:"-"`
}

// Update is a change to a configured connector; nil fields are unchanged.
type Update struct {
	// Config is merged over the stored config; a confidential key given as
	// Masked keeps its stored value.
	Config      map[string]any
	Metadata    map[string]any
	SyncProfile *bool
	Enabled     *bool
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) env(target string) Env {
	if s.Env != nil {
		return s.Env(target).withDefaults()
	}
	return NewEnv(target, nil)
}

// Create validates config against the factory's form items and stores a
// new connector, enabled, confidential fields sealed.
func (s *Service) Create(ctx context.Context, factoryID string, config, metadata map[string]any, syncProfile bool) (*Configured, error) {
	f, ok := Lookup(factoryID)
	if !ok {
		return nil, validate.FieldError{Field: "connectorId", Code: "connector.not_found", Message: fmt.Sprintf("no connector factory %q", factoryID)}
	}
	clean, err := Validate(f, config)
	if err != nil {
		return nil, err
	}
	if metadata == nil {
		metadata = map[string]any{}
	}
	target := targetOf(f, metadata)
	if !f.IsStandard {
		rows, err := s.Store.ListConnectors(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.Target == target {
				return nil, validate.FieldError{Field: "connectorId", Code: "connector.multiple_instances_not_supported",
					Message: fmt.Sprintf("a %s connector is already configured (%s)", target, r.ID)}
			}
		}
	}
	now := s.now()
	row := &store.Connector{ID: id.New(), FactoryID: f.ID, Target: target, Metadata: metadata,
		SyncProfile: syncProfile, Enabled: true, CreatedAt: now, UpdatedAt: now}
	if row.Config, err = s.seal(f, row.ID, clean); err != nil {
		return nil, err
	}
	if err := s.Store.CreateConnector(ctx, row); err != nil {
		return nil, fmt.Errorf("create connector: %w", err)
	}
	return s.show(f, row, clean), nil
}

// Get returns a connector, config masked.
func (s *Service) Get(ctx context.Context, id string) (*Configured, error) {
	row, err := s.Store.GetConnector(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.configured(row)
}

// List returns every configured connector, configs masked.
func (s *Service) List(ctx context.Context) ([]*Configured, error) {
	rows, err := s.Store.ListConnectors(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Configured, 0, len(rows))
	for _, row := range rows {
		c, err := s.configured(row)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Update changes a connector.
func (s *Service) Update(ctx context.Context, id string, u Update) (*Configured, error) {
	row, err := s.Store.GetConnector(ctx, id)
	if err != nil {
		return nil, err
	}
	f, ok := Lookup(row.FactoryID)
	if !ok {
		return nil, fmt.Errorf("connector %s: factory %q is not available", row.ID, row.FactoryID)
	}
	cur, err := s.open(f, row)
	if err != nil {
		return nil, err
	}
	if u.Config != nil {
		merged := map[string]any{}
		for k, v := range cur {
			merged[k] = v
		}
		for k, v := range u.Config {
			if it := item(f, k); it != nil && it.IsConfidential && v == Masked {
				continue
			}
			merged[k] = v
		}
		if cur, err = Validate(f, merged); err != nil {
			return nil, err
		}
		if row.Config, err = s.seal(f, row.ID, cur); err != nil {
			return nil, err
		}
	}
	if u.Metadata != nil {
		row.Metadata = u.Metadata
		row.Target = targetOf(f, u.Metadata)
	}
	if u.SyncProfile != nil {
		row.SyncProfile = *u.SyncProfile
	}
	if u.Enabled != nil {
		row.Enabled = *u.Enabled
	}
	row.UpdatedAt = s.now()
	if err := s.Store.UpdateConnector(ctx, row); err != nil {
		return nil, fmt.Errorf("update connector: %w", err)
	}
	return s.show(f, row, cur), nil
}

// Delete removes a connector.
func (s *Service) Delete(ctx context.Context, id string) error {
	return s.Store.DeleteConnector(ctx, id)
}

// Social builds the social connector of row id, config decrypted. A
// disabled connector is ErrDisabled; an unknown one store.ErrNotFound.
func (s *Service) Social(ctx context.Context, id string) (Social, *store.Connector, error) {
	row, err := s.Store.GetConnector(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !row.Enabled {
		return nil, row, ErrDisabled
	}
	f, ok := Lookup(row.FactoryID)
	if !ok || f.NewSocial == nil {
		return nil, row, &Error{Code: InvalidConfig, Message: fmt.Sprintf("connector factory %q is not a social connector of this build", row.FactoryID)}
	}
	cfg, err := s.open(f, row)
	if err != nil {
		return nil, row, err
	}
	so, err := f.NewSocial(cfg, s.env(row.Target))
	if err != nil {
		return nil, row, err
	}
	return so, row, nil
}

func (s *Service) configured(row *store.Connector) (*Configured, error) {
	f, ok := Lookup(row.FactoryID)
	if !ok {
		f = &Factory{Metadata: Metadata{ID: row.FactoryID, Target: row.Target}}
	}
	cfg, err := s.open(f, row)
	if err != nil {
		return nil, err
	}
	return s.show(f, row, cfg), nil
}

func (s *Service) show(f *Factory, row *store.Connector, cfg map[string]any) *Configured {
	masked := map[string]any{}
	for k, v := range cfg {
		if it := item(f, k); it != nil && it.IsConfidential && v != nil && v != "" {
			v = Masked
		}
		masked[k] = v
	}
	md := row.Metadata
	if md == nil {
		md = map[string]any{}
	}
	return &Configured{ID: row.ID, FactoryID: row.FactoryID, Target: row.Target, Config: masked, Metadata: md,
		SyncProfile: row.SyncProfile, Enabled: row.Enabled, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt, Factory: f}
}

func ad(connectorID, key string) []byte { return []byte("connector-config:" + connectorID + ":" + key) }

// seal encodes cfg as JSON with its confidential values sealed.
func (s *Service) seal(f *Factory, connectorID string, cfg map[string]any) ([]byte, error) {
	out := map[string]any{}
	for k, v := range cfg {
		if it := item(f, k); it != nil && it.IsConfidential && v != nil {
			plain, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			v = sealedPrefix + base64.RawStdEncoding.EncodeToString(s.Box.Seal(plain, ad(connectorID, k)))
		}
		out[k] = v
	}
	return json.Marshal(out)
}

// open decodes a stored config, unsealing its confidential values.
func (s *Service) open(f *Factory, row *store.Connector) (map[string]any, error) {
	cfg := map[string]any{}
	if len(row.Config) > 0 {
		if err := json.Unmarshal(row.Config, &cfg); err != nil {
			return nil, fmt.Errorf("connector %s: stored config: %w", row.ID, err)
		}
	}
	for k, v := range cfg {
		str, ok := v.(string)
		if !ok || !strings.HasPrefix(str, sealedPrefix) {
			continue
		}
		sealed, err := base64.RawStdEncoding.DecodeString(str[len(sealedPrefix):])
		if err != nil {
			return nil, fmt.Errorf("connector %s: config %s: %w", row.ID, k, err)
		}
		plain, err := s.Box.Open(sealed, ad(row.ID, k))
		if err != nil {
			return nil, fmt.Errorf("connector %s: config %s: %w", row.ID, k, err)
		}
		var val any
		if err := json.Unmarshal(plain, &val); err != nil {
			return nil, fmt.Errorf("connector %s: config %s: %w", row.ID, k, err)
		}
		cfg[k] = val
	}
	return cfg, nil
}

func item(f *Factory, key string) *FormItem {
	for i := range f.FormItems {
		if f.FormItems[i].Key == key {
			return &f.FormItems[i]
		}
	}
	return nil
}

func targetOf(f *Factory, metadata map[string]any) string {
	if f.IsStandard {
		if t, ok := metadata["target"].(string); ok && strings.TrimSpace(t) != "" {
			return strings.TrimSpace(t)
		}
	}
	return f.Target
}

// Validate checks config against f's form items and returns it with the
// defaults filled in; problems are field errors naming "config.<key>".
func Validate(f *Factory, config map[string]any) (map[string]any, error) {
	var errs validate.Errors
	out := map[string]any{}
	for k := range config {
		if item(f, k) == nil {
			errs.Add("config."+k, "connector.unknown_config_key", "is not a setting of this connector")
		}
	}
	for _, it := range f.FormItems {
		field := "config." + it.Key
		v, present := config[it.Key]
		if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
			present = false
		}
		if !present || v == nil {
			if it.Required {
				errs.Add(field, "connector.config_required", "is required")
			} else if it.DefaultValue != nil {
				out[it.Key] = it.DefaultValue
			}
			continue
		}
		switch it.Type {
		case Text, MultilineText:
			s, ok := v.(string)
			if !ok {
				errs.Add(field, "connector.invalid_config", "must be a string")
				continue
			}
			v = strings.TrimSpace(s)
		case Select:
			s, ok := v.(string)
			if !ok || !selectable(it, s) {
				errs.Add(field, "connector.invalid_config", "must be one of the choices")
				continue
			}
		case MultiSelect:
			list, ok := v.([]any)
			if !ok {
				errs.Add(field, "connector.invalid_config", "must be a list of the choices")
				continue
			}
			for _, e := range list {
				if s, ok := e.(string); !ok || !selectable(it, s) {
					errs.Add(field, "connector.invalid_config", "must be a list of the choices")
					break
				}
			}
		case Number:
			switch v.(type) {
			case float64, int, int64, json.Number:
			default:
				errs.Add(field, "connector.invalid_config", "must be a number")
				continue
			}
		case Switch:
			if _, ok := v.(bool); !ok {
				errs.Add(field, "connector.invalid_config", "must be true or false")
				continue
			}
		case JSON:
			if _, ok := v.(map[string]any); !ok {
				if _, ok := v.([]any); !ok {
					errs.Add(field, "connector.invalid_config", "must be a JSON object")
					continue
				}
			}
		}
		out[it.Key] = v
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func selectable(it FormItem, v string) bool {
	if len(it.SelectItems) == 0 {
		return true
	}
	for _, s := range it.SelectItems {
		if s.Value == v {
			return true
		}
	}
	return false
}
