package box

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/boxemu"
)

const testToken = "dev-token-0001"

// fastRetry keeps retries of answers without Retry-After quick.
var fastRetry = httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}

// Special files the fixture adds, by id.
const (
	forbiddenID = "900001" // download refused: a failure
	binaryID    = "900002" // skipped
	bundleID    = "900003" // a zip with two text entries
	noteID      = "900004" // a Box Note
)

// bundleEntries are the documents of the bundle's entries.
var bundleEntries = []string{"!/a.txt", "!/docs/b.md"}

func zipOf(files ...string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		w, _ := z.Create(files[i])
		_, _ = w.Write([]byte(files[i+1]))
	}
	_ = z.Close()
	return b.Bytes()
}

// addSpecials adds the special files under the first folder and returns
// the failing ids.
func addSpecials(d *boxemu.Data) []string {
	folder := d.Items[1].ID
	t := boxemu.Base.Add(-time.Hour)
	d.Items = append(d.Items,
		&boxemu.Item{ID: forbiddenID, Name: "secret.txt", Parent: folder, Content: []byte("x"), Forbidden: true, ModifiedAt: t, CreatedAt: t},
		&boxemu.Item{ID: binaryID, Name: "photo", Parent: folder, Content: []byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1}, ModifiedAt: t, CreatedAt: t},
		&boxemu.Item{ID: bundleID, Name: "Bundle.zip", Parent: folder, Content: zipOf("a.txt", "Alpha.", "docs/b.md", "# Beta"), ModifiedAt: t.Add(time.Minute), CreatedAt: t},
		&boxemu.Item{ID: noteID, Name: "Plan.boxnote", Parent: folder, Content: []byte(`{"doc":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Ship it."}]}]}}`),
			ModifiedAt: t.Add(2 * time.Minute), CreatedAt: t})
	return []string{fileID(forbiddenID)}
}

type fixture struct {
	emu  *boxemu.Server
	data *boxemu.Data
}

func newFixture(t testing.TB, gen boxemu.GenerateOptions, opts boxemu.Options, specials bool) *fixture {
	t.Helper()
	d := boxemu.Generate(gen)
	if specials {
		addSpecials(d)
	}
	emu := boxemu.New(d, opts)
	t.Cleanup(emu.Close)
	emu.AddToken(testToken)
	return &fixture{emu: emu, data: d}
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
func expectedIDs(d *boxemu.Data, failing []string, start, end time.Time) []string {
	var ids []string
	for _, it := range d.Items {
		if it.Folder || it.ID == binaryID || it.Status != "" && it.Status != "active" {
			continue
		}
		if it.ModifiedAt.Before(start) || !end.IsZero() && !it.ModifiedAt.Before(end) {
			continue
		}
		id := fileID(it.ID)
		switch {
		case it.ID == bundleID:
			for _, e := range bundleEntries {
				ids = append(ids, id+e)
			}
		case !slices.Contains(failing, id):
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func modTimes(d *boxemu.Data) []time.Time {
	var ts []time.Time
	for _, it := range d.Items {
		if !it.Folder {
			ts = append(ts, it.ModifiedAt)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// mapValues keeps Values in memory, every Put visible to the next run.
type mapValues struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (v *mapValues) Get(_ context.Context, keys []string) (map[string][]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[string][]byte{}
	for _, k := range keys {
		if b, ok := v.m[k]; ok {
			out[k] = b
		}
	}
	return out, nil
}

func (v *mapValues) Put(key string, value []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.m[key] = value
}
