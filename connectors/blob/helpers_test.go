package blob

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/s3emu"
)

const testBucket = "docs"

// baseTime is when the fixture's objects were last modified, unless a test
// says otherwise.
var baseTime = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// object is one object of a fixture.
type object struct {
	key      string
	body     string
	modified time.Time
}

// fixture is an emulated bucket and the settings that read it.
type fixture struct {
	emu *s3emu.Server
}

// newFixture starts an emulator served in memory (so it works inside a
// synctest bubble) holding objs in testBucket.
func newFixture(t testing.TB, objs []object) *fixture {
	emu := s3emu.New(s3emu.Options{})
	t.Cleanup(emu.Close)
	emu.CreateBucket(testBucket)
	for _, o := range objs {
		at := o.modified
		if at.IsZero() {
			at = baseTime
		}
		emu.Put(testBucket, o.key, []byte(o.body), at)
	}
	return &fixture{emu: emu}
}

func (f *fixture) settings() Settings {
	return Settings{Bucket: testBucket, Endpoint: "https://s3.emulator.test", PathStyle: true}
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func testCredentials() Credentials {
	return Credentials{AccessKeyID: s3emu.AccessKeyID, SecretAccessKey: tributary.NewSecret(s3emu.SecretAccessKey)}
}

func (f *fixture) connector(t testing.TB, s Settings) *Connector {
	t.Helper()
	c, err := New(s, testCredentials(), f.env())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func id(key string) string { return "s3://" + testBucket + "/" + key }

func itoa(i int) string { return fmt.Sprint(i) }
