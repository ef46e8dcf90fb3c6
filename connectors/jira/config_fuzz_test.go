package jira_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/jira"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"base_url":"https://acme.atlassian.net","projects":["ENG"],"include_comments":true,"page_size":50}`), []byte(`{"email":"a@acme.example","api_token":"atlTok3nValue99"}`))
	f.Add([]byte(`{"base_url":"http://10.1.2.3/jira","deployment":"server","jql":"labels = x ORDER BY key"}`), []byte(`{"personal_access_token":"pat12345678"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, jira.Source, settings, credentials)
	})
}
