package blob

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
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

// settings read the fixture's bucket, opening archives as a decoded
// configuration does by default.
func (f *fixture) settings() Settings {
	return Settings{Bucket: testBucket, Endpoint: "https://s3.emulator.test", PathStyle: true, OpenArchives: true}
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

// archiveEntries are the entries of an archive a test builds, in order.
type archiveEntries []struct{ name, body string }

// zipOf returns a zip archive of entries.
func zipOf(entries archiveEntries) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := z.Create(e.name)
		if err != nil {
			panic(err)
		}
		_, _ = w.Write([]byte(e.body))
	}
	if err := z.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// tgzOf returns a gzip-compressed tar archive of entries.
func tgzOf(entries archiveEntries) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		_ = tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg, ModTime: baseTime})
		_, _ = tw.Write([]byte(e.body))
	}
	if err := tw.Close(); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}
