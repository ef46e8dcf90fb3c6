package salesforce_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"testing"

	"github.com/tributary-dev/tributary/connectors/salesforce"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/jwtsign"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret
// (the private key, the refresh token, the consumer secret).
func FuzzConfig(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		f.Fatal(err)
	}
	pemKey, _ := json.Marshal(string(jwtsign.EncodePKCS1(key)))
	f.Add([]byte(`{"objects":["Account","Case"],"fields":{"Case":["Reason"]},"knowledge":true}`),
		[]byte(`{"consumer_key":"3MVG9abc","username":"int@acme.example","private_key":`+string(pemKey)+`}`))
	f.Add([]byte(`{"login_url":"https://test.salesforce.com/path?x=1","api_version":"9.0","page_size":100}`),
		[]byte(`{"consumer_key":"3MVG9abc","refresh_token":"5Aep861secret0value","consumer_secret":"S3cr3tS3cr3t99"}`))
	f.Add([]byte(`{"objects":["KnowledgeArticleVersion","Bad Name","Account","account"],"fields":{"Nope":["x y"]}}`),
		[]byte(`{"consumer_key":"3MVG9abc","username":"int@acme.example","private_key":"-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----","refresh_token":"5Aep861secret0value"}`))
	f.Add([]byte(`{"knowledge_language":"english","requests_per_second":1000,"knowledge_body_fields":["Body__c","<b>"]}`),
		[]byte(`{"consumer_key":" spaced key ","username":"nobody"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{"consumer_key":""}`))
	f.Add([]byte(`{"page_size":"2000"}`), []byte(`{"private_key":7}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, salesforce.Source, settings, credentials)
	})
}
