package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	goyaml "github.com/goccy/go-yaml"
	goyamlparser "github.com/goccy/go-yaml/parser"
	"go.yaml.in/yaml/v3"

	"github.com/tributary-dev/tributary"
)

// maxConfigSize bounds a configuration file.
const maxConfigSize = 4 << 20

// maxConfigNodes bounds the values a configuration file expands to, so that
// YAML aliases cannot blow it up.
const maxConfigNodes = 100_000

// config is a connector's configuration as read from a file.
type config struct {
	Settings    json.RawMessage
	Credentials json.RawMessage
	// Secrets are the credential values that must never be printed: those
	// in fields the schema marks secret and those taken from the
	// environment.
	Secrets []string
}

// loadConfig reads a configuration file of the form
//
//	{"settings": {...}, "credentials": {...}}
//
// in JSON or YAML (by extension: .json, .yaml, .yml; otherwise JSON when it
// starts with "{"), expanding ${VAR} and ${VAR:-default} in string values.
// Problems are *tributary.FieldError values joined under
// tributary.ErrInvalidConfig. An empty path means no configuration.
func loadConfig(path string, reg tributary.Registration, lookup func(string) (string, bool)) (config, error) {
	if path == "" {
		return config{}, nil
	}
	raw, err := readConfigFile(path)
	if err != nil {
		return config{}, err
	}
	x := &expander{lookup: lookup, file: path}
	var tree any
	if isJSON(path, raw) {
		tree, err = x.fromJSON(raw)
	} else {
		tree, err = x.fromYAML(raw)
	}
	if err != nil {
		return config{}, err
	}
	return x.split(tree, reg)
}

func readConfigFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, tributary.NewError("read configuration", tributary.ErrInvalidConfig, err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, tributary.NewError("read configuration", tributary.ErrInvalidConfig, err)
	}
	if len(raw) > maxConfigSize {
		return nil, tributary.NewError("read configuration", tributary.ErrInvalidConfig,
			fmt.Errorf("%s is larger than %d bytes", path, maxConfigSize))
	}
	return raw, nil
}

func isJSON(path string, raw []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return true
	case ".yaml", ".yml":
		return false
	}
	return bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{"))
}

// expander turns a parsed file into plain JSON values, expanding
// environment variables in strings and remembering the values it took from
// the environment.
type expander struct {
	lookup   func(string) (string, bool)
	file     string
	nodes    int
	fromEnv  map[string]bool // values that came from the environment
	problems []error
}

func (x *expander) problem(field, format string, args ...any) {
	x.problems = append(x.problems, &tributary.FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

func (x *expander) fromJSON(raw []byte) (any, error) {
	// Decode says where a syntax error is (Token's offsets are not
	// reliable); the reader then takes the valid file apart.
	dec := json.NewDecoder(bytes.NewReader(raw))
	var discard any
	if err := dec.Decode(&discard); err == io.EOF {
		return nil, x.fileError(errors.New("not valid JSON: the file holds no value"))
	} else if err != nil {
		return nil, x.fileError(fmt.Errorf("not valid JSON: %s: %w", jsonErrorPosition(raw, err), err))
	}
	if dec.More() {
		end := int(dec.InputOffset())
		end += len(raw[end:]) - len(bytes.TrimLeft(raw[end:], " \t\r\n"))
		return nil, x.fileError(fmt.Errorf("not valid JSON: %s: data after the top-level object", position(raw, end)))
	}
	dec = json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := (&jsonReader{x: x, dec: dec, raw: raw, line: 1}).value("")
	if err != nil {
		return nil, x.fileError(fmt.Errorf("not valid JSON: %w", err))
	}
	return x.walkJSON("", v), nil
}

// jsonReader takes a valid JSON value apart token by token, to find a key
// given twice in an object: encoding/json's Decode keeps the last one
// silently, where a configuration must say that one of them is a mistake.
type jsonReader struct {
	x    *expander
	dec  *json.Decoder
	raw  []byte
	off  int // where line was counted to
	line int
}

// value reads the next value; field names it in problems.
func (r *jsonReader) value(field string) (any, error) {
	tok, err := r.dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		m := make(map[string]any)
		lines := make(map[string]int)
		for r.dec.More() {
			kt, err := r.dec.Token()
			if err != nil {
				return nil, err
			}
			k, _ := kt.(string) // Token returns only strings as keys
			line := r.lineNow()
			if first, ok := lines[k]; ok {
				r.x.problem(join(field, k), "given twice, on lines %d and %d", first, line)
			}
			lines[k] = line
			if m[k], err = r.value(join(field, k)); err != nil {
				return nil, err
			}
		}
		_, err := r.dec.Token() // '}'
		return m, err
	case json.Delim('['):
		s := []any{}
		for r.dec.More() {
			v, err := r.value(fmt.Sprintf("%s[%d]", field, len(s)))
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		_, err := r.dec.Token() // ']'
		return s, err
	}
	return tok, nil
}

// lineNow is the line the decoder has read to; offsets only grow, so each
// byte is counted once.
func (r *jsonReader) lineNow() int {
	end := min(int(r.dec.InputOffset()), len(r.raw))
	r.line += bytes.Count(r.raw[r.off:end], []byte("\n"))
	r.off = end
	return r.line
}

// jsonErrorPosition says where in raw decoding failed: at the byte a
// syntax error names, else (the file ended early) at the end.
func jsonErrorPosition(raw []byte, err error) string {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok && se.Offset > 0 {
		return position(raw, int(se.Offset)-1) // Offset counts the offending byte
	}
	return position(raw, len(raw))
}

// position returns "line L, column C" of byte offset off in raw, both
// counted from 1, columns in characters.
func position(raw []byte, off int) string {
	off = min(max(off, 0), len(raw))
	start := bytes.LastIndexByte(raw[:off], '\n') + 1
	line := bytes.Count(raw[:start], []byte("\n")) + 1
	return fmt.Sprintf("line %d, column %d", line, utf8.RuneCount(raw[start:off])+1)
}

func (x *expander) walkJSON(field string, v any) any {
	x.nodes++
	switch v := v.(type) {
	case string:
		return x.expand(field, v)
	case map[string]any:
		for k, e := range v {
			v[k] = x.walkJSON(join(field, k), e)
		}
	case []any:
		for i, e := range v {
			v[i] = x.walkJSON(fmt.Sprintf("%s[%d]", field, i), e)
		}
	}
	return v
}

func (x *expander) fromYAML(raw []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, x.fileError(yamlSyntaxError(raw, err))
	}
	if doc.Kind == 0 {
		return map[string]any{}, nil
	}
	v, err := x.walkYAML("", &doc)
	if err != nil {
		return nil, x.fileError(err)
	}
	return v, nil
}

// yamlSyntaxError describes err, the YAML parser's refusal of raw, at the
// mistake. The parser names the line where the enclosing block starts
// ("line 1: did not find expected key" for a bad indent on line 4), so a
// second parser, which names the line and column of the token at fault,
// says where; when it finds no fault, err is all there is.
func yamlSyntaxError(raw []byte, err error) error {
	_, perr := goyamlparser.ParseBytes(raw, 0)
	if se, ok := errors.AsType[*goyaml.SyntaxError](perr); ok && se.Token != nil && se.Token.Position != nil {
		return fmt.Errorf("not valid YAML: line %d, column %d: %s", se.Token.Position.Line, se.Token.Position.Column, se.Message)
	}
	return fmt.Errorf("not valid YAML: %w", err)
}

func (x *expander) walkYAML(field string, n *yaml.Node) (any, error) {
	if x.nodes++; x.nodes > maxConfigNodes {
		return nil, fmt.Errorf("more than %d values (nested aliases?)", maxConfigNodes)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return map[string]any{}, nil
		}
		return x.walkYAML(field, n.Content[0])
	case yaml.AliasNode:
		return x.walkYAML(field, n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		lines := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if first, ok := lines[k]; ok {
				x.problem(join(field, k), "given twice, on lines %d and %d", first, n.Content[i].Line)
			}
			lines[k] = n.Content[i].Line
			v, err := x.walkYAML(join(field, k), n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := x.walkYAML(fmt.Sprintf("%s[%d]", field, i), c)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	}
	return x.scalar(field, n)
}

func (x *expander) scalar(field string, n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!str", "!!binary", "!!timestamp":
		return x.expand(field, n.Value), nil
	case "!!null":
		return nil, nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, fmt.Errorf("line %d: %s: %w", n.Line, field, err)
	}
	return v, nil
}

func (x *expander) fileError(err error) error {
	return tributary.NewError("read configuration "+x.file, tributary.ErrInvalidConfig, err)
}

// expand replaces ${VAR} and ${VAR:-default} in s; "$${" stands for a
// literal "${". An unset variable without a default is a problem of the
// field.
func (x *expander) expand(field, s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1] + "${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			x.problem(field, "unterminated ${ in value")
			b.WriteString(s[i:])
			break
		}
		b.WriteString(x.variable(field, s[i+2:i+end]))
		s = s[i+end+1:]
	}
	return b.String()
}

func (x *expander) variable(field, ref string) string {
	name, def, hasDef := strings.Cut(ref, ":-")
	if !validEnvName(name) {
		x.problem(field, "invalid environment variable name %q in ${...}", name)
		return ""
	}
	v, ok := x.lookup(name)
	if !ok {
		if !hasDef {
			x.problem(field, "environment variable %s is not set", name)
			return ""
		}
		v = def
	}
	if x.fromEnv == nil {
		x.fromEnv = make(map[string]bool)
	}
	x.fromEnv[v] = true
	return v
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// split checks the top level of the file and returns its two objects.
func (x *expander) split(tree any, reg tributary.Registration) (config, error) {
	top, ok := tree.(map[string]any)
	if !ok {
		return config{}, x.fileError(errors.New(`must be an object with "settings" and "credentials"`))
	}
	for k := range top {
		if k != "settings" && k != "credentials" {
			x.problem(k, `unknown top-level field (want "settings" and "credentials")`)
		}
	}
	if len(x.problems) > 0 {
		slices.SortFunc(x.problems, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return config{}, x.fileError(errors.Join(x.problems...))
	}
	var c config
	var err error
	if c.Settings, err = marshalPart(top["settings"]); err != nil {
		return config{}, x.fileError(err)
	}
	if c.Credentials, err = marshalPart(top["credentials"]); err != nil {
		return config{}, x.fileError(err)
	}
	c.Secrets = x.secrets(top["credentials"], reg)
	return c, nil
}

func marshalPart(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// minSecretLen is the shortest value treated as a secret: redacting every
// "1" or "a" in output would hide more than it protects.
const minSecretLen = 4

// secrets lists the strings to redact: every value from the environment
// inside the credentials, and every string under a credentials field that
// the schema marks secret.
func (x *expander) secrets(creds any, reg tributary.Registration) []string {
	marked := secretFields(reg.CredentialsSchema())
	var out []string
	var walk func(v any, secret bool)
	walk = func(v any, secret bool) {
		switch v := v.(type) {
		case string:
			if len(v) >= minSecretLen && (secret || x.fromEnv[v]) {
				out = append(out, v)
			}
		case map[string]any:
			for _, e := range v {
				walk(e, secret)
			}
		case []any:
			for _, e := range v {
				walk(e, secret)
			}
		}
	}
	if m, ok := creds.(map[string]any); ok {
		for k, v := range m {
			walk(v, marked[k])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// secretValues lists the strings of credentials that the schema marks
// secret.
func secretValues(creds json.RawMessage, reg tributary.Registration) []string {
	var v any
	if json.Unmarshal(creds, &v) != nil {
		return nil
	}
	return (&expander{}).secrets(v, reg)
}

// secretFields returns the top-level properties a schema marks
// "x-secret": true.
func secretFields(schema json.RawMessage) map[string]bool {
	var s struct {
		Properties map[string]struct {
			Secret bool `json:"x-secret"`
		} `json:"properties"`
	}
	out := make(map[string]bool)
	if err := json.Unmarshal(schema, &s); err != nil {
		return out
	}
	for k, p := range s.Properties {
		if p.Secret {
			out[k] = true
		}
	}
	return out
}
