package mgmt_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// validateValue checks v (decoded JSON) against an OpenAPI 3.0 schema, for
// the subset Monban's document uses: $ref, type, nullable, enum, required,
// properties, additionalProperties, items, maxItems, maxLength. A member
// that a schema with properties does not document is a problem too
// (unless additionalProperties is true): that is how a response drifts
// away from its documentation.
func validateValue(doc map[string]any, schema map[string]any, v any, at string) []string {
	var errs []string
	bad := func(f string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(f, args...)) }
	for depth := 0; schema["$ref"] != nil; depth++ {
		ref, _ := schema["$ref"].(string)
		target, ok := lookupRef(doc, ref)
		if !ok || depth > 20 {
			bad("$ref %s does not resolve", ref)
			return errs
		}
		schema = target
	}
	if v == nil {
		if schema["nullable"] != true && schema["type"] != nil {
			bad("null, but the schema is not nullable")
		}
		return errs
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		bad("%v is not one of %v", v, enum)
	}
	typ, _ := schema["type"].(string)
	switch typ {
	case "":
		// any value
	case "string":
		s, ok := v.(string)
		if !ok {
			bad("%s, want a string", kindOf(v))
		} else if max, ok := schema["maxLength"].(float64); ok && float64(len([]rune(s))) > max {
			bad("string longer than %v", max)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("%s, want a boolean", kindOf(v))
		}
	case "number":
		if _, ok := v.(float64); !ok {
			bad("%s, want a number", kindOf(v))
		}
	case "integer":
		if f, ok := v.(float64); !ok || f != math.Trunc(f) {
			bad("%s %v, want an integer", kindOf(v), v)
		}
	case "array":
		l, ok := v.([]any)
		if !ok {
			bad("%s, want an array", kindOf(v))
			break
		}
		if max, ok := schema["maxItems"].(float64); ok && float64(len(l)) > max {
			bad("%d items, at most %v", len(l), max)
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range l {
				errs = append(errs, validateValue(doc, items, e, at+"["+strconv.Itoa(i)+"]")...)
			}
		}
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("%s, want an object", kindOf(v))
			break
		}
		req, _ := schema["required"].([]any)
		for _, r := range req {
			if _, ok := m[r.(string)]; !ok {
				bad("required member %s missing", r)
			}
		}
		props, _ := schema["properties"].(map[string]any)
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			p, ok := props[k].(map[string]any)
			if !ok {
				if props != nil && schema["additionalProperties"] != true {
					bad("member %s is not documented", k)
				}
				continue
			}
			errs = append(errs, validateValue(doc, p, m[k], at+"."+k)...)
		}
	default:
		bad("unknown schema type %q", typ)
	}
	return errs
}

func lookupRef(doc map[string]any, ref string) (map[string]any, bool) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, false
	}
	var cur any = doc
	for _, part := range strings.Split(rest, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur = m[part]
	}
	m, ok := cur.(map[string]any)
	return m, ok
}

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// responseProblems checks a response against the operation's documented
// responses: its status must be documented, and its body must validate
// against that status's schema (no body where none is documented).
func responseProblems(doc map[string]any, op operation, r response) []string {
	resp, ok := op.responses[strconv.Itoa(r.status)].(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("status %d is not documented", r.status)}
	}
	content, _ := resp["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	schema, _ := media["schema"].(map[string]any)
	if schema == nil {
		if len(strings.TrimSpace(string(r.raw))) > 0 {
			return []string{fmt.Sprintf("status %d documents no body, got %s", r.status, r.raw)}
		}
		return nil
	}
	var v any
	if err := json.Unmarshal(r.raw, &v); err != nil {
		return []string{fmt.Sprintf("status %d: body is not JSON: %v", r.status, err)}
	}
	return validateValue(doc, schema, v, "body")
}

// TestSchemaValidatorCatches: the validator is not a rubber stamp.
func TestSchemaValidatorCatches(t *testing.T) {
	doc := map[string]any{"components": map[string]any{"schemas": map[string]any{
		"Thing": map[string]any{"type": "object", "required": []any{"id"}, "properties": map[string]any{
			"id":    map[string]any{"type": "string"},
			"n":     map[string]any{"type": "integer"},
			"kind":  map[string]any{"type": "string", "enum": []any{"a", "b"}},
			"maybe": map[string]any{"type": "string", "nullable": true},
			"tags":  map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			"free":  map[string]any{"type": "object", "additionalProperties": true},
		}},
	}}}
	ref := map[string]any{"$ref": "#/components/schemas/Thing"}
	good := `{"id":"x","n":3,"kind":"a","maybe":null,"tags":["t"],"free":{"anything":[1]}}`
	var v any
	json.Unmarshal([]byte(good), &v)
	if errs := validateValue(doc, ref, v, "body"); len(errs) != 0 {
		t.Errorf("good value refused: %q", errs)
	}
	for _, bad := range []string{
		`{"n":3}`, `{"id":5}`, `{"id":"x","n":1.5}`, `{"id":"x","kind":"c"}`, `{"id":"x","tags":[1]}`,
		`{"id":"x","tags":"t"}`, `{"id":"x","undocumented":true}`, `{"id":"x","n":null}`, `[]`, `"x"`,
	} {
		json.Unmarshal([]byte(bad), &v)
		if errs := validateValue(doc, ref, v, "body"); len(errs) == 0 {
			t.Errorf("%s passed", bad)
		}
	}
	if errs := validateValue(doc, map[string]any{"$ref": "#/components/schemas/Nope"}, "x", "body"); len(errs) == 0 {
		t.Error("a dangling $ref passed")
	}
	op := operation{responses: map[string]any{"204": map[string]any{"description": "x"}}}
	if len(responseProblems(doc, op, response{status: 200, raw: []byte(`{}`)})) == 0 {
		t.Error("an undocumented status passed")
	}
	if len(responseProblems(doc, op, response{status: 204, raw: []byte(`{"a":1}`)})) == 0 {
		t.Error("a body where none is documented passed")
	}
}
