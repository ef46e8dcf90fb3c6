package confluence_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/confluence"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"base_url":"https://acme.atlassian.net/wiki","spaces":["ENG"],"include_comments":true,"page_size":50}`), []byte(`{"email":"a@acme.example","api_token":"atlTok3nValue99"}`))
	f.Add([]byte(`{"base_url":"http://10.1.2.3/confluence","deployment":"server","requests_per_second":-1}`), []byte(`{"personal_access_token":"pat12345678"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		_, err := tributary.New(confluence.Source, tributary.Params{Settings: settings, Credentials: credentials})
		if err == nil {
			return
		}
		if !errors.Is(err, tributary.ErrInvalidConfig) {
			t.Fatalf("error not ErrInvalidConfig: %v", err)
		}
		if len(tributary.ConfigProblems(err)) == 0 {
			t.Fatalf("no problem names a field: %v", err)
		}
		for _, secret := range secretsIn(credentials) {
			if looksSecret(secret) && !strings.Contains(string(settings), secret) && strings.Contains(err.Error(), secret) {
				t.Fatalf("secret %q leaked into %v", secret, err)
			}
		}
	})
}

// secretsIn returns the string values of a credentials object.
func secretsIn(credentials []byte) []string {
	var m map[string]any
	if json.Unmarshal(credentials, &m) != nil {
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
