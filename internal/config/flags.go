package config

import (
	"errors"
	"flag"
	"fmt"
)

// Flags is the set of config flags registered on a FlagSet, so every
// subcommand (serve, migrate, admin create-app ...) shares them and resolves
// them the same way.
type Flags struct {
	fs *flag.FlagSet
}

// RegisterFlags registers every config flag on fs, with help text naming the
// environment variable; the flag package prints the default. Flags keep no
// value of their own until set on the command line: Load applies only the
// ones fs saw, so an unset flag never masks the environment or the file.
func RegisterFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{fs: fs}
	def := Default()
	for _, fd := range fields {
		v := &flagValue{owner: f, field: fd, def: fd.get(&def)}
		fs.Var(v, fd.name, fmt.Sprintf("%s (env %s)", fd.usage, fd.env()))
	}
	return f
}

// flagValue is the flag.Value of one config flag. It validates on Set, so a
// typo such as --shutdown-timeout=abc fails while the command line is
// parsed, and remembers the raw text for Load to apply in its turn.
type flagValue struct {
	owner *Flags
	field *field
	def   string // default, as shown in help
	raw   string // last value given on the command line
	isSet bool
}

func (v *flagValue) String() string {
	switch {
	case v == nil || v.field == nil: // zero value probed by flag.PrintDefaults
		return ""
	case v.isSet:
		return v.raw
	}
	return v.def
}

func (v *flagValue) Set(s string) error {
	var scratch Config
	if err := v.field.set(&scratch, s); err != nil {
		return err
	}
	v.raw, v.isSet = s, true
	return nil
}

// IsBoolFlag lets "--production" stand alone.
func (v *flagValue) IsBoolFlag() bool { return v.field != nil && v.field.isBool }

// Load builds the Config: defaults, then the file (path from the --config
// flag, else MONBAN_CONFIG), then the environment read through lookup
// (normally os.LookupEnv), then only the flags set explicitly on the
// FlagSet. Values are normalised (endpoint without trailing slash, log
// level lower case, signing algorithm upper case) but not validated; call
// Validate for that.
//
// Every problem found while reading (unreadable or malformed file, unknown
// file key, unparsable value) is reported together in one errors.Join, each
// naming its source, so a broken deployment is fixed in one round trip. On
// error the returned Config is the zero value.
//
// A nil *Flags loads without flags; a nil lookup reads no environment.
func (f *Flags) Load(lookup func(string) (string, bool)) (Config, error) {
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	explicit := f.explicit()
	var errs []error
	cfg := Default()

	path := getenv(lookup, envName(configFlag))
	for _, v := range explicit {
		if v.field.name == configFlag {
			path = v.raw
		}
	}
	if path != "" {
		errs = append(errs, loadFile(&cfg, path)...)
	}

	for _, fd := range fields {
		s := getenv(lookup, fd.env())
		if s == "" {
			continue
		}
		if err := fd.set(&cfg, s); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", fd.env(), err))
		}
	}

	for _, v := range explicit {
		if err := v.field.set(&cfg, v.raw); err != nil { // Set already checked; kept for safety
			errs = append(errs, fmt.Errorf("--%s: %w", v.field.name, err))
		}
	}

	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	cfg.normalize()
	return cfg, nil
}

// explicit returns the config flags set on the command line, in flag name
// order. Flags registered on the same FlagSet by other packages, or by
// another RegisterFlags call, are ignored.
func (f *Flags) explicit() []*flagValue {
	if f == nil || f.fs == nil {
		return nil
	}
	var out []*flagValue
	f.fs.Visit(func(fl *flag.Flag) {
		if v, ok := fl.Value.(*flagValue); ok && v.owner == f && v.isSet {
			out = append(out, v)
		}
	})
	return out
}

// getenv treats an empty variable as unset: container tooling often
// exports VAR= for variables it has no value for, and that should not
// override the file or fail to parse as a number.
func getenv(lookup func(string) (string, bool), name string) string {
	s, _ := lookup(name)
	return s
}
