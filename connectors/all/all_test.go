package all_test

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/tributary-dev/tributary"
	_ "github.com/tributary-dev/tributary/connectors/all"
	"github.com/tributary-dev/tributary/connectors/mock"
)

// secretName matches configuration fields that by their name hold a
// secret: a token, a password, a private or API key. Fields that name
// where a secret is or what it belongs to (an id, a URL, a file) do not.
var (
	secretName = regexp.MustCompile(`(^|_)(token|secret|password|passphrase|private_key|account_key|api_key|apikey)(_|$)`)
	notSecret  = regexp.MustCompile(`_(id|url|uri|file|path|type|expiry)$`)
)

// TestSecretsAreMarked: in every registered connector, each credentials
// field whose name says it holds a secret is a tributary.Secret (its
// schema writeOnly and "x-secret": true, so that a UI masks it and the
// value never reaches logs), and no settings field does, as settings are
// not kept as secrets.
func TestSecretsAreMarked(t *testing.T) {
	sources := tributary.Sources()
	if len(sources) < 30 {
		t.Fatalf("%d registered sources; connectors/all registers every connector", len(sources))
	}
	seen := map[string]bool{}
	for _, r := range sources {
		if r.Source == mock.Source {
			continue // its accept_token setting is the token its fake upstream takes
		}
		for which, schema := range map[string]json.RawMessage{"credentials": r.CredentialsSchema(), "settings": r.SettingsSchema()} {
			var s struct {
				Properties map[string]struct {
					WriteOnly bool `json:"writeOnly"`
					Secret    bool `json:"x-secret"`
				} `json:"properties"`
			}
			if err := json.Unmarshal(schema, &s); err != nil {
				t.Errorf("%s: %s schema: %v", r.Source, which, err)
				continue
			}
			for name, p := range s.Properties {
				looks := secretName.MatchString(name) && !notSecret.MatchString(name)
				if which == "credentials" {
					seen[name] = seen[name] || looks
				}
				switch {
				case which == "credentials" && looks && !(p.Secret && p.WriteOnly):
					t.Errorf("%s: credentials field %q holds a secret but is not a tributary.Secret", r.Source, name)
				case which == "settings" && (looks || p.Secret):
					t.Errorf("%s: settings field %q looks like a secret; secrets belong in the credentials", r.Source, name)
				}
			}
		}
	}
	t.Logf("credentials fields checked as secrets: %v", seen)
}
