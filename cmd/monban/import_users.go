package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/boot"
	"github.com/monban-dev/monban/internal/mgmt"
	"github.com/monban-dev/monban/internal/validate"
)

// maxImportLine bounds one line of an import file (one user).
const maxImportLine = 1 << 20

// importSummary is what import-users prints.
type importSummary struct {
	Imported int      `json:"imported"`
	IDs      []string `json:"ids"`
}

// importUsersFlags: monban admin import-users --file users.jsonl. Each
// non-blank line is one user in Logto's POST /api/users shape (with
// passwordDigest + passwordAlgorithm for an existing hash). All or nothing:
// one bad line and no user is created; errors name the line and field.
func importUsersFlags(fs *flag.FlagSet) func(context.Context, *boot.Deployment) (any, error) {
	file := fs.String("file", "", "JSON Lines file, one Logto-shaped user per line (required; - for stdin)")
	return func(ctx context.Context, d *boot.Deployment) (any, error) {
		if *file == "" {
			return nil, validate.FieldError{Field: "--file", Code: "required", Message: "is required"}
		}
		users, lines, err := readImportFile(*file)
		if err != nil {
			return nil, err
		}
		if len(users) == 0 {
			return nil, validate.FieldError{Field: "--file", Code: "empty", Message: "has no users"}
		}
		created, err := d.Accounts.ImportUsers(ctx, users)
		if err != nil {
			return nil, byLine(err, lines)
		}
		out := importSummary{Imported: len(created), IDs: make([]string, len(created))}
		for i, u := range created {
			out.IDs[i] = u.ID
		}
		return out, nil
	}
}

// readImportFile decodes the users of path and the line number of each.
func readImportFile(path string) ([]account.NewUser, []int, error) {
	f := os.Stdin
	if path != "-" {
		var err error
		if f, err = os.Open(path); err != nil {
			return nil, nil, validate.FieldError{Field: "--file", Code: "unreadable", Message: err.Error()}
		}
		defer f.Close()
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), maxImportLine)
	var (
		users []account.NewUser
		lines []int
		errs  validate.Errors
	)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		where := "line " + strconv.Itoa(n)
		var u mgmt.ImportedUser
		dec := json.NewDecoder(bytes.NewReader(line))
		if err := dec.Decode(&u); err != nil || dec.More() || line[0] != '{' {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				errs.Add(where+": "+te.Field, "invalid_type", "has the wrong JSON type")
			} else {
				errs.Add(where, "invalid_json", "is not one JSON object")
			}
			continue
		}
		nu, err := u.NewUser()
		if fe, ok := validate.As(err); ok {
			for _, e := range fe {
				errs.Add(where+": "+e.Field, e.Code, e.Message)
			}
			continue
		}
		users, lines = append(users, nu), append(lines, n)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, validate.FieldError{Field: "--file", Code: "unreadable", Message: err.Error()}
	}
	return users, lines, errs.Err()
}

var userIndex = regexp.MustCompile(`^users\[(\d+)\]\.?`)

// byLine renames the domain's "users[i].field" errors to "line N: field".
func byLine(err error, lines []int) error {
	errs, ok := validate.As(err)
	if !ok {
		return err
	}
	out := make(validate.Errors, len(errs))
	for j, e := range errs {
		if m := userIndex.FindStringSubmatch(e.Field); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(lines) {
				e.Field = fmt.Sprintf("line %d: %s", lines[i], e.Field[len(m[0]):])
			}
		}
		out[j] = e
	}
	return out
}
