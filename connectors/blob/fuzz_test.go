package blob

import (
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens every source of the package from arbitrary settings
// and credentials through the registry: it never panics, refuses bad
// input with tributary.ErrInvalidConfig naming a field, and never echoes a
// secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"bucket":"docs","prefixes":["a/"],"include":["**/*.md"],"page_size":10}`), []byte(`{"access_key_id":"AKIA1","secret_access_key":"s3cretKey123"}`))
	f.Add([]byte(`{"bucket":"docs","endpoint":"http://10.0.0.1:9000","path_style":true,"account_id":"abc","namespace":"ns","region":"us-ashburn-1"}`), []byte(`{"access_key_id":"","secret_access_key":"x","session_token":"tok"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		for _, src := range Sources {
			connectortest.CheckConfig(t, src, settings, credentials)
		}
	})
}

// FuzzCheckpoint resumes from arbitrary checkpoint bytes: the stream never
// panics, and a checkpoint that is not one of this connector's fails with
// ErrInvalidCheckpoint or resumes somewhere in the bucket.
func FuzzCheckpoint(f *testing.F) {
	f.Add([]byte(`{"kind":"blob","version":1,"state":{"after":"guide/z.txt","token":"Z3VpZGUvei50eHQ="}}`))
	f.Add([]byte(`{"kind":"blob","version":1,"state":{"after":"\u0000\uffff"}}`))
	f.Add([]byte(`{"kind":"blob","version":2,"state":{}}`))
	f.Add([]byte(`{}`))
	fx := newFixture(f, treeObjects)
	c := fx.connector(f, fx.settings())
	f.Fuzz(func(t *testing.T, cp []byte) {
		n := 0
		for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, tributary.Checkpoint(cp)) {
			if err != nil {
				return
			}
			if it.Kind() == tributary.ItemInvalid {
				t.Fatalf("an invalid item from checkpoint %q", cp)
			}
			if n++; n > 3*len(treeObjects) {
				t.Fatalf("more items than the bucket holds from checkpoint %q", cp)
			}
		}
	})
}
