// Package boot assembles a deployment from its configuration: the master
// secret, the store (migrated), the signing keys and the domain services.
// Every command (serve, migrate, admin, keys) starts here, so they all see
// the same database the same way.
package boot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/config"
	"github.com/monban-dev/monban/internal/connector"
	// Each provider registers its factory (connector.Register) when imported.
	_ "github.com/monban-dev/monban/internal/connector/apple"
	_ "github.com/monban-dev/monban/internal/connector/azuread"
	_ "github.com/monban-dev/monban/internal/connector/discord"
	_ "github.com/monban-dev/monban/internal/connector/facebook"
	_ "github.com/monban-dev/monban/internal/connector/github"
	_ "github.com/monban-dev/monban/internal/connector/gitlab"
	_ "github.com/monban-dev/monban/internal/connector/google"
	_ "github.com/monban-dev/monban/internal/connector/linkedin"
	_ "github.com/monban-dev/monban/internal/connector/oauth2"
	_ "github.com/monban-dev/monban/internal/connector/oidc"
	_ "github.com/monban-dev/monban/internal/connector/patreon"
	_ "github.com/monban-dev/monban/internal/connector/slack"
	_ "github.com/monban-dev/monban/internal/connector/x"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/keys"
	"github.com/monban-dev/monban/internal/notify"
	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/secretbox"
	"github.com/monban-dev/monban/internal/session"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/store/sqlstore"
)

// Deployment is one opened deployment.
type Deployment struct {
	Config config.Config
	Store  store.Store
	Box    *secretbox.Box
	// CSRFKey keys the hosted pages' CSRF tokens (derived from the master
	// secret, so every node agrees).
	CSRFKey      []byte
	Keys         *keys.Manager
	Applications *application.Service
	Accounts     *account.Service
	Sessions     *session.Service
	Interactions *interaction.Service
	RBAC         *rbac.Service
	// SignInExperience is the deployment's sign-in and sign-up settings.
	SignInExperience *signinexp.Service
	// Email and SMS deliver verification codes; nil when not configured.
	Email notify.Sender
	SMS   notify.Sender
	// Connectors are the configured connectors (social sign-in).
	Connectors *connector.Service
	// Audit is the audit log (sign-ins, token errors, Management API
	// writes), pruned to Config.AuditLogRetention.
	Audit *audit.Service
}

// OpenStore opens and migrates the database the configuration names, and
// nothing else (`monban migrate`).
func OpenStore(ctx context.Context, cfg config.Config, logger *slog.Logger) (*sqlstore.Store, error) {
	opts := sqlstore.Options{PostgresDSN: cfg.Database, MaxOpenConns: cfg.DBMaxOpenConns, Logger: logger}
	if cfg.UsesSQLite() {
		if err := ensureDataDir(cfg.DataDir); err != nil {
			return nil, err
		}
		opts.SQLitePath = cfg.SQLitePath()
	}
	st, err := sqlstore.Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx, logger); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// Open opens the whole deployment.
func Open(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Deployment, error) {
	secret, err := masterSecret(cfg)
	if err != nil {
		return nil, err
	}
	box, err := secretbox.New(secret)
	if err != nil {
		return nil, fmt.Errorf("master secret: %w", err)
	}
	csrfKey, err := secretbox.DeriveKey(secret, "csrf v1")
	if err != nil {
		return nil, err
	}
	st, err := OpenStore(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Deployment, error) {
		st.Close()
		return nil, err
	}
	if err := checkMasterSecret(ctx, st, box); err != nil {
		return fail(err)
	}
	km, err := keys.Open(ctx, keys.Options{Store: st, Box: box, Algorithm: cfg.SigningAlg, Logger: logger})
	if err != nil {
		return fail(fmt.Errorf("signing keys: %w", err))
	}
	email, sms, err := senders(cfg)
	if err != nil {
		return fail(err)
	}
	cookiePath := cfg.BasePath() + "/"
	overrides := cfg.EndpointOverrides()
	return &Deployment{
		Connectors: &connector.Service{Store: st, Box: box,
			Env: func(target string) connector.Env { return connector.NewEnv(target, overrides) }},
		Email:        email,
		SMS:          sms,
		Audit:        &audit.Service{Store: st, Logger: logger, Retention: cfg.AuditLogRetention},
		Config:       cfg,
		Store:        st,
		Box:          box,
		CSRFKey:      csrfKey,
		Keys:         km,
		Applications: &application.Service{Store: st, Development: !cfg.Production},
		Accounts: &account.Service{Store: st, Params: password.DefaultParams,
			Limiter: password.NewLimiter(0)},
		Sessions:         &session.Service{Store: st, Secure: cfg.Secure(), CookiePath: cookiePath},
		Interactions:     &interaction.Service{Store: st, Secure: cfg.Secure(), CookiePath: cookiePath},
		RBAC:             &rbac.Service{Store: st},
		SignInExperience: &signinexp.Service{Store: st},
	}, nil
}

// Close releases the database.
func (d *Deployment) Close() error { return d.Store.Close() }

// masterSecret is the configured secret, or in development the one kept in
// the data directory (created 0600 on first start). Production never falls
// back to a generated secret: config.Validate refuses to start without one.
func masterSecret(cfg config.Config) ([]byte, error) {
	if cfg.MasterSecret != "" {
		return []byte(cfg.MasterSecret), nil
	}
	if cfg.Production {
		return nil, errors.New("production mode needs --master-secret (MONBAN_MASTER_SECRET)")
	}
	if err := ensureDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	return secretbox.LoadOrCreateMasterSecret(cfg.DataDir)
}

func ensureDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data directory %s: %w", dir, err)
	}
	return nil
}

const (
	checkKey       = "master-secret-check"
	checkPlaintext = "monban master secret check v1"
)

// checkMasterSecret stores, on first start, a value sealed with the master
// secret; later starts must open it. A node started with a different secret
// stops here with a clear message instead of failing later on every key.
func checkMasterSecret(ctx context.Context, st store.Store, box *secretbox.Box) error {
	stored, err := st.PutMetaIfAbsent(ctx, checkKey, box.Seal([]byte(checkPlaintext), []byte(checkKey)))
	if err != nil {
		return fmt.Errorf("master secret check: %w", err)
	}
	if _, err := box.Open(stored, []byte(checkKey)); err != nil {
		return errors.New("the master secret does not match the one this database was set up with: " +
			"use the same MONBAN_MASTER_SECRET on every node (or the master.key of the data directory that created it)")
	}
	return nil
}

// senders builds the configured email and SMS connectors.
func senders(cfg config.Config) (email, sms notify.Sender, err error) {
	switch {
	case cfg.EmailSMTPURL != "":
		if email, err = notify.NewSMTPFromURL(cfg.EmailSMTPURL); err != nil {
			return nil, nil, err
		}
	case cfg.EmailWebhookURL != "":
		email = &notify.Webhook{URL: cfg.EmailWebhookURL, Secret: cfg.WebhookSecret}
	}
	if cfg.SMSWebhookURL != "" {
		sms = &notify.Webhook{URL: cfg.SMSWebhookURL, Secret: cfg.WebhookSecret}
	}
	return email, sms, nil
}
