package mediawiki_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/mediawiki"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens both sources from arbitrary settings and credentials
// through the registry: never a panic, bad input refused with
// ErrInvalidConfig naming a field, and no secret echoed.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"base_url":"https://wiki.example.org/w/api.php","namespaces":[0,12]}`), []byte(`{"username":"U@b","password":"pw-1234567890"}`))
	f.Add([]byte(`{"language":"en","user_agent":"Bot/1 (ops@example.org)","max_lag":5}`), []byte(`{}`))
	f.Add([]byte(`{"base_url":"http://10.1.2.3/w/index.php","page_size":500}`), []byte(`{"password":"zzzzzzzzzzzz"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, mediawiki.Source, settings, credentials)
		connectortest.CheckConfig(t, mediawiki.SourceWikipedia, settings, credentials)
	})
}
