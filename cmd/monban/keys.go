package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/monban-dev/monban/internal/boot"
)

const keysUsage = `Usage: monban keys <subcommand> [flags]

  rotate   the published next key starts signing, the current one retires (it stays
           in the JWKS until its tokens expire) and a new next key is published
  list     the keys in the JWKS, as JSON
`

func keysCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New("keys needs a subcommand\n\n" + keysUsage)}
	}
	sub, rest := args[0], args[1:]
	if sub != "rotate" && sub != "list" {
		return usageError{fmt.Errorf("unknown keys subcommand %q\n\n%s", sub, keysUsage)}
	}
	fs := flag.NewFlagSet("monban keys "+sub, flag.ContinueOnError)
	cfg, err := parseConfig(fs, rest, stderr)
	if err != nil {
		return err
	}
	d, err := boot.Open(ctx, cfg, quietLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer d.Close()
	if sub == "rotate" {
		kid, err := d.Keys.Rotate(ctx)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(map[string]string{"current": kid})
	}
	return json.NewEncoder(stdout).Encode(map[string]any{"keys": d.Keys.Published()})
}
