package mgmt

import (
	"net/url"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// searchQueryOf reads Logto's search parameters from a list request:
//
//	search=<v>              one pattern over the default fields
//	search.<field>=<v>      over one field (repeatable in exact mode)
//	mode[.<field>]=like|exact   like (default) or exact, for all fields or one
//	joint=or|and            how the conditions combine (jointMode too)
//	isCaseSensitive=true    exact matches compare case
//
// A like pattern uses "%" as its wildcard; without one it matches as a
// substring (so search=alice and Logto's search=%alice% agree). "_" is
// literal. Logto's similar_to and posix modes are not supported. fields are
// the allowed <field> names. Problems are field errors naming the
// parameter.
func searchQueryOf(q url.Values, fields []string) (store.UserQuery, error) {
	var out store.UserQuery
	var errs validate.Errors
	modes := map[string]string{}
	values := map[string][]string{}
	var order []string
	fieldOf := func(key, prefix string) (string, bool) {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok || (rest != "" && rest[0] != '.') {
			return "", false
		}
		f := strings.TrimPrefix(rest, ".")
		if rest != "" && !slices.Contains(fields, f) {
			errs.Add(key, "request.invalid_input", "can search only "+strings.Join(fields, ", "))
			return "", false
		}
		return f, true
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if f, ok := fieldOf(k, "mode"); ok {
			m := strings.ToLower(q.Get(k))
			if m != "like" && m != "exact" {
				errs.Add(k, "request.invalid_input", "must be like or exact")
				continue
			}
			modes[f] = m
		}
		if f, ok := fieldOf(k, "search"); ok {
			values[f] = q[k]
			order = append(order, f)
		}
	}
	switch j := strings.ToLower(firstOf(q, "joint", "jointMode")); j {
	case "", "or":
	case "and":
		out.All = true
	default:
		errs.Add("joint", "request.invalid_input", "must be or or and")
	}
	switch c := strings.ToLower(q.Get("isCaseSensitive")); c {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		out.CaseSensitive = true
	default:
		errs.Add("isCaseSensitive", "request.invalid_input", "must be true or false")
	}
	for _, f := range order {
		key := "search"
		if f != "" {
			key += "." + f
		}
		mode, ok := modes[f]
		if !ok {
			mode = modes[""]
		}
		vs := values[f]
		exact := mode == "exact"
		if slices.Contains(vs, "") {
			errs.Add(key, "request.invalid_input", "must not be empty")
			continue
		}
		if !exact && len(vs) > 1 {
			errs.Add(key, "request.invalid_input", "takes one value unless its mode is exact")
			continue
		}
		if !exact && out.CaseSensitive {
			errs.Add("isCaseSensitive", "request.invalid_input", "applies to exact matches only; like matches ignore case")
			continue
		}
		out.Matches = append(out.Matches, store.UserMatch{Field: store.UserField(f), Exact: exact, Values: vs})
	}
	return out, errs.Err()
}

func firstOf(q url.Values, keys ...string) string {
	for _, k := range keys {
		if v := q.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// userSearchFields are the fields of search.<field> on /api/users.
var userSearchFields = func() []string {
	out := make([]string, len(store.UserFields))
	for i, f := range store.UserFields {
		out[i] = string(f)
	}
	return out
}()

// matches applies q in memory to an entity whose searchable fields are
// values (by name); defaults are the fields a plain search looks at.
func matches(q store.UserQuery, values map[string]string, defaults []string) bool {
	if len(q.Matches) == 0 {
		return true
	}
	for _, m := range q.Matches {
		fields := []string{string(m.Field)}
		if m.Field == "" {
			fields = defaults
		}
		hit := false
		for _, f := range fields {
			v := values[f]
			for _, want := range m.Values {
				switch {
				case m.Exact && q.CaseSensitive:
					hit = hit || v == want
				case m.Exact:
					hit = hit || strings.EqualFold(v, want)
				default:
					hit = hit || likeMatch(strings.ToLower(v), strings.ToLower(want))
				}
			}
		}
		if q.All && !hit {
			return false
		}
		if !q.All && hit {
			return true
		}
	}
	return q.All
}

// likeMatch: "%" matches any run of characters; without "%" the pattern
// is a substring.
func likeMatch(s, pattern string) bool {
	if !strings.Contains(pattern, "%") {
		return strings.Contains(s, pattern)
	}
	parts := strings.Split(pattern, "%")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}
