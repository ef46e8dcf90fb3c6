package dropbox

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/dropboxemu"
)

const testToken = "sl.test-token-0001"

// fastRetry keeps retries of answers without Retry-After quick.
var fastRetry = httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}

// addSpecials adds a file whose download is refused (a failure), one
// that is neither downloadable nor exportable and a binary one (both
// skipped); it returns the failing ids.
func addSpecials(d *dropboxemu.Data) []string {
	t := dropboxemu.Base.Add(-time.Hour)
	d.Entries = append(d.Entries,
		&dropboxemu.Entry{ID: "id:restricted", Path: "/Folder 0/secret.txt", Content: []byte("x"), Restricted: true, ServerModified: t},
		&dropboxemu.Entry{ID: "id:noexport", Path: "/Folder 0/sheet.gsheet", NoExport: true, ServerModified: t},
		&dropboxemu.Entry{ID: "id:binary", Path: "/Folder 0/photo", Content: []byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1, 2, 3}, ServerModified: t},
		&dropboxemu.Entry{ID: "id:bundle", Path: "/Folder 1/Bundle.zip", Content: bundle, ServerModified: t.Add(time.Minute),
			Members: []dropboxemu.Member{{Email: "cy@acme.test", Name: "Cy", Access: "viewer"}}})
	return []string{idOf("/folder 0/secret.txt")}
}

// bundle is a zip holding a text file, a binary entry (skipped) and a
// compressed tar with a Markdown file; bundleEntries are its documents.
var (
	bundle = zipOf(archiveEntries{
		{"a.txt", "Alpha."}, {"pics/logo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
		{"deep/inner.tar.gz", string(tgzOf(archiveEntries{{"b.md", "# Beta"}}))},
	})
	bundleEntries = []string{"!/a.txt", "!/deep/inner.tar.gz!/b.md"}
)

type archiveEntries []struct{ name, body string }

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

func tgzOf(entries archiveEntries) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		_ = tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg})
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

type fixture struct {
	emu *dropboxemu.Server
}

func newFixture(t testing.TB, gen dropboxemu.GenerateOptions, opts dropboxemu.Options, specials bool) *fixture {
	t.Helper()
	d := dropboxemu.Generate(gen)
	if specials {
		addSpecials(d)
	}
	emu := dropboxemu.New(d, opts)
	t.Cleanup(emu.Close)
	emu.AddToken(testToken)
	return &fixture{emu: emu}
}

func (f *fixture) settings() Settings {
	var s Settings
	s.SetDefaults()
	return s
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func (f *fixture) connector(t testing.TB, s Settings, cr Credentials, env tributary.Env) *Connector {
	t.Helper()
	if cr == (Credentials{}) {
		cr = Credentials{AccessToken: tributary.NewSecret(testToken)}
	}
	c, err := newConnector(s, cr, env, fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// expectedIDs are the documents of d modified in [start, end).
func expectedIDs(d *dropboxemu.Data, failing []string, start, end time.Time, team bool) []string {
	var ids []string
	for _, e := range d.Entries {
		if e.Folder || e.NoExport || e.Team != team || e.ID == "id:binary" {
			continue
		}
		if e.ServerModified.Before(start) || !end.IsZero() && !e.ServerModified.Before(end) {
			continue
		}
		id := idOf(lower(e.Path))
		switch {
		case e.ID == "id:bundle":
			for _, entry := range bundleEntries {
				ids = append(ids, id+entry)
			}
		case !slices.Contains(failing, id):
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func modTimes(d *dropboxemu.Data) []time.Time {
	var ts []time.Time
	for _, e := range d.Entries {
		if !e.Folder {
			ts = append(ts, e.ServerModified)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}
