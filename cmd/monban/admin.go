package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/boot"
	"github.com/monban-dev/monban/internal/config"
	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

const adminUsage = `Usage: monban admin <subcommand> [flags]

Subcommands (each prints exactly one JSON object on stdout):
  create-user     --username NAME --password PASSWORD [--email EMAIL] [--admin]   => {"id": "..."}
  create-app      --type traditional|spa|native|m2m --name NAME
                  [--redirect-uri URI]... [--post-logout-redirect-uri URI]...      => {"id": "...", "secret": "..."}
  create-m2m-app  --name NAME (a machine-to-machine app with Management API access) => {"id": "...", "secret": "..."}
  create-resource --name NAME --indicator URI [--access-token-ttl 3600] [--default]  => {"id": "..."}
  create-connector --connector-id FACTORY --config JSON [--metadata JSON] [--sync-profile]
                  (e.g. --connector-id patreon-universal --config '{"clientId":"..","clientSecret":".."}')
                                                                                   => {"id": "..."}
  import-users    --file users.jsonl (one Logto-shaped user per line, e.g. with
                  passwordDigest + passwordAlgorithm; all or nothing)             => {"imported": N, "ids": [...]}
  get-sign-in-exp                                                                  => the sign-in experience
  patch-sign-in-exp --json '{"signInMode": "SignIn", ...}'  (Logto's PATCH /api/sign-in-exp body)
                                                                                   => the sign-in experience

They work on the database directly (same --data-dir / --database flags as serve),
also while a server runs on it.
`

// admin runs "monban admin ...". Flags follow the subcommand.
func admin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New("admin needs a subcommand\n\n" + adminUsage)}
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("monban admin "+sub, flag.ContinueOnError)
	var do func(context.Context, *boot.Deployment) (any, error)
	switch sub {
	case "create-user":
		do = createUserFlags(fs)
	case "create-app":
		do = createAppFlags(fs)
	case "create-m2m-app":
		do = createM2MAppFlags(fs)
	case "create-resource":
		do = createResourceFlags(fs)
	case "create-connector":
		var cfgJSON string
		cfgJSON, rest = connectorConfigArg(rest)
		do = createConnectorFlags(fs, cfgJSON)
	case "import-users":
		do = importUsersFlags(fs)
	case "get-sign-in-exp":
		do = func(ctx context.Context, d *boot.Deployment) (any, error) { return d.SignInExperience.Get(ctx) }
	case "patch-sign-in-exp":
		do = patchSignInExpFlags(fs)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, adminUsage)
		return nil
	default:
		return usageError{fmt.Errorf("unknown admin subcommand %q\n\n%s", sub, adminUsage)}
	}
	cfg, err := parseConfig(fs, rest, stderr)
	if err != nil {
		return err
	}
	d, err := boot.Open(ctx, cfg, quietLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer d.Close()
	out, err := do(ctx, d)
	if err != nil {
		if errs, ok := validate.As(err); ok {
			return usageError{errs}
		}
		return err
	}
	return json.NewEncoder(stdout).Encode(out)
}

// quietLogger keeps admin commands to warnings: stdout is for the JSON.
func quietLogger(cfg config.Config, stderr io.Writer) *slog.Logger {
	if cfg.LogLevel == "info" {
		cfg.LogLevel = "warn"
	}
	return newLogger(cfg, stderr)
}

type idSecret struct {
	ID     string `json:"id"`
	Secret string `json:"secret,omitempty"`
}

func createUserFlags(fs *flag.FlagSet) func(context.Context, *boot.Deployment) (any, error) {
	username := fs.String("username", "", "username (required)")
	pw := fs.String("password", "", "password (required, at least 8 characters)")
	email := fs.String("email", "", "primary email")
	isAdmin := fs.Bool("admin", false, "give this user access to the admin console")
	return func(ctx context.Context, d *boot.Deployment) (any, error) {
		var errs validate.Errors
		if *username == "" {
			errs.Add("--username", "required", "is required")
		}
		if *pw == "" {
			errs.Add("--password", "required", "is required")
		}
		if err := errs.Err(); err != nil {
			return nil, err
		}
		u, err := d.Accounts.CreateUser(ctx, account.NewUser{Username: *username, Password: *pw,
			PrimaryEmail: *email, IsAdmin: *isAdmin})
		if err != nil {
			return nil, cliFields(err, map[string]string{"username": "--username", "password": "--password", "primaryEmail": "--email"})
		}
		return idSecret{ID: u.ID}, nil
	}
}

var appTypes = map[string]store.ApplicationType{
	"traditional": store.AppTraditional, "spa": store.AppSPA, "native": store.AppNative,
	"m2m": store.AppMachineToMachine, "machinetomachine": store.AppMachineToMachine,
}

func createAppFlags(fs *flag.FlagSet) func(context.Context, *boot.Deployment) (any, error) {
	typ := fs.String("type", "", "traditional, spa, native or m2m (required)")
	name := fs.String("name", "", "application name (required)")
	var redirects, logouts, origins stringList
	fs.Var(&redirects, "redirect-uri", "redirect URI (repeatable)")
	fs.Var(&logouts, "post-logout-redirect-uri", "post-logout redirect URI (repeatable)")
	fs.Var(&origins, "cors-origin", "allowed CORS origin (repeatable)")
	return func(ctx context.Context, d *boot.Deployment) (any, error) {
		t, ok := appTypes[strings.ToLower(*typ)]
		if !ok {
			return nil, validate.FieldError{Field: "--type", Code: "invalid", Message: fmt.Sprintf("must be traditional, spa, native or m2m; got %q", *typ)}
		}
		return createApp(ctx, d, application.NewApplication{Name: *name, Type: t,
			RedirectURIs: redirects, PostLogoutRedirectURIs: logouts, CORSAllowedOrigins: origins})
	}
}

func createM2MAppFlags(fs *flag.FlagSet) func(context.Context, *boot.Deployment) (any, error) {
	name := fs.String("name", "", "application name (required)")
	return func(ctx context.Context, d *boot.Deployment) (any, error) {
		return createApp(ctx, d, application.NewApplication{Name: *name, Type: store.AppMachineToMachine,
			ManagementAPIAccess: true, Description: "Management API access"})
	}
}

func createApp(ctx context.Context, d *boot.Deployment, in application.NewApplication) (any, error) {
	app, secret, err := d.Applications.Create(ctx, in)
	if err != nil {
		return nil, cliFields(err, map[string]string{"name": "--name", "type": "--type",
			"oidcClientMetadata.redirectUris":           "--redirect-uri",
			"oidcClientMetadata.postLogoutRedirectUris": "--post-logout-redirect-uri",
			"customClientMetadata.corsAllowedOrigins":   "--cors-origin"})
	}
	return idSecret{ID: app.ID, Secret: secret}, nil
}

func createResourceFlags(fs *flag.FlagSet) func(context.Context, *boot.Deployment) (any, error) {
	name := fs.String("name", "", "resource name (required)")
	indicator := fs.String("indicator", "", "API identifier, an absolute URI such as https://api.example.com (required)")
	ttl := fs.Int("access-token-ttl", 3600, "access token lifetime in seconds")
	isDefault := fs.Bool("default", false, "use this resource when a token request names none")
	return func(ctx context.Context, d *boot.Deployment) (any, error) {
		r, err := d.RBAC.CreateResource(ctx, rbac.NewResource{Name: *name, Indicator: *indicator,
			AccessTokenTTL: time.Duration(*ttl) * time.Second, IsDefault: *isDefault})
		if err != nil {
			return nil, cliFields(err, map[string]string{"name": "--name", "indicator": "--indicator", "accessTokenTtl": "--access-token-ttl"})
		}
		return idSecret{ID: r.ID}, nil
	}
}

// connectorConfigArg takes create-connector's --config JSON out of args:
// --config is also the settings file flag, so a value that is a JSON object
// is the connector's config and anything else the settings file.
func connectorConfigArg(args []string) (string, []string) {
	cfg, out := "{}", make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "config" {
			if !hasVal && i+1 < len(args) {
				val = args[i+1]
			}
			if strings.HasPrefix(strings.TrimSpace(val), "{") {
				cfg = val
				if !hasVal {
					i++
				}
				continue
			}
		}
		out = append(out, a)
	}
	return cfg, out
}

func createConnectorFlags(fs *flag.FlagSet, cfgJSON string) func(context.Context, *boot.Deployment) (any, error) {
	factory := fs.String("connector-id", "", "connector factory id, e.g. patreon-universal (required)")
	mdJSON := fs.String("metadata", "", "metadata overrides (name, logo, target), as a JSON object")
	sync := fs.Bool("sync-profile", false, "refresh the user's name and avatar from the provider at each sign-in")
	return func(ctx context.Context, d *boot.Deployment) (any, error) {
		if *factory == "" {
			return nil, validate.FieldError{Field: "--connector-id", Code: "required", Message: "is required"}
		}
		var cfg, md map[string]any
		if err := json.Unmarshal([]byte(cfgJSON), &cfg); err != nil {
			return nil, validate.FieldError{Field: "--config", Code: "invalid_json", Message: "must be a JSON object"}
		}
		if *mdJSON != "" {
			if err := json.Unmarshal([]byte(*mdJSON), &md); err != nil {
				return nil, validate.FieldError{Field: "--metadata", Code: "invalid_json", Message: "must be a JSON object"}
			}
		}
		c, err := d.Connectors.Create(ctx, *factory, cfg, md, *sync)
		if err != nil {
			return nil, cliFields(err, map[string]string{"connectorId": "--connector-id"})
		}
		return idSecret{ID: c.ID}, nil
	}
}

func patchSignInExpFlags(fs *flag.FlagSet) func(context.Context, *boot.Deployment) (any, error) {
	body := fs.String("json", "", "the changes, as Logto's PATCH /api/sign-in-exp body (JSON object)")
	return func(ctx context.Context, d *boot.Deployment) (any, error) {
		if *body == "" {
			return nil, validate.FieldError{Field: "--json", Code: "required", Message: "is required"}
		}
		return d.SignInExperience.Patch(ctx, []byte(*body))
	}
}

// cliFields renames API field names in validation errors to the flags the
// user typed.
func cliFields(err error, names map[string]string) error {
	errs, ok := validate.As(err)
	if !ok {
		return err
	}
	out := make(validate.Errors, len(errs))
	for i, f := range errs {
		base, idx, _ := strings.Cut(f.Field, "[")
		if flagName, ok := names[base]; ok {
			f.Field = flagName
			if idx != "" {
				f.Field += " #" + strings.TrimSuffix(idx, "]")
			}
		}
		out[i] = f
	}
	return out
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
