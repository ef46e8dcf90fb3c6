package connectortest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
)

// CheckConfig opens the registered connector for source from arbitrary
// settings and credentials, as a fuzz target's body does: opening never
// panics, bad input is refused with tributary.ErrInvalidConfig and at least
// one problem naming a field, and no credential value is echoed in the
// error. A connector's FuzzConfig seeds a corpus and calls it:
//
//	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
//		connectortest.CheckConfig(t, mysource.Source, settings, credentials)
//	})
func CheckConfig(t testing.TB, source tributary.DocumentSource, settings, credentials []byte) {
	t.Helper()
	_, err := tributary.New(source, tributary.Params{Settings: settings, Credentials: credentials})
	if err == nil {
		return
	}
	if !errors.Is(err, tributary.ErrInvalidConfig) {
		t.Fatalf("error not ErrInvalidConfig: %v", err)
	}
	if len(tributary.ConfigProblems(err)) == 0 {
		t.Fatalf("no problem names a field: %v", err)
	}
	for _, secret := range stringValues(credentials) {
		if looksSecret(secret) && !strings.Contains(string(settings), secret) && strings.Contains(err.Error(), secret) {
			t.Fatalf("secret %q leaked into %v", secret, err)
		}
	}
}

// stringValues returns the string values of a JSON object.
func stringValues(object []byte) []string {
	var m map[string]any
	if json.Unmarshal(object, &m) != nil {
		return nil
	}
	var out []string
	for _, v := range m {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// looksSecret reports whether s could be told apart from the words of an
// error message: eight or more letters and digits, with at least one of each.
func looksSecret(s string) bool {
	letters, digits := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letters++
		default:
			return false
		}
	}
	return letters > 0 && digits > 0 && letters+digits >= 8
}
