package tributary

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/invopop/jsonschema"
)

const redacted = "[redacted]"

// Secret holds a credential (a token, a password, a private key). It never
// shows its value through fmt, slog or JSON encoding: all print "[redacted]".
// Read the value with Reveal, only where it is sent to the source.
//
// The value sits behind a pointer, so even a struct that keeps a Secret in an
// unexported field (where fmt cannot call its methods) prints an address,
// never the value. The zero Secret is empty. Two Secrets are == only when
// they share their value; compare Reveal() when the values matter.
type Secret struct{ v *string }

// NewSecret returns a Secret holding v.
func NewSecret(v string) Secret {
	if v == "" {
		return Secret{}
	}
	return Secret{v: &v}
}

// Reveal returns the secret's value.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == nil || *s.v == "" }

// String returns "[redacted]", or "" for an empty secret.
func (s Secret) String() string {
	if s.IsZero() {
		return ""
	}
	return redacted
}

// GoString returns the redacted form for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// Format prints the redacted form for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' || (verb == 'v' && f.Flag('#')) {
		fmt.Fprintf(f, "%q", s.String())
		return
	}
	fmt.Fprint(f, s.String())
}

// LogValue redacts the secret in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON encodes the redacted form, so a Secret never leaves the
// process through JSON output.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalText encodes the redacted form.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalJSON reads a secret from a JSON string.
func (s *Secret) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("secret must be a JSON string")
	}
	*s = NewSecret(v)
	return nil
}

// JSONSchema marks the field as a secret string for form renderers:
// writeOnly, format "password" and "x-secret": true.
func (Secret) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Type:      "string",
		Format:    "password",
		WriteOnly: true,
		Extras:    map[string]any{"x-secret": true},
	}
}

// Duration is a time.Duration that reads and writes as a Go duration string
// ("90s", "1h30m") in configuration.
type Duration time.Duration

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats the duration like time.Duration.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON encodes the duration as a string such as "1m30s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a duration string such as "1m30s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"90s\" or \"1h30m\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q: use a form such as \"90s\" or \"1h30m\"", s)
	}
	*d = Duration(v)
	return nil
}

// JSONSchema describes a duration string.
func (Duration) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`,
		Extras: map[string]any{"x-format": "go-duration"}}
}
