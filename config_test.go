package tributary_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

type testSettings struct {
	Root     string             `json:"root" jsonschema:"required,description=Folder to read"`
	MaxBytes int                `json:"max_bytes,omitempty" jsonschema:"description=Largest file read,default=1048576"`
	Mode     string             `json:"mode,omitempty" jsonschema:"enum=single,enum=recursive"`
	Interval tributary.Duration `json:"interval,omitempty"`
}

func (s *testSettings) SetDefaults() { s.MaxBytes = 1 << 20; s.Mode = "single" }

func (s *testSettings) Validate() error {
	var errs []error
	if s.MaxBytes <= 0 {
		errs = append(errs, tributary.InvalidField("max_bytes", "must be positive, got %d", s.MaxBytes))
	}
	if s.Mode != "single" && s.Mode != "recursive" {
		errs = append(errs, tributary.InvalidField("mode", "must be single or recursive, got %q", s.Mode))
	}
	return errors.Join(errs...)
}

type testCredentials struct {
	Token tributary.Secret `json:"token" jsonschema:"required,description=API token"`
}

func TestDecodeConfig(t *testing.T) {
	s, c, err := tributary.DecodeConfig[testSettings, testCredentials](
		json.RawMessage(`{"root":"/data","interval":"90s"}`), json.RawMessage(`{"token":"hunter2"}`))
	require.NoError(t, err)
	assert.Equal(t, "/data", s.Root)
	assert.Equal(t, 1<<20, s.MaxBytes, "default applied")
	assert.Equal(t, "single", s.Mode)
	assert.Equal(t, "1m30s", s.Interval.String())
	assert.Equal(t, "hunter2", c.Token.Reveal())
}

func TestDecodeConfigReportsEveryProblem(t *testing.T) {
	_, _, err := tributary.DecodeConfig[testSettings, testCredentials](
		json.RawMessage(`{"rot":"/data","mode":"x"}`), json.RawMessage(`{"tokn":"hunter2"}`))
	require.Error(t, err)
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	var fields []string
	for _, p := range tributary.ConfigProblems(err) {
		fields = append(fields, p.Field+" "+p.Problem)
	}
	assert.Equal(t, []string{
		`settings.rot unknown field (did you mean "root"?)`,
		`settings.root required`,
		`credentials.tokn unknown field (did you mean "token"?)`,
		`credentials.token required`,
	}, fields)
	assert.NotContains(t, err.Error(), "hunter2")
}

func TestDecodeConfigValidateAndTypes(t *testing.T) {
	_, _, err := tributary.DecodeConfig[testSettings, testCredentials](
		json.RawMessage(`{"root":"/d","mode":"x","max_bytes":-1}`), json.RawMessage(`{"token":"t"}`))
	probs := tributary.ConfigProblems(err)
	require.Len(t, probs, 2)
	assert.Equal(t, "settings.max_bytes", probs[0].Field)
	assert.Equal(t, "settings.mode", probs[1].Field)

	_, _, err = tributary.DecodeConfig[testSettings, testCredentials](
		json.RawMessage(`{"root":"/d","max_bytes":"big"}`), json.RawMessage(`{"token":"t"}`))
	probs = tributary.ConfigProblems(err)
	require.Len(t, probs, 1)
	assert.Equal(t, "settings.max_bytes", probs[0].Field)
	assert.Contains(t, probs[0].Problem, "integer")

	for _, bad := range []string{`[]`, `"x"`, `{`, `{"root":"/d"} {}`} {
		_, _, err = tributary.DecodeConfig[testSettings, testCredentials](json.RawMessage(bad), json.RawMessage(`{"token":"t"}`))
		assert.ErrorIs(t, err, tributary.ErrInvalidConfig, bad)
	}
}

func TestSchemaMarksSecretsAndRequired(t *testing.T) {
	var schema map[string]any
	require.NoError(t, json.Unmarshal(tributary.SchemaFor(testCredentials{}), &schema))
	props := schema["properties"].(map[string]any)
	tok := props["token"].(map[string]any)
	assert.Equal(t, true, tok["x-secret"])
	assert.Equal(t, true, tok["writeOnly"])
	assert.Equal(t, "API token", tok["description"])
	assert.Equal(t, []any{"token"}, schema["required"])
	assert.Equal(t, false, schema["additionalProperties"])

	require.NoError(t, json.Unmarshal(tributary.SchemaFor(testSettings{}), &schema))
	mode := schema["properties"].(map[string]any)["mode"].(map[string]any)
	assert.Equal(t, []any{"single", "recursive"}, mode["enum"])
}

// hidden keeps a Secret in an unexported field, where fmt cannot call the
// Secret's own methods.
type hidden struct {
	name  string
	token tributary.Secret
	inner struct{ token tributary.Secret }
}

func TestSecretNeverPrints(t *testing.T) {
	c := testCredentials{Token: tributary.NewSecret("hunter2")}
	h := hidden{name: "x", token: c.Token}
	h.inner.token = c.Token
	var b strings.Builder
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		fmt.Fprintf(&b, f+"\n", c)
		fmt.Fprintf(&b, f+"\n", c.Token)
		fmt.Fprintf(&b, f+"\n", h)
		fmt.Fprintf(&b, f+"\n", &h)
	}
	j, _ := json.Marshal(c)
	b.Write(j)
	slog.New(slog.NewJSONHandler(&b, nil)).Info("x", "creds", c, "tok", c.Token)
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "tok", c.Token, "hidden", h)
	slog.New(slog.NewJSONHandler(&b, nil)).Info("x", "hidden", h)
	assert.NotContains(t, b.String(), "hunter2")
	assert.Contains(t, b.String(), "[redacted]")
	assert.Equal(t, "hunter2", h.token.Reveal())
	assert.True(t, tributary.Secret{}.IsZero())
	assert.Equal(t, "", tributary.Secret{}.String())
}

func FuzzDecodeConfig(f *testing.F) {
	f.Add([]byte(`{"root":"/d","max_bytes":5,"mode":"recursive","interval":"1s"}`), []byte(`{"token":"t"}`))
	f.Add([]byte(`{"rot":1}`), []byte(`null`))
	f.Add([]byte(`[]`), []byte(`{"token":5}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		_, _, err := tributary.DecodeConfig[testSettings, testCredentials](settings, credentials)
		if err == nil {
			return
		}
		require.ErrorIs(t, err, tributary.ErrInvalidConfig)
		require.NotEmpty(t, tributary.ConfigProblems(err), "every problem names a field")
		var raw struct{ Token string }
		if json.Unmarshal(credentials, &raw) == nil && len(raw.Token) >= 4 &&
			!strings.Contains(string(settings), raw.Token) && !strings.Contains("settingscredentials", raw.Token) {
			assert.NotContains(t, err.Error(), raw.Token, "a secret value leaked into an error")
		}
	})
}

func TestPrefixFields(t *testing.T) {
	assert.NoError(t, tributary.PrefixFields("settings", nil))
	err := tributary.PrefixFields("settings", errors.Join(
		tributary.InvalidField("state", "must be open, closed or all"),
		tributary.InvalidField("", "names no repository"),
		errors.New("per_page and max_items disagree"),
	))
	var got []string
	for _, p := range tributary.ConfigProblems(err) {
		got = append(got, p.Field+": "+p.Problem)
	}
	assert.Equal(t, []string{
		"settings.state: must be open, closed or all",
		"settings: names no repository",
		"settings: per_page and max_items disagree",
	}, got, "every problem is kept, a plain error as one of the object's")
}
