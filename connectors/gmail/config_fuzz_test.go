package gmail_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/gmail"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"admin_email":"admin@acme.test","include_attachments":true,"page_size":100}`),
		[]byte(`{"service_account_key":"{\"type\":\"service_account\",\"client_email\":\"x@p.iam.gserviceaccount.com\",\"private_key\":\"pk\"}"}`))
	f.Add([]byte(`{"user_emails":["a@acme.test"],"include_delegates":true}`), []byte(`{"client_id":"cid","client_secret":"csecret99","refresh_token":"1//refreshTok"}`))
	f.Add([]byte(`{"api_url":"http://10.0.0.1:8080","max_attachment_size":-1}`), []byte(`{"access_token":"ya29.tokenValue"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, gmail.Source, settings, credentials)
	})
}
