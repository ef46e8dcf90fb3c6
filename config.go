package tributary

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/invopop/jsonschema"
)

// FieldError is one problem with one field of a connector's settings or
// credentials. Decoding and validation join every FieldError they find, so a
// user sees all the problems at once; ConfigProblems lists them.
type FieldError struct {
	// Field is the path of the field, such as "settings.roots" or
	// "credentials.token". It is "settings" or "credentials" for a problem
	// with the object as a whole.
	Field   string
	Problem string
}

// Error returns "field: problem".
func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// Is makes every FieldError match ErrInvalidConfig.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidConfig }

// InvalidField returns a FieldError for the field. Settings and credentials
// types use it in their Validate methods, naming fields by their JSON names;
// the decoder prefixes "settings." or "credentials.".
func InvalidField(field, format string, args ...any) error {
	return &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// ConfigProblems returns every FieldError in err's tree, in order.
func ConfigProblems(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if fe, ok := err.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// Defaulter is implemented by settings and credentials types whose fields
// have defaults other than their zero values: SetDefaults fills them in
// before the configuration is decoded over it.
type Defaulter interface {
	SetDefaults()
}

// Validator is implemented by settings and credentials types that check
// their values after decoding. Validate returns every problem, joined, each
// made with InvalidField.
type Validator interface {
	Validate() error
}

// DecodeConfig decodes settings and credentials strictly into S and C: an
// unknown or misspelt field, a missing required field, a value of the wrong
// type and every problem reported by the types' Validate methods are all
// reported at once, as FieldErrors joined under ErrInvalidConfig. Empty or
// null input decodes as an empty object. Defaults come from SetDefaults.
func DecodeConfig[S, C any](settings, credentials json.RawMessage) (S, C, error) {
	s, errS := decodeObject[S]("settings", settings)
	c, errC := decodeObject[C]("credentials", credentials)
	if err := errors.Join(errS, errC); err != nil {
		var zs S
		var zc C
		return zs, zc, &Error{Op: "decode configuration", Kind: ErrInvalidConfig, Err: err}
	}
	return s, c, nil
}

func decodeObject[T any](name string, raw json.RawMessage) (T, error) {
	var v T
	if d, ok := any(&v).(Defaulter); ok {
		d.SetDefaults()
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		raw = []byte("{}")
	}
	if raw[0] != '{' {
		return v, &FieldError{Field: name, Problem: "must be a JSON object"}
	}
	problems := checkFields(name, raw, schemaOf(reflect.TypeFor[T]()))
	if len(problems) == 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			problems = append(problems, decodeProblem(name, err))
		} else if dec.More() {
			problems = append(problems, &FieldError{Field: name, Problem: "trailing data after the JSON object"})
		}
	}
	if len(problems) == 0 {
		if val, ok := any(&v).(Validator); ok {
			if err := val.Validate(); err != nil {
				problems = append(problems, prefixFields(name, err)...)
			}
		}
	}
	return v, errors.Join(problems...)
}

// checkFields reports, with their full paths, the unknown and missing
// required fields of raw against the schema s, descending into nested
// objects and arrays. Values of the wrong type are left to the decoder.
func checkFields(path string, raw json.RawMessage, s *jsonschema.Schema) []error {
	if s == nil {
		return nil
	}
	var problems []error
	if s.Items != nil {
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) == nil {
			for i, e := range elems {
				problems = append(problems, checkFields(fmt.Sprintf("%s[%d]", path, i), e, s.Items)...)
			}
		}
		return problems
	}
	var fields map[string]json.RawMessage
	if s.Properties == nil || json.Unmarshal(raw, &fields) != nil || fields == nil {
		return nil
	}
	known := propertyNames(s)
	for _, k := range sortedKeys(fields) {
		prop, ok := s.Properties.Get(k)
		if !ok {
			problems = append(problems, &FieldError{Field: path + "." + k, Problem: unknownFieldProblem(k, known)})
			continue
		}
		problems = append(problems, checkFields(path+"."+k, fields[k], prop)...)
	}
	for _, k := range s.Required {
		if r, ok := fields[k]; !ok || isEmptyJSON(r) {
			problems = append(problems, &FieldError{Field: path + "." + k, Problem: "required"})
		}
	}
	return problems
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func isEmptyJSON(r json.RawMessage) bool {
	switch string(bytes.TrimSpace(r)) {
	case "null", `""`, "[]", "{}":
		return true
	}
	return false
}

func unknownFieldProblem(k string, known []string) string {
	best, bestDist := "", 3
	for _, cand := range known {
		if d := editDistance(strings.ToLower(k), strings.ToLower(cand)); d < bestDist {
			best, bestDist = cand, d
		}
	}
	if best != "" {
		return fmt.Sprintf("unknown field (did you mean %q?)", best)
	}
	return "unknown field"
}

func decodeProblem(name string, err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		field := name
		if te.Field != "" {
			field += "." + te.Field
		}
		return &FieldError{Field: field, Problem: fmt.Sprintf("must be %s, not %s", jsonKind(te.Type), te.Value)}
	}
	msg := err.Error()
	// Errors from UnmarshalJSON methods name no field; nested unknown
	// fields are reported by encoding/json as `json: unknown field "x"`.
	msg = strings.TrimPrefix(msg, "json: ")
	return &FieldError{Field: name, Problem: msg}
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// PrefixFields names the problems in err under prefix, as DecodeConfig
// names those a Validate method reports: a FieldError for "state" becomes
// one for "settings.state", and an error that is no FieldError becomes one
// for prefix itself, so no problem is lost. A connector's New uses it to
// report the problems of settings and credentials built in Go. A nil err
// gives nil.
func PrefixFields(prefix string, err error) error {
	if err == nil {
		return nil
	}
	return errors.Join(prefixFields(prefix, err)...)
}

// prefixFields returns the problems in err with their field names prefixed
// by name; a problem that is not a FieldError is attributed to the object.
func prefixFields(name string, err error) []error {
	var out []error
	var walk func(error)
	walk = func(err error) {
		if fe, ok := err.(*FieldError); ok {
			f := name
			if fe.Field != "" {
				f += "." + fe.Field
			}
			out = append(out, &FieldError{Field: f, Problem: fe.Problem})
			return
		}
		if u, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range u.Unwrap() {
				walk(e)
			}
			return
		}
		out = append(out, &FieldError{Field: name, Problem: err.Error()})
	}
	walk(err)
	return out
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var schemaCache sync.Map // reflect.Type -> *jsonschema.Schema

// schemaOf returns the JSON Schema of t, generated once and cached.
func schemaOf(t reflect.Type) *jsonschema.Schema {
	if s, ok := schemaCache.Load(t); ok {
		return s.(*jsonschema.Schema)
	}
	r := &jsonschema.Reflector{
		DoNotReference:             true,
		ExpandedStruct:             true,
		RequiredFromJSONSchemaTags: true,
		Anonymous:                  true,
	}
	s := r.ReflectFromType(t)
	s.Version = "https://json-schema.org/draft/2020-12/schema"
	schemaCache.Store(t, s)
	return s
}

func propertyNames(s *jsonschema.Schema) []string {
	if s.Properties == nil {
		return nil
	}
	var names []string
	for p := s.Properties.Oldest(); p != nil; p = p.Next() {
		names = append(names, p.Key)
	}
	return names
}

// SchemaFor returns the JSON Schema (draft 2020-12) of a settings or
// credentials type, generated from its Go type and `jsonschema` struct tags:
// required fields, types, enums, defaults, descriptions, and Secret fields
// marked writeOnly with "x-secret": true. A nil v gives the schema of an
// empty object.
func SchemaFor(v any) json.RawMessage {
	if v == nil {
		return json.RawMessage(`{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false}`)
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	b, err := json.Marshal(schemaOf(t))
	if err != nil {
		// The schema is built from Go types only; failing to encode it is a
		// bug in this package.
		return json.RawMessage(fmt.Sprintf(`{"$comment":%q}`, err.Error()))
	}
	return b
}
