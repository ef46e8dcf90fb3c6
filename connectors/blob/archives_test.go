package blob

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

var archiveObjects = []object{
	{key: "docs/readme.txt", body: "Read me."},
	{key: "docs/bundle.zip", body: string(zipOf(archiveEntries{
		{"a.txt", "Alpha."}, {"pics/logo.png", pngHeader}, {"deep/inner.tar.gz", string(tgzOf(archiveEntries{{"b.md", "# Beta"}}))},
	}))},
	{key: "docs/photo", body: pngHeader},
	{key: "docs/plain", body: "Words without an extension."},
	{key: "odd/a!/b.txt", body: "A key with a bang before a slash."},
}

// Archives in a bucket are opened as the file connector opens them: each
// entry is a document ARCHIVE-ID!/ENTRY (archives nested in archives too),
// binary content (objects and entries) is left out with a skip report, not
// failed, and the ids of keys holding "!/" cannot be taken for entries.
func TestArchivesAreOpenedAndBinaryLeftOut(t *testing.T) {
	f := newFixture(t, archiveObjects)
	c := f.connector(t, f.settings())
	var skips connectortest.Skips
	got := connectortest.Collect(c.LoadFromCheckpoint(skips.In(t.Context()), time.Time{}, time.Time{}, nil))
	require.NoError(t, got.Err)
	assert.Empty(t, got.Failures)
	zipID := id("docs/bundle.zip")
	assert.ElementsMatch(t, []string{
		id("docs/readme.txt"), id("docs/plain"), zipID + "!/a.txt", zipID + "!/deep/inner.tar.gz!/b.md", "s3://docs/odd/a%21/b.txt",
	}, ids(got.Documents))
	for _, d := range got.Documents {
		if strings.HasPrefix(d.ID, zipID+"!/") {
			assert.Equal(t, id("docs/"), d.ParentID, "an entry is under its archive's folder")
			assert.Equal(t, baseTime, d.UpdatedAt, "an entry takes its archive's time")
			assert.Equal(t, testBucket+"/docs/bundle.zip!/"+strings.TrimPrefix(d.ID, zipID+"!/"), d.SemanticID)
		}
	}
	assert.Equal(t, map[string]string{id("docs/photo"): "binary content: image/png", zipID + "!/pics/logo.png": "binary content: image/png"}, skips.Reasons())

	// Slim admits exactly those, reading the first bytes of an object
	// whose name does not tell its format and nothing of one whose name does.
	before := len(f.emu.Requests())
	var slim []string
	for sd, err := range c.LoadSlim(t.Context(), time.Time{}, time.Time{}) {
		require.NoError(t, err)
		slim = append(slim, sd.ID)
	}
	assert.ElementsMatch(t, ids(got.Documents), slim)
	reads := 0
	for _, r := range f.emu.Requests()[before:] {
		if r.Method != "GET" || strings.Contains(r.Query, "list-type") {
			continue
		}
		reads++
		switch {
		case strings.HasSuffix(r.Path, "/photo"), strings.HasSuffix(r.Path, "/plain"):
			assert.Equal(t, "bytes=0-3071", r.Header.Get("Range"), r.Path)
		case strings.HasSuffix(r.Path, ".zip"):
			assert.Empty(t, r.Header.Get("Range"), "an archive is read whole to list its entries")
		default:
			t.Errorf("slim read %s, whose name tells its format", r.Path)
		}
	}
	assert.Equal(t, 3, reads, "two objects told by content, one archive")

	// Refetch answers an entry's id from its archive.
	re := connectortest.CollectRefetch(t, t.Context(), c, zipID+"!/a.txt", zipID+"!/gone.txt", id("docs/photo"))
	re.Parented(t)
	answers := re.Once(t, zipID+"!/a.txt", zipID+"!/gone.txt", id("docs/photo"))
	assert.NotNil(t, answers[zipID+"!/a.txt"].Document)
	assert.NotNil(t, answers[zipID+"!/gone.txt"].Deletion, "an entry no longer there is a deletion")
	assert.NotNil(t, answers[id("docs/photo")].Deletion, "binary content Load leaves out is a deletion")
}

// With open_archives off, archives are left out, and an entry's id is not
// the connector's.
func TestArchivesLeftOutWhenOff(t *testing.T) {
	f := newFixture(t, archiveObjects)
	s := f.settings()
	s.OpenArchives = false
	c := f.connector(t, s)
	got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
	require.NoError(t, got.Err)
	for _, d := range got.Documents {
		assert.NotContains(t, d.ID, "bundle.zip")
	}
	re := connectortest.Collect(c.Refetch(t.Context(), []string{id("docs/bundle.zip") + "!/a.txt"}))
	require.Len(t, re.Failures, 1)
	assert.ErrorIs(t, re.Failures[0], tributary.ErrForeignURL)
}

// An archive over its bounds is refused whole, with one Failure under its
// own id, and the entries of an archive refused since are Failures when
// fetched again, not deletions.
func TestArchiveOverBoundsIsOneFailure(t *testing.T) {
	many := archiveEntries{}
	for i := range 6 {
		many = append(many, struct{ name, body string }{"n" + itoa(i) + ".txt", "x"})
	}
	f := newFixture(t, []object{{key: "a.zip", body: string(zipOf(many))}, {key: "nested.zip", body: string(zipOf(archiveEntries{
		{"one.zip", string(zipOf(archiveEntries{{"two.zip", string(zipOf(archiveEntries{{"deep.txt", "deep"}}))}}))},
	}))}})
	s := f.settings()
	s.Archive.MaxEntries = 5
	c := f.connector(t, s)
	got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
	require.NoError(t, got.Err)
	assert.Empty(t, got.Documents)
	require.Len(t, got.Failures, 2)
	for _, fl := range got.Failures {
		assert.True(t, errors.Is(fl, ErrArchiveBounds), fl.Error())
	}
	assert.ElementsMatch(t, []string{id("a.zip"), id("nested.zip") + "!/one.zip!/two.zip"}, []string{got.Failures[0].DocumentID, got.Failures[1].DocumentID},
		"nesting deeper than max_depth fails the archive at that depth")

	re := connectortest.Collect(c.Refetch(t.Context(), []string{id("a.zip") + "!/n0.txt"}))
	require.NoError(t, re.Err)
	require.Len(t, re.Failures, 1)
	assert.Equal(t, id("a.zip")+"!/n0.txt", re.Failures[0].DocumentID)
	assert.ErrorIs(t, re.Failures[0], ErrArchiveBounds)
}

func ids(docs []*tributary.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}
