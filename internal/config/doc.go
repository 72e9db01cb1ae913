// Package config builds the settings of the monban binary from four layers.
//
// Precedence, highest first:
//
//  1. command-line flags that were set explicitly (--log-level, ...);
//  2. environment variables MONBAN_* (MONBAN_LOG_LEVEL, ...);
//  3. the optional config file, YAML (so JSON works too), named by --config
//     or MONBAN_CONFIG; its keys are the flag names in snake_case;
//  4. the built-in defaults, see [Default].
//
// Every setting is described once (fields.go): its flag name is the source of
// truth, and the environment variable and file key are derived from it, so the
// three spellings cannot drift apart.
//
// # Worked example
//
// Given the file /etc/monban.yaml
//
//	addr: 0.0.0.0:3001
//	endpoint: https://id.example.com/auth/
//	log_level: debug
//	trusted_proxies: [10.0.0.0/8]
//
// and the command line
//
//	MONBAN_CONFIG=/etc/monban.yaml MONBAN_LOG_LEVEL=warn MONBAN_ADDR=:8080 \
//	    monban serve --log-level=info
//
// [Flags.Load] produces
//
//	Addr            ":8080"                       env beats file
//	LogLevel        "info"                        flag beats env and file, even
//	                                              though "info" is also the default
//	Endpoint        "https://id.example.com/auth" from the file, trailing slash trimmed
//	TrustedProxies  ["10.0.0.0/8"]                from the file
//	DataDir         "./monban-data"               default: nobody set it
//
// and, derived from it, Issuer() is "https://id.example.com/auth/oidc" and
// BasePath() is "/auth".
//
// An empty environment variable counts as unset, because container tooling
// routinely exports VAR= for variables it has no value for. To clear a
// setting that the file sets, pass the flag with an empty value.
//
// Load only parses; it does not judge. Call [Config.Validate] afterwards so
// that every mistake is reported at once, each naming the flag and
// environment variable that fixes it.
package config
