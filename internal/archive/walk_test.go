package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/extract"
)

type file struct{ name, body string }

func zipOf(t *testing.T, files ...file) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate})
		require.NoError(t, err)
		_, err = w.Write([]byte(f.body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func tgzOf(t *testing.T, files ...file) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, f := range files {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(f.body))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// recorder keeps what a walk hands over.
type recorder struct {
	entries  map[string][]byte
	paths    map[string]string
	links    map[string]string
	failures map[string]error
	skips    map[string]string
	stopAt   int
}

func (r *recorder) walker(l Limits, slim bool) *Walker {
	r.entries, r.paths, r.links, r.failures, r.skips = map[string][]byte{}, map[string]string{}, map[string]string{}, map[string]error{}, map[string]string{}
	return &Walker{Limits: l, Slim: slim,
		Entry: func(ref Ref, f extract.Format, data []byte) bool {
			r.entries[ref.ID], r.paths[ref.ID], r.links[ref.ID] = data, ref.Path, ref.Link
			return r.stopAt == 0 || len(r.entries) < r.stopAt
		},
		Failure: func(ref Ref, err error) bool { r.failures[ref.ID] = err; return true },
		Skip:    func(ref Ref, reason string) { r.skips[ref.ID] = reason },
	}
}

var top = Ref{ID: "s3://b/dir/a.zip", Link: "https://b.example/dir/a.zip", Path: "b/dir/a.zip", Name: "a.zip"}

func TestWalkNested(t *testing.T) {
	inner := tgzOf(t, file{"b.md", "# Beta"}, file{"c.txt", "Gamma."})
	b := zipOf(t, file{"a.txt", "Alpha."}, file{"pics/logo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, file{"deep/in.tar.gz", string(inner)},
		file{"odd!/name.txt", "Bang."}, file{"dir/", ""})
	var r recorder
	ok, err := r.walker(Limits{}, false).Walk(t.Context(), top, b, extract.FormatZip)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Empty(t, r.failures)
	assert.Equal(t, map[string][]byte{
		top.ID + "!/a.txt":                 []byte("Alpha."),
		top.ID + "!/deep/in.tar.gz!/b.md":  []byte("# Beta"),
		top.ID + "!/deep/in.tar.gz!/c.txt": []byte("Gamma."),
		top.ID + "!/odd%21/name.txt":       []byte("Bang."),
	}, r.entries)
	assert.Equal(t, "b/dir/a.zip!/deep/in.tar.gz!/b.md", r.paths[top.ID+"!/deep/in.tar.gz!/b.md"])
	assert.Equal(t, top.Link+"#!/deep/in.tar.gz!/b.md", r.links[top.ID+"!/deep/in.tar.gz!/b.md"])
	assert.Equal(t, map[string]string{top.ID + "!/pics/logo.png": "binary content: image/png"}, r.skips)

	// A slim walk hands over the same ids, expanding only what its name
	// does not tell and the archives.
	var slim recorder
	ok, err = slim.walker(Limits{}, true).Walk(t.Context(), top, b, extract.FormatZip)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Len(t, slim.entries, len(r.entries))
	for id := range r.entries {
		assert.Contains(t, slim.entries, id)
		assert.Nil(t, slim.entries[id], "%s: the name tells its format", id)
	}
}

func TestWalkFailures(t *testing.T) {
	many := make([]file, 6)
	for i := range many {
		many[i] = file{fmt.Sprintf("n%d.txt", i), "x"}
	}
	var r recorder
	w := r.walker(Limits{MaxEntries: 5}, false)
	_, err := w.Walk(t.Context(), top, zipOf(t, many...), extract.FormatZip)
	require.NoError(t, err)
	assert.Empty(t, r.entries)
	assert.ErrorIs(t, r.failures[top.ID], ErrBounds, "refused whole, under the archive's id")

	nested := zipOf(t, file{"one.zip", string(zipOf(t, file{"two.zip", string(zipOf(t, file{"deep.txt", "deep"}))}))})
	w = r.walker(Limits{}, false)
	_, err = w.Walk(t.Context(), top, nested, extract.FormatZip)
	require.NoError(t, err)
	assert.ErrorIs(t, r.failures[top.ID+"!/one.zip!/two.zip"], ErrBounds, "nesting past max_depth")

	w = r.walker(Limits{}, false)
	_, err = w.Walk(t.Context(), top, zipOf(t, file{"../up.txt", "x"}, file{"same.txt", "1"}, file{"same.txt", "2"}), extract.FormatZip)
	require.NoError(t, err)
	assert.ErrorIs(t, r.failures[top.ID+"!/../up.txt"], ErrUnsafeEntry)
	assert.ErrorIs(t, r.failures[top.ID+"!/same.txt"], extract.ErrUndecodable)
	assert.Equal(t, []byte("1"), r.entries[top.ID+"!/same.txt"], "the first of a repeated name is kept")

	w = r.walker(Limits{}, false)
	_, err = w.Walk(t.Context(), top, []byte("not a zip"), extract.FormatZip)
	require.NoError(t, err)
	assert.ErrorIs(t, r.failures[top.ID], extract.ErrUndecodable)
}

func TestWalkStops(t *testing.T) {
	b := zipOf(t, file{"a.txt", "A"}, file{"b.txt", "B"}, file{"c.txt", "C"})
	r := recorder{stopAt: 2}
	ok, err := r.walker(Limits{}, false).Walk(t.Context(), top, b, extract.FormatZip)
	assert.False(t, ok)
	assert.NoError(t, err)
	assert.Len(t, r.entries, 2)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r = recorder{}
	ok, err = r.walker(Limits{}, false).Walk(ctx, top, b, extract.FormatZip)
	assert.False(t, ok)
	assert.True(t, errors.Is(err, context.Canceled))
	assert.Empty(t, r.entries)
}

func TestEscapeKey(t *testing.T) {
	for _, key := range []string{"plain/a.txt", "a!/b.txt", "100%#?.txt", "tab\there", "a!b/c", "!/"} {
		esc := EscapeKey(key)
		assert.NotContains(t, esc, "!/", key)
		back, ok := UnescapeKey(esc)
		assert.True(t, ok)
		assert.Equal(t, key, back)
	}
	assert.Equal(t, "a!b/c", EscapeKey("a!b/c"), "a bang not before a slash is left alone")
	for _, bad := range []string{"%", "%4", "%zz"} {
		_, ok := UnescapeKey(bad)
		assert.False(t, ok, bad)
	}
	obj, entry, in := SplitID(EscapeKey("x!/y.zip") + "!/" + EscapeKey("in!/z.txt"))
	assert.True(t, in)
	assert.Equal(t, "x%21/y.zip", obj)
	assert.Equal(t, "in%21/z.txt", entry)
}

func TestRefEntry(t *testing.T) {
	e := top.Entry("docs/in.tgz").Entry("x#1.md")
	assert.Equal(t, top.ID+"!/docs/in.tgz!/x%231.md", e.ID)
	assert.Equal(t, top.Link+"#!/docs/in.tgz!/x%231.md", e.Link)
	assert.Equal(t, top.Path+"!/docs/in.tgz!/x#1.md", e.Path)
	assert.Equal(t, "x#1.md", e.Name)
}
