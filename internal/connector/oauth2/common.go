package oauth2

import (
	"encoding/base64"
	"fmt"

	"github.com/monban-dev/monban/internal/connector"
)

// SVGLogo makes a data: URI of an inline SVG.
func SVGLogo(svg string) string {
	return "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(svg))
}

// ClientFormItems are the clientId, clientSecret and scope items every
// OAuth-based connector has.
func ClientFormItems(defaultScope, scopeHelp string) []connector.FormItem {
	return []connector.FormItem{
		{Key: "clientId", Label: "Client ID", Type: connector.Text, Required: true, Placeholder: "<client-id>"},
		{Key: "clientSecret", Label: "Client Secret", Type: connector.Text, Required: true, IsConfidential: true, Placeholder: "<client-secret>"},
		{Key: "scope", Label: "Scope", Type: connector.Text, DefaultValue: defaultScope, Placeholder: defaultScope,
			Description: scopeHelp, Tooltip: "Space-separated scopes requested at the provider."},
	}
}

// Readme is the set-up guide shared by the provider connectors.
func Readme(provider, consolePlace, extra string) string {
	return fmt.Sprintf(`# %[1]s connector

Lets users sign in with their %[1]s account.

## Set up

1. At %[2]s, create an OAuth application (client).
2. Set its redirect (callback) URI to `+"`{endpoint}/callback/{connectorId}`"+`, where
   `+"`{endpoint}`"+` is this Monban server's public URL and `+"`{connectorId}`"+` is the id
   of this connector (the console shows the exact URL with a copy button).
   The URI must match byte for byte.
3. Paste the application's Client ID and Client Secret here.
%[3]s
## Troubleshooting

- "redirect URI mismatch": the registered URI differs from
  `+"`{endpoint}/callback/{connectorId}`"+`; register the exact URL shown in the console.
- "invalid client": the Client ID or Client Secret is wrong or was rotated.
`, provider, consolePlace, extra)
}
