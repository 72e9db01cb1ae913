package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// loadFile applies the YAML (or JSON) file at path onto c and returns every
// problem it finds, each naming the file, line and key.
//
// The file is walked as a yaml.Node rather than decoded into a struct with
// Decoder.KnownFields: that way values are parsed from their source text by
// the same functions as flags and env vars (a master secret that happens to
// look like a number stays exactly as written), and all unknown keys,
// duplicate keys and bad values are reported at once, each with its key.
func loadFile(c *Config, path string) []error {
	data, err := os.ReadFile(path)
	if err != nil {
		return []error{fmt.Errorf("config file: %w", err)}
	}
	fileErr := func(line int, format string, args ...any) error {
		return fmt.Errorf("config file %s: line %d: %s", path, line, fmt.Sprintf(format, args...))
	}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) { // empty file: nothing to apply
			return nil
		}
		return []error{fmt.Errorf("config file %s: %w", path, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return []error{fmt.Errorf("config file %s: want a single YAML document", path)}
	}

	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" { // only comments
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return []error{fileErr(root.Line, "top level must be a mapping of setting names to values")}
	}

	var errs []error
	seen := make(map[string]bool)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		key := k.Value
		fd, ok := fieldsByKey[key]
		switch {
		case k.Kind != yaml.ScalarNode:
			errs = append(errs, fileErr(k.Line, "keys must be plain names"))
			continue
		case !ok:
			errs = append(errs, fileErr(k.Line, "unknown key %q%s", key, suggest(key)))
			continue
		case seen[key]:
			errs = append(errs, fileErr(k.Line, "%s: key given twice", key))
			continue
		}
		seen[key] = true

		text, err := nodeText(fd, v)
		if err == nil && text == nil { // "key:" or "key: ~" leaves the default
			continue
		}
		if err == nil {
			err = fd.set(c, *text)
		}
		if err != nil {
			errs = append(errs, fileErr(v.Line, "%s: %v", key, err))
		}
	}
	return errs
}

// nodeText returns the source text of a value node, ready for field.set. A
// list field's sequence is joined with commas, which set splits again. A
// null value yields nil: the key is present but says nothing.
func nodeText(fd *field, v *yaml.Node) (*string, error) {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return nil, nil
		}
		return &v.Value, nil
	case yaml.SequenceNode:
		if !fd.list {
			return nil, errors.New("want a single value, got a list")
		}
		items := make([]string, 0, len(v.Content))
		for _, it := range v.Content {
			if it.Kind == yaml.AliasNode && it.Alias != nil {
				it = it.Alias
			}
			if it.Kind != yaml.ScalarNode {
				return nil, errors.New("list items must be plain values")
			}
			items = append(items, it.Value)
		}
		s := strings.Join(items, ",")
		return &s, nil
	}
	if fd.list {
		return nil, errors.New("want a list of values")
	}
	return nil, errors.New("want a single value")
}

// suggest helps with the most likely mistake: writing the flag or env var
// spelling (data-dir, DATA_DIR, MONBAN_DATA_DIR) instead of data_dir.
func suggest(key string) string {
	k := strings.ToLower(strings.ReplaceAll(key, "-", "_"))
	k = strings.TrimPrefix(k, "monban_")
	if _, ok := fieldsByKey[k]; ok {
		return fmt.Sprintf(" (did you mean %q?)", k)
	}
	if k == configFlag {
		return " (a config file cannot name another config file)"
	}
	return ""
}
