// Package application is the domain core for OAuth 2.0 clients as Logto has
// them: Traditional web, SPA, Native and Machine-to-machine applications,
// their redirect URIs and their secrets. Every front door (the CLI, the
// Management API, the console) creates and changes applications here.
package application

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// ErrInvalidClient: unknown client, or a secret that matches none of its
// live secrets. One error for both, so callers cannot tell them apart.
var ErrInvalidClient = errors.New("application: invalid client credentials")

// DefaultSecretName names the secret made with a new confidential application.
const DefaultSecretName = "Default secret"

// Service creates, changes and authenticates applications.
type Service struct {
	Store store.Store
	// Development accepts plain-http redirect URIs on any host; production
	// deployments accept http only on loopback hosts.
	Development bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// NewApplication is what Create needs; names follow Logto's API.
type NewApplication struct {
	Name                   string
	Description            string
	Type                   store.ApplicationType
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	CORSAllowedOrigins     []string
	IsThirdParty           bool
	// ManagementAPIAccess gives a machine-to-machine application the
	// built-in role "Logto Management API access" (its permission "all"),
	// in the same transaction.
	ManagementAPIAccess bool
	CustomData          map[string]any
}

// Create validates in and stores the application together with its first
// secret (confidential types only), in one transaction. The secret is
// returned in full here and never again.
func (s *Service) Create(ctx context.Context, in NewApplication) (*store.Application, string, error) {
	if err := s.validate(in); err != nil {
		return nil, "", err
	}
	now := s.now()
	app := &store.Application{
		ID: id.New(), Name: strings.TrimSpace(in.Name), Description: in.Description, Type: in.Type,
		RedirectURIs: nonNil(in.RedirectURIs), PostLogoutRedirectURIs: nonNil(in.PostLogoutRedirectURIs),
		CORSAllowedOrigins: nonNil(in.CORSAllowedOrigins), IsThirdParty: in.IsThirdParty,
		CustomData: in.CustomData, CreatedAt: now, UpdatedAt: now,
	}
	if app.CustomData == nil {
		app.CustomData = map[string]any{}
	}
	var secret string
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.CreateApplication(ctx, app); err != nil {
			return err
		}
		if in.ManagementAPIAccess {
			err := tx.AddApplicationRoles(ctx, app.ID, []string{store.ManagementAPIAccessRoleID})
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("the built-in role %q (Logto Management API access) was deleted: %w", store.ManagementAPIAccessRoleID, err)
			}
			if err != nil {
				return err
			}
		}
		if !app.Type.Confidential() {
			return nil
		}
		var err error
		_, secret, err = addSecret(ctx, tx, app.ID, DefaultSecretName, nil, now)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("create application: %w", err)
	}
	return app, secret, nil
}

func (s *Service) validate(in NewApplication) error {
	var errs validate.Errors
	if strings.TrimSpace(in.Name) == "" {
		errs.Add("name", "application.name_required", "must not be empty")
	} else if len(in.Name) > 256 {
		errs.Add("name", "application.name_too_long", "must be at most 256 characters")
	}
	if !in.Type.Valid() {
		errs.Add("type", "application.invalid_type", fmt.Sprintf("must be one of Traditional, SPA, Native, MachineToMachine; got %q", in.Type))
	}
	if in.ManagementAPIAccess && in.Type != store.AppMachineToMachine {
		errs.Add("type", "application.invalid_role_type", "only machine-to-machine applications can be given Management API access")
	}
	if in.IsThirdParty && in.Type.Valid() && in.Type != store.AppTraditional {
		// As Logto: third-party applications (shown a consent page) are
		// Traditional web applications.
		errs.Add("isThirdParty", "application.invalid_third_party_application_type", "only Traditional applications can be third-party")
	}
	rules := uriRules{allowPrivateScheme: in.Type == store.AppNative, allowHTTP: s.Development}
	if in.Type == store.AppMachineToMachine && len(in.RedirectURIs) > 0 {
		errs.Add("oidcClientMetadata.redirectUris", "application.m2m_redirect_uris",
			"machine-to-machine applications use client_credentials and have no redirect URIs")
	}
	for i, u := range in.RedirectURIs {
		if code, why := checkRedirectURI(u, rules); code != "" {
			errs.Add(fmt.Sprintf("oidcClientMetadata.redirectUris[%d]", i), code, fmt.Sprintf("%q: %s", u, why))
		}
	}
	for i, u := range in.PostLogoutRedirectURIs {
		if code, why := checkRedirectURI(u, rules); code != "" {
			errs.Add(fmt.Sprintf("oidcClientMetadata.postLogoutRedirectUris[%d]", i), code, fmt.Sprintf("%q: %s", u, why))
		}
	}
	for i, o := range in.CORSAllowedOrigins {
		if why := checkOrigin(o, s.Development); why != "" {
			errs.Add(fmt.Sprintf("customClientMetadata.corsAllowedOrigins[%d]", i), "application.invalid_origin", fmt.Sprintf("%q: %s", o, why))
		}
	}
	return errs.Err()
}

// AddSecret makes a new secret for a confidential application (several may
// be live at once, for rotation) and returns it in full, once.
func (s *Service) AddSecret(ctx context.Context, appID, name string, expiresAt *time.Time) (*store.ApplicationSecret, string, error) {
	var errs validate.Errors
	if strings.TrimSpace(name) == "" {
		errs.Add("name", "application.secret_name_required", "must not be empty")
	}
	if expiresAt != nil && !expiresAt.After(s.now()) {
		errs.Add("expiresAt", "application.secret_expiry_past", "must be in the future")
	}
	if err := errs.Err(); err != nil {
		return nil, "", err
	}
	app, err := s.Store.GetApplication(ctx, appID)
	if err != nil {
		return nil, "", err
	}
	if !app.Type.Confidential() {
		return nil, "", validate.FieldError{Field: "type", Code: "application.public_client_secret",
			Message: string(app.Type) + " applications are public clients and have no secrets"}
	}
	existing, err := s.Store.ListApplicationSecrets(ctx, appID)
	if err != nil {
		return nil, "", err
	}
	for _, sec := range existing {
		if sec.Name == strings.TrimSpace(name) {
			return nil, "", validate.FieldError{Field: "name", Code: "application.secret_name_already_in_use",
				Message: "this application already has a secret with this name"}
		}
	}
	return addSecret(ctx, s.Store, appID, strings.TrimSpace(name), expiresAt, s.now())
}

func addSecret(ctx context.Context, st store.Store, appID, name string, expiresAt *time.Time, now time.Time) (*store.ApplicationSecret, string, error) {
	secret := id.Secret()
	rec := &store.ApplicationSecret{
		ID: id.New(), ApplicationID: appID, Name: name, Hash: id.Hash(secret),
		Hint: secret[len(secret)-4:], CreatedAt: now, ExpiresAt: expiresAt,
	}
	if err := st.CreateApplicationSecret(ctx, rec); err != nil {
		return nil, "", err
	}
	return rec, secret, nil
}

// Authenticate checks a confidential client's id and secret against every
// live secret of the application, comparing SHA-256 digests in constant time
// (spec/security.md item 11).
func (s *Service) Authenticate(ctx context.Context, clientID, secret string) (*store.Application, error) {
	app, secrets, err := s.Store.GetApplicationWithSecrets(ctx, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidClient
	}
	if err != nil {
		return nil, err
	}
	want := id.Hash(secret)
	now := s.now()
	match := 0
	for _, sec := range secrets {
		live := sec.ExpiresAt == nil || sec.ExpiresAt.After(now)
		if subtle.ConstantTimeCompare(sec.Hash, want) == 1 && live {
			match = 1
		}
	}
	if match == 0 || secret == "" {
		return nil, ErrInvalidClient
	}
	return app, nil
}

// Get returns the application with that id (store.ErrNotFound if none).
func (s *Service) Get(ctx context.Context, id string) (*store.Application, error) {
	return s.Store.GetApplication(ctx, id)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Patch is a partial update of an application; nil members are left as
// they are. Names follow Logto's API.
type Patch struct {
	Name                   *string
	Description            *string
	RedirectURIs           *[]string
	PostLogoutRedirectURIs *[]string
	CORSAllowedOrigins     *[]string
	CustomData             map[string]any // nil: unchanged
	// MergeCustomData is merged into the stored custom data at the top
	// level, on the version being written (so concurrent merges all land).
	MergeCustomData map[string]any
}

// Update applies p to the application with that id, validating the result
// as Create does. Nothing is written when it fails.
func (s *Service) Update(ctx context.Context, appID string, p Patch) (*store.Application, error) {
	for range 3 { // a concurrent change bumps the version: retry
		app, err := s.Store.GetApplication(ctx, appID)
		if err != nil {
			return nil, err
		}
		if p.Name != nil {
			app.Name = *p.Name
		}
		if p.Description != nil {
			app.Description = *p.Description
		}
		if p.RedirectURIs != nil {
			app.RedirectURIs = nonNil(*p.RedirectURIs)
		}
		if p.PostLogoutRedirectURIs != nil {
			app.PostLogoutRedirectURIs = nonNil(*p.PostLogoutRedirectURIs)
		}
		if p.CORSAllowedOrigins != nil {
			app.CORSAllowedOrigins = nonNil(*p.CORSAllowedOrigins)
		}
		if p.CustomData != nil {
			app.CustomData = p.CustomData
		}
		if p.MergeCustomData != nil {
			merged := maps.Clone(app.CustomData)
			if merged == nil {
				merged = map[string]any{}
			}
			maps.Copy(merged, p.MergeCustomData)
			app.CustomData = merged
		}
		if err := s.validate(NewApplication{Name: app.Name, Type: app.Type, RedirectURIs: app.RedirectURIs,
			PostLogoutRedirectURIs: app.PostLogoutRedirectURIs, CORSAllowedOrigins: app.CORSAllowedOrigins}); err != nil {
			return nil, err
		}
		app.Name = strings.TrimSpace(app.Name)
		app.UpdatedAt = s.now()
		err = s.Store.UpdateApplication(ctx, app)
		if errors.Is(err, store.ErrStale) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("update application: %w", err)
		}
		return app, nil
	}
	return nil, fmt.Errorf("update application: %w", store.ErrStale)
}

// Delete removes the application and everything issued to it
// (store.ErrNotFound if none).
func (s *Service) Delete(ctx context.Context, appID string) error {
	return s.Store.DeleteApplication(ctx, appID)
}

// Secrets lists the application's secrets (hashes and hints only: the full
// values were shown once, at creation).
func (s *Service) Secrets(ctx context.Context, appID string) ([]*store.ApplicationSecret, error) {
	if _, err := s.Store.GetApplication(ctx, appID); err != nil {
		return nil, err
	}
	return s.Store.ListApplicationSecrets(ctx, appID)
}

// ErrSecretNotFound: the application has no secret of that name.
var ErrSecretNotFound = errors.New("application: no secret of that name")

// DeleteSecret removes the application's secret named name
// (store.ErrNotFound for an unknown application, ErrSecretNotFound for an
// unknown name).
func (s *Service) DeleteSecret(ctx context.Context, appID, name string) error {
	return s.Store.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.GetApplication(ctx, appID); err != nil {
			return err
		}
		secrets, err := tx.ListApplicationSecrets(ctx, appID)
		if err != nil {
			return err
		}
		for _, sec := range secrets {
			if sec.Name == name {
				return tx.DeleteApplicationSecret(ctx, appID, sec.ID)
			}
		}
		return ErrSecretNotFound
	})
}
