package file

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
	"golang.org/x/text/unicode/norm"
)

func TestLoadFixtureTree(t *testing.T) {
	tr := newTree(t)
	r, skips := loadSkips(t, tr.connector(t))
	assert.Equal(t, tr.docs, r.ids())
	assert.Equal(t, tr.skips, skips.IDs(), "binary files and entries are skips, not failures")
	for id, kind := range tr.failures {
		f, ok := r.failures[id]
		if assert.True(t, ok, "no failure for %s", id) {
			assert.ErrorIs(t, f, kind, id)
		}
	}
	assert.Len(t, r.failures, len(tr.failures), "unexpected failures: %v", r.failures)

	d := r.docs[docID("share", "README.md")]
	assert.Equal(t, "Team share", d.Title)
	assert.Equal(t, "share/README.md", d.SemanticID)
	assert.Equal(t, Source, d.Source)
	assert.Equal(t, baseTime, d.UpdatedAt)
	assert.Equal(t, "file://"+filepath.ToSlash(tr.root)+"/README.md", d.Sections[0].Link)

	assert.Equal(t, "Intro", r.docs[docID("share", "docs/guide/intro.html")].Title)
	assert.Equal(t, "Café and crème", r.docs[docID("share", "docs/guide/intro.html")].Sections[0].Text)
	assert.Equal(t, "Grüße aus Windows", r.docs[docID("share", "encodings/utf16.txt")].Sections[0].Text)
	assert.Equal(t, "Olá, café com pão", r.docs[docID("share", "encodings/latin1.txt")].Sections[0].Text)
	pdf := r.docs[docID("share", "reports/q1.pdf")]
	assert.Equal(t, "Q1 report", pdf.Title)
	assert.Len(t, pdf.Sections, 2)
	assert.Contains(t, pdf.Sections[1].Link, "q1.pdf#page=2")
	assert.Equal(t, [][]string{{"name", "city"}, {"Ana", "Lisboa"}, {"Zoë", "Zürich"}}, r.docs[docID("share", "data/people.csv")].Sections[0].Rows)
	assert.Equal(t, "Réunion", r.docs[docID("share", "mail/meeting.eml")].Title)
	assert.Equal(t, "ana@example.com", r.docs[docID("share", "mail/meeting.eml")].PrimaryOwners[0].Email)
	assert.Equal(t, "Entry B", r.docs["file://share/archives/bundle.zip!/sub/b.md"].Title)
	assert.Equal(t, "entry c", r.docs["file://share/archives/bundle.zip!/inner.zip!/c.txt"].Sections[0].Text)
	assert.Equal(t, "Where everything lives.", lastLine(r.docs[docID("share", "links/readme-link.md")].Sections[0].Text))
	assert.Contains(t, r.docs, "file://share/names/100%25 done%21.txt")
	assert.Contains(t, r.docs, "file://share/ünïcödé/日本語 ファイル.txt")
	for _, d := range r.docs {
		assert.NotContains(t, d.ID, "outside the root")
		for _, s := range d.Sections {
			assert.NotContains(t, s.Text, "outside the root")
		}
	}
}

func lastLine(s string) string {
	lines := slices.DeleteFunc(splitLines(s), func(l string) bool { return l == "" })
	return lines[len(lines)-1]
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func TestSlimAdmitsWhatLoadAdmits(t *testing.T) {
	tr := newTree(t)
	c := tr.connector(t)
	full := load(t, c)
	want := full.ids()
	for id, f := range full.failures {
		if f.DocumentID != "" && !errors.Is(f, ErrArchiveBounds) && !errors.Is(f, ErrOutsideRoot) &&
			!errors.Is(f, ErrSymlinkLoop) && !errors.Is(f, ErrUnsafeEntry) && !errors.Is(f, ErrEncrypted) {
			want = append(want, id) // read and failed: Slim lists it so pruning keeps it
		}
	}
	want = append(want, docID("share", "reports/locked.pdf")) // encrypted file, not opened by Slim
	slices.Sort(want)
	var got []string
	slimFailures := map[string]bool{}
	for sd, err := range c.LoadSlim(context.Background(), time.Time{}, time.Time{}) {
		if f, ok := tributary.AsFailure(err); ok {
			slimFailures[f.DocumentID+f.EntityID] = true
			continue
		}
		require.NoError(t, err)
		got = append(got, sd.ID)
	}
	slices.Sort(got)
	assert.Equal(t, want, got)
	for _, id := range []string{docID("share", "links/escape.txt"), docID("share", "archives/bomb.zip"),
		folderID("share", "links/parent"), entryID(docID("share", "archives/bundle.zip"), "../evil.txt")} {
		assert.True(t, slimFailures[id], "slim failure for %s", id)
	}
}

func TestPollWindow(t *testing.T) {
	root := t.TempDir()
	times := map[string]time.Time{}
	for i, name := range []string{"a.txt", "b.txt", "c/d.txt", "e.txt"} {
		writeFile(t, root, name, []byte(name))
		ts := baseTime.Add(time.Duration(i) * time.Hour)
		require.NoError(t, os.Chtimes(filepath.Join(root, name), ts, ts))
		times[name] = ts
	}
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	// [start, end) is half-open: a file changed exactly at end is left out.
	start, end := times["b.txt"], times["e.txt"]
	r := collect(t, c.Poll(context.Background(), start, end))
	assert.Equal(t, []string{"file://r/b.txt", "file://r/c/d.txt"}, r.ids())
	for _, d := range r.docs {
		assert.False(t, d.UpdatedAt.Before(start))
		assert.True(t, d.UpdatedAt.Before(end))
	}
	all := collect(t, c.Poll(context.Background(), time.Time{}, time.Time{}))
	assert.Equal(t, load(t, c).ids(), all.ids())
	slim := 0
	for _, err := range c.LoadSlim(context.Background(), start, end) {
		require.NoError(t, err)
		slim++
	}
	assert.Equal(t, 2, slim)
}

func TestCheckpointResumesFromEveryPosition(t *testing.T) {
	defer func(i, f int) { checkpointItems, checkpointFiles = i, f }(checkpointItems, checkpointFiles)
	checkpointItems, checkpointFiles = 1, 1
	tr := newTree(t)
	tr2 := t.TempDir()
	writeFile(t, tr2, "z/last.txt", []byte("second root"))
	c := tr.connector(t, func(s *Settings) { s.Roots = append(s.Roots, Root{Path: tr2, Name: "second"}) })
	ctx := context.Background()
	var all []string
	var cps []tributary.Checkpoint
	var before [][]string
	for it, err := range c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		switch it.Kind() {
		case tributary.ItemDocument:
			all = append(all, it.Document.ID)
		case tributary.ItemFailure:
			all = append(all, it.Failure.DocumentID+it.Failure.EntityID)
		case tributary.ItemCheckpoint:
			assert.Less(t, len(it.Checkpoint), 1024, "checkpoint stays small")
			cps = append(cps, it.Checkpoint)
			before = append(before, slices.Clone(all))
		case tributary.ItemNode:
		default:
			t.Fatalf("unexpected item %v", it.Kind())
		}
	}
	require.Greater(t, len(cps), 20)
	assert.Contains(t, all, "file://second/z/last.txt")
	for i, cp := range cps {
		var rest []string
		for it, err := range c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, cp) {
			require.NoError(t, err)
			if it.Document != nil {
				rest = append(rest, it.Document.ID)
			} else if it.Failure != nil {
				rest = append(rest, it.Failure.DocumentID+it.Failure.EntityID)
			}
		}
		// Resuming re-yields nothing before the checkpoint and loses nothing after it.
		assert.Equal(t, all, append(slices.Clone(before[i]), rest...), "resume from checkpoint %d: %s", i, cp)
	}
}

func TestCheckpointCodec(t *testing.T) {
	for _, p := range []Position{{Root: "share", Path: "a/ü/\xff.txt"}, {Root: "share", Path: "b.txt"}, {Root: "share", End: true}} {
		cp, err := EncodeCheckpoint(p)
		require.NoError(t, err)
		got, ok, err := DecodeCheckpoint(cp)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, p, got)
	}

	c := newTree(t).connector(t)
	for _, bad := range []tributary.Checkpoint{
		tributary.Checkpoint("garbage"),
		tributary.Checkpoint(`{"kind":"web","version":1,"state":{"root":"share"}}`),
		mustCheckpoint(t, "no-such-root", "a.txt"),
	} {
		for _, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, bad) {
			assert.ErrorIs(t, err, tributary.ErrInvalidCheckpoint)
		}
	}
}

func mustCheckpoint(t *testing.T, root, rel string) tributary.Checkpoint {
	cp, err := EncodeCheckpoint(Position{Root: root, Path: rel})
	require.NoError(t, err)
	return cp
}

func TestIDsDoNotDependOnMount(t *testing.T) {
	var sets [][]string
	for range 2 {
		base := t.TempDir()
		root := filepath.Join(base, "mounted", "somewhere")
		writeFile(t, root, "a/b.md", []byte("# B"))
		// The same name written in decomposed form (as macOS stores it).
		writeFile(t, root, norm.NFD.String("café.txt"), []byte("x"))
		c, err := New(Settings{Roots: []Root{{Path: root, Name: "handbook"}}}, Credentials{}, tributary.Env{})
		require.NoError(t, err)
		sets = append(sets, load(t, c).ids())
	}
	assert.Equal(t, []string{"file://handbook/a/b.md", "file://handbook/" + norm.NFC.String("café.txt")}, sets[0])
	assert.Equal(t, sets[0], sets[1])
}

func TestTwoRootsStayDistinct(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "docs"), filepath.Join(t.TempDir(), "docs")
	writeFile(t, a, "x.txt", []byte("a"))
	writeFile(t, b, "x.txt", []byte("b"))
	_, err := New(Settings{Roots: []Root{{Path: a}, {Path: b}}}, Credentials{}, tributary.Env{})
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	fe := tributary.ConfigProblems(err)
	require.Len(t, fe, 1)
	assert.Equal(t, "settings.roots[1].name", fe[0].Field, "named as the registry names it")

	c, err := New(Settings{Roots: []Root{{Path: a}, {Path: b, Name: "docs-2"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	assert.Equal(t, []string{"file://docs-2/x.txt", "file://docs/x.txt"}, load(t, c).ids())
}

func TestIncludeExclude(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"a.md", "b.txt", "sub/c.md", "sub/deeper/d.md", "drafts/e.md", "sub/drafts/f.md"} {
		writeFile(t, root, p, []byte("x"))
	}
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}, Include: []string{"**/*.md"}, Exclude: []string{"**/drafts/**"}},
		Credentials{}, tributary.Env{})
	require.NoError(t, err)
	assert.Equal(t, []string{"file://r/a.md", "file://r/sub/c.md", "file://r/sub/deeper/d.md"}, load(t, c).ids())
}

func TestMetadataSideFile(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "hr/handbook.md", []byte("# Handbook\n"))
	writeFile(t, root, "hr/other.md", []byte("# Other\n"))
	writeFile(t, root, "hr/"+MetadataFile, []byte(`{"files": {"handbook.md": {
		"id": "hr-handbook", "link": "https://intranet.example.com/hr", "title": "Employee handbook",
		"owners": ["ana@example.com", "Ben Ode", {"display_name": "Cy", "email": "cy@example.com"}],
		"updated_at": "2023-05-01T09:00:00+02:00", "tags": {"department": "hr", "audience": ["all", "new"]}}}}`))
	writeFile(t, root, "bad/x.md", []byte("# X\n"))
	writeFile(t, root, "bad/"+MetadataFile, []byte(`{"files": {"x.md": {"titel": "typo"}}}`))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	r := load(t, c)
	assert.Equal(t, []string{"file://r/bad/x.md", "file://r/hr/other.md", "hr-handbook"}, r.ids())
	d := r.docs["hr-handbook"]
	assert.Equal(t, "Employee handbook", d.Title)
	assert.Equal(t, "https://intranet.example.com/hr", d.Sections[0].Link)
	assert.Equal(t, []tributary.Person{{Email: "ana@example.com"}, {DisplayName: "Ben Ode"}, {DisplayName: "Cy", Email: "cy@example.com"}}, d.PrimaryOwners)
	assert.Equal(t, time.Date(2023, 5, 1, 7, 0, 0, 0, time.UTC), d.UpdatedAt)
	assert.Equal(t, []string{"hr"}, d.Metadata["department"])
	assert.Equal(t, []string{"all", "new"}, d.Metadata["audience"])
	f := r.failures["file://r/bad/"+MetadataFile]
	require.NotNil(t, f, "a malformed side file is reported")
	assert.Contains(t, f.Error(), "titel")
	// The side file is never a document, and Slim sees the ids it sets.
	var slim []string
	for sd, err := range c.LoadSlim(context.Background(), time.Time{}, time.Time{}) {
		if err == nil {
			slim = append(slim, sd.ID)
		}
	}
	slices.Sort(slim)
	assert.Equal(t, r.ids(), slim)
}

func TestArchiveBounds(t *testing.T) {
	tr := newTree(t)
	c := tr.connector(t, func(s *Settings) { s.Archive.MaxDepth = 1; s.Archive.MaxEntries = 5 })
	r := load(t, c)
	inner := entryID(docID("share", "archives/bundle.zip"), "inner.zip")
	// bundle.zip holds 6 entries: over max_entries, so it is refused whole.
	assert.ErrorIs(t, r.failures[docID("share", "archives/bundle.zip")], ErrArchiveBounds)
	assert.NotContains(t, r.docs, entryID(inner, "c.txt"))

	c = tr.connector(t, func(s *Settings) { s.Archive.MaxDepth = 1 })
	r = load(t, c)
	assert.ErrorIs(t, r.failures[inner], ErrArchiveBounds, "nested archive over max_depth")
	assert.Contains(t, r.docs, entryID(docID("share", "archives/bundle.zip"), "a.txt"))

	c = tr.connector(t, func(s *Settings) { s.OpenArchives = false })
	r = load(t, c)
	assert.NotContains(t, r.failures, docID("share", "archives/bomb.zip"), "archives not admitted")
	assert.NotContains(t, r.docs, entryID(docID("share", "archives/bundle.zip"), "a.txt"))
}

func TestMaxFileSize(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "big.txt", make([]byte, 2048))
	writeFile(t, root, "small.txt", []byte("ok"))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}, MaxFileSize: 1024}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	r := load(t, c)
	assert.Equal(t, []string{"file://r/small.txt"}, r.ids())
	assert.ErrorIs(t, r.failures["file://r/big.txt"], ErrTooLarge)
}

func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: file permissions do not stop reads")
	}
	root := t.TempDir()
	writeFile(t, root, "private.txt", []byte("x"))
	require.NoError(t, os.Chmod(filepath.Join(root, "private.txt"), 0))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	assert.ErrorIs(t, load(t, c).failures["file://r/private.txt"], os.ErrPermission)
}

func TestValidate(t *testing.T) {
	root := t.TempDir()
	ctx := context.Background()
	c, err := New(Settings{Roots: []Root{{Path: root}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	assert.NoError(t, c.Validate(ctx))
	c, err = New(Settings{Roots: []Root{{Path: filepath.Join(root, "missing")}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	assert.ErrorIs(t, c.Validate(ctx), tributary.ErrNotFound)
	for _, err := range c.Load(ctx) {
		assert.ErrorIs(t, err, tributary.ErrNotFound, "a missing root ends the run: pruning must not see it as empty")
	}
}

func TestDecodeSettings(t *testing.T) {
	reg, err := tributary.Lookup(Source)
	require.NoError(t, err)
	_, err = reg.Factory(tributary.Params{Settings: []byte(`{"roots": [{"path": "/tmp"}], "exlude": ["x"], "include": ["[bad"]}`)})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	var fields []string
	for _, p := range tributary.ConfigProblems(err) {
		fields = append(fields, p.Field)
	}
	assert.Contains(t, fields, "settings.exlude")
	_, err = reg.Factory(tributary.Params{Settings: []byte(`{}`)})
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	_, err = reg.Factory(tributary.Params{Settings: []byte(`{"roots": [{"path": "/tmp"}], "include": ["[bad"]}`)})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Equal(t, "settings.include[0]", tributary.ConfigProblems(err)[0].Field)
	c, err := reg.Factory(tributary.Params{Settings: []byte(`{"roots": [{"path": "/tmp"}]}`)})
	require.NoError(t, err)
	assert.True(t, c.(*Connector).s.OpenArchives, "open_archives defaults to true")
	assert.Equal(t, tributary.Capabilities{Load: true, Poll: true, Slim: true, Event: true, Checkpoint: true, Refetch: true, Probe: true, NormalizeURL: true}, reg.Capabilities)
}

func TestCancelAndEarlyBreak(t *testing.T) {
	tr := newTree(t)
	c := tr.connector(t)
	n := 0
	for range c.Load(context.Background()) {
		n++
		if n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var last error
	n = 0
	for _, err := range c.Load(ctx) {
		n++
		if n == 2 {
			cancel()
		}
		last = err
	}
	assert.ErrorIs(t, last, context.Canceled)
	assert.LessOrEqual(t, n, 4)
}

func TestFolderNodes(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a/b/c.md", []byte("# C"))
	writeFile(t, root, "a/d.md", []byte("# D"))
	writeFile(t, root, "empty/skip.png", []byte("png"))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	var got []string
	for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		switch {
		case it.Node != nil:
			got = append(got, "node "+it.Node.ID+" in "+it.Node.ParentID+" named "+it.Node.Name)
		case it.Document != nil:
			got = append(got, "doc "+it.Document.ID+" in "+it.Document.ParentID)
		}
	}
	assert.Equal(t, []string{
		"node file://r/ in  named r",
		"node file://r/a/ in file://r/ named a",
		"node file://r/a/b/ in file://r/a/ named b",
		"doc file://r/a/b/c.md in file://r/a/b/",
		"doc file://r/a/d.md in file://r/a/",
	}, got, "a folder's node comes before its first document; folders with none have none")
}

func TestSettingsSchema(t *testing.T) {
	reg, err := tributary.Lookup(Source)
	require.NoError(t, err)
	var schema struct {
		Required   []string `json:"required"`
		Properties map[string]struct {
			Description string `json:"description"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(reg.SettingsSchema(), &schema))
	assert.Equal(t, []string{"roots"}, schema.Required)
	for name, p := range schema.Properties {
		assert.NotEmpty(t, p.Description, "settings.%s has a description for forms", name)
	}
	assert.Contains(t, schema.Properties["include"].Description, "every file", "descriptions are whole, commas included")
}

// failingFile stands for a file whose reads fail (a disk error, a file
// the process may not read): permissions cannot make one when the tests
// run as root.
type failingFile struct{}

func (failingFile) Read([]byte) (int, error) {
	return 0, &os.PathError{Op: "read", Path: "x", Err: syscall.EIO}
}
func (failingFile) Close() error { return nil }

func TestReadErrorIsAFailure(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a.txt", []byte("text"))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	var got []tributary.Item
	w := c.walker(context.Background(), time.Time{}, time.Time{}, func(it tributary.Item) bool { got = append(got, it); return true })
	fi, err := os.Stat(filepath.Join(root, "a.txt"))
	require.NoError(t, err)
	for _, open := range []func() (io.ReadCloser, error){
		func() (io.ReadCloser, error) { return failingFile{}, nil },
		func() (io.ReadCloser, error) {
			return nil, &os.PathError{Op: "open", Path: "a.txt", Err: syscall.EACCES}
		},
	} {
		got = nil
		src := &source{dir: &dirState{root: &rootState{cfg: c.roots[0]}}, root: c.roots[0], id: "file://r/a.txt", name: "a.txt"}
		require.NoError(t, w.readFile(src, fi, open))
		require.Len(t, got, 1)
		require.NotNil(t, got[0].Failure)
		assert.Equal(t, "file://r/a.txt", got[0].Failure.DocumentID)
	}
	assert.ErrorIs(t, got[0].Failure, os.ErrPermission)
}

func TestHiddenFilesExcludedByDefault(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"a.md", ".env", ".config/app.toml", "sub/.secret.txt", "sub/b.md"} {
		writeFile(t, root, p, []byte("x"))
	}
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	assert.Equal(t, []string{"file://r/a.md", "file://r/sub/b.md"}, load(t, c).ids())
	c, err = New(Settings{Roots: []Root{{Path: root, Name: "r"}}, Exclude: []string{}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	assert.Len(t, load(t, c).ids(), 5, "an empty exclude list indexes hidden files too")
}

func TestBinaryFilesAreSkippedBySniffing(t *testing.T) {
	root := t.TempDir()
	elf := []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00")
	noise := make([]byte, 4096)
	for i := range noise {
		noise[i] = byte(i*7 + i/13)
	}
	writeFile(t, root, "testdata/exec", elf)                                                  // no extension: sniffed as an executable
	writeFile(t, root, "testdata/table.golden", noise)                                        // unknown extension: sniffed as binary
	writeFile(t, root, "zoneinfo/Europe/Paris", append([]byte("TZif2"), make([]byte, 40)...)) // a tz file
	writeFile(t, root, "lib.so", elf)                                                         // skipped by name, never read
	writeFile(t, root, "data/notes.dat", []byte("plain text in a .dat file\n"))
	writeFile(t, root, "Cargo.lock", []byte("[[package]]\nname = \"x\"\n"))
	writeFile(t, root, "broken.txt", append([]byte("text then "), 0, 1, 2, 3, 0, 0xff))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	r, skips := loadSkips(t, c)
	assert.Equal(t, []string{"file://r/Cargo.lock", "file://r/data/notes.dat"}, r.ids(), "text is sniffed, not skipped by name")
	assert.Equal(t, []string{"file://r/lib.so", "file://r/testdata/exec", "file://r/testdata/table.golden", "file://r/zoneinfo/Europe/Paris"},
		skips.IDs())
	assert.Contains(t, skips.Reasons()["file://r/testdata/exec"], "application/x-executable")
	assert.Contains(t, skips.Reasons()["file://r/lib.so"], ".so")
	require.Len(t, r.failures, 1, "a file named as text that holds none is a failure: %v", r.failures)
	assert.ErrorIs(t, r.failures["file://r/broken.txt"], ErrUndecodable)

	var slim []string
	for sd, err := range c.LoadSlim(context.Background(), time.Time{}, time.Time{}) {
		require.NoError(t, err)
		slim = append(slim, sd.ID)
	}
	slices.Sort(slim)
	assert.Equal(t, []string{"file://r/Cargo.lock", "file://r/broken.txt", "file://r/data/notes.dat"}, slim,
		"slim lists what Load admits, and no skipped file")
}

func TestIncludeWinsOverSkipList(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "firmware/notes.bin", []byte("release notes kept in a .bin file\n"))
	writeFile(t, root, "firmware/image.bin", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}, Include: []string{"**/*.bin"}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	r, skips := loadSkips(t, c)
	assert.Equal(t, []string{"file://r/firmware/notes.bin"}, r.ids())
	assert.Equal(t, []string{"file://r/firmware/image.bin"}, skips.IDs(), "an included binary is read, and skipped by content")
	assert.Empty(t, r.failures)
}

// passTick returns once the file system stamps status changes later than
// after: its clock advances in ticks of a few milliseconds, so a change
// made right after another may carry the same time. It changes a marker
// file outside the root until the stamp moves.
func passTick(t *testing.T, after time.Time) {
	t.Helper()
	marker := filepath.Join(t.TempDir(), "tick")
	require.NoError(t, os.WriteFile(marker, nil, 0o644))
	for range 1_000_000 {
		fi, err := os.Stat(marker)
		require.NoError(t, err)
		if statusChange(fi).After(after) {
			return
		}
		require.NoError(t, os.Chmod(marker, 0o644))
	}
	t.Fatal("the file system's status-change time never moved")
}

func ctimeOf(t *testing.T, p string) time.Time {
	t.Helper()
	fi, err := os.Stat(p)
	require.NoError(t, err)
	return statusChange(fi)
}

func TestPollFindsFilesWithOldModificationTimes(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "freebsd" && runtime.GOOS != "netbsd" {
		t.Skip("status-change times are read on Linux and the BSDs")
	}
	root := t.TempDir()
	old := time.Date(2019, 5, 1, 8, 0, 0, 0, time.UTC)
	write := func(rel, text string) {
		writeFile(t, root, rel, []byte(text))
		require.NoError(t, os.Chtimes(filepath.Join(root, rel), old, old))
	}
	write("old.txt", "indexed long ago")
	write("sub/rename-me.txt", "renamed later")
	write("sub/chmod-me.txt", "made read-only later")
	last := ctimeOf(t, filepath.Join(root, "sub/chmod-me.txt"))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	start := last.Add(time.Nanosecond) // the next poll window opens after the last change
	assert.Empty(t, collect(t, c.Poll(context.Background(), start, time.Time{})).ids())

	passTick(t, last)
	write("copied.txt", "copied in with its old time, as cp -p does") // a new path, an old time
	require.NoError(t, os.Rename(filepath.Join(root, "sub/rename-me.txt"), filepath.Join(root, "sub/renamed.txt")))
	require.NoError(t, os.Chmod(filepath.Join(root, "sub/chmod-me.txt"), 0o444))
	r := collect(t, c.Poll(context.Background(), start, time.Time{}))
	assert.Equal(t, []string{"file://r/copied.txt", "file://r/sub/chmod-me.txt", "file://r/sub/renamed.txt"}, r.ids(),
		"a file is changed when its ctime or mtime moved")
	for id, d := range r.docs {
		assert.False(t, d.UpdatedAt.Before(start), "%s: UpdatedAt is the change time, inside the window", id)
	}
	var slim []string
	for sd, err := range c.LoadSlim(context.Background(), start, time.Time{}) {
		require.NoError(t, err)
		slim = append(slim, sd.ID)
	}
	assert.Equal(t, r.ids(), slim)
	end := ctimeOf(t, filepath.Join(root, "copied.txt"))
	assert.Empty(t, collect(t, c.Poll(context.Background(), start, end)).ids(), "a window that ends before the change leaves it out")
	assert.Equal(t, ctimeOf(t, filepath.Join(root, "old.txt")), load(t, c).docs["file://r/old.txt"].UpdatedAt,
		"UpdatedAt is the later of the modification and status-change times")
}

func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// tarred makes a tar archive of name, content pairs; a name ending in "/"
// is a folder, one starting with "->" a symbolic link.
func tarred(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		name, data := files[i], files[i+1]
		h := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}
		switch {
		case strings.HasSuffix(name, "/"):
			h.Typeflag, h.Size = tar.TypeDir, 0
		case strings.HasPrefix(name, "->"):
			h.Name, h.Typeflag, h.Linkname, h.Size = name[2:], tar.TypeSymlink, data, 0
		}
		require.NoError(t, tw.WriteHeader(h))
		if h.Typeflag == tar.TypeReg {
			_, err := tw.Write([]byte(data))
			require.NoError(t, err)
		}
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

func TestGzipAndTarArchives(t *testing.T) {
	root := t.TempDir()
	bundle := tarred(t, "bundle/", "", "bundle/a.md", "# Entry A\n", "bundle/sub/b.txt", "entry b",
		"->bundle/link", "a.md", "../evil.txt", "climbs out", "bundle/pic.png", "png")
	writeFile(t, root, "docs/changelog.txt.gz", gzipped(t, []byte("version 2: gzip is read\n")))
	writeFile(t, root, "docs/bundle.tar.gz", gzipped(t, bundle))
	writeFile(t, root, "docs/bundle.tgz", gzipped(t, bundle))
	writeFile(t, root, "docs/plain.tar", tarred(t, "x.txt", "in a plain tar"))
	writeFile(t, root, "docs/no-extension", gzipped(t, tarred(t, "y.txt", "sniffed as gzip, then tar")))
	writeFile(t, root, "bombs/zeros.gz", gzipped(t, make([]byte, 16<<20)))
	writeFile(t, root, "bombs/zeros.tar.gz", gzipped(t, tarred(t, "zeros", string(make([]byte, 16<<20)))))
	writeFile(t, root, "bombs/huge.tar", tarred(t, "huge.txt", string(make([]byte, 2<<20))))
	writeFile(t, root, "bombs/broken.gz", []byte("\x1f\x8b\x08\x00 not really gzip"))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}, OpenArchives: true, Archive: ArchiveLimits{MaxEntrySize: 1 << 20}},
		Credentials{}, tributary.Env{})
	require.NoError(t, err)
	r, skips := loadSkips(t, c)
	want := []string{
		"file://r/docs/bundle.tar.gz!/bundle/a.md", "file://r/docs/bundle.tar.gz!/bundle/sub/b.txt",
		"file://r/docs/bundle.tgz!/bundle/a.md", "file://r/docs/bundle.tgz!/bundle/sub/b.txt",
		"file://r/docs/changelog.txt.gz!/changelog.txt", "file://r/docs/no-extension!/y.txt", "file://r/docs/plain.tar!/x.txt",
	}
	assert.Equal(t, want, r.ids(), "%v", r.failures)
	assert.Equal(t, "version 2: gzip is read\n", r.docs["file://r/docs/changelog.txt.gz!/changelog.txt"].Sections[0].Text)
	assert.Equal(t, "Entry A", r.docs["file://r/docs/bundle.tar.gz!/bundle/a.md"].Title)
	assert.Equal(t, []string{"file://r/docs/bundle.tar.gz!/bundle/pic.png", "file://r/docs/bundle.tgz!/bundle/pic.png"}, skips.IDs())
	for id, kind := range map[string]error{
		"file://r/docs/bundle.tar.gz!/../evil.txt": ErrUnsafeEntry, "file://r/docs/bundle.tgz!/../evil.txt": ErrUnsafeEntry,
		"file://r/bombs/zeros.gz": ErrArchiveBounds, "file://r/bombs/zeros.tar.gz": ErrArchiveBounds,
		"file://r/bombs/huge.tar": ErrArchiveBounds, "file://r/bombs/broken.gz": ErrUndecodable,
	} {
		if assert.Contains(t, r.failures, id) {
			assert.ErrorIs(t, r.failures[id], kind, id)
		}
	}
	assert.Len(t, r.failures, 6, "%v", r.failures)

	var slim []string
	for sd, err := range c.LoadSlim(context.Background(), time.Time{}, time.Time{}) {
		if err == nil {
			slim = append(slim, sd.ID)
		}
	}
	slices.Sort(slim)
	assert.Equal(t, want, slim, "slim lists the same entries")

	inc, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}, Include: []string{"docs/*.gz"}, OpenArchives: true}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	assert.Equal(t, []string{"file://r/docs/bundle.tar.gz!/bundle/a.md", "file://r/docs/bundle.tar.gz!/bundle/sub/b.txt",
		"file://r/docs/changelog.txt.gz!/changelog.txt"}, load(t, inc).ids(), "an include brings .gz files in")
}

func TestRerunSendsOnlyChangedNodes(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"a/b/c.md", "a/d.md", "e.txt"} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, p), []byte(p), 0o644))
	}
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	var got []string
	sink := tributary.SinkFunc(func(_ context.Context, b tributary.Batch) error {
		for _, n := range b.Nodes {
			got = append(got, "node "+n.ID)
		}
		for _, d := range b.Documents {
			got = append(got, "doc "+d.ID)
		}
		return nil
	})
	// The lookback reaches back past every file, so each rerun reads them all again.
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, Lookback: time.Hour}
	run := func(opts tributary.RunOptions) []string {
		got = nil
		_, err := r.Run(context.Background(), c, opts)
		require.NoError(t, err)
		slices.Sort(got)
		return got
	}
	assert.Equal(t, []string{"doc file://r/a/b/c.md", "doc file://r/a/d.md", "doc file://r/e.txt",
		"node file://r/", "node file://r/a/", "node file://r/a/b/"}, run(tributary.RunOptions{}))
	assert.Empty(t, run(tributary.RunOptions{}), "a rerun over an unchanged tree sends nothing, folder nodes included")

	passTick(t, ctimeOf(t, filepath.Join(root, "e.txt")))
	require.NoError(t, os.WriteFile(filepath.Join(root, "a/b/c.md"), []byte("changed"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "a/new"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "a/new/f.md"), []byte("new"), 0o644))
	assert.Equal(t, []string{"doc file://r/a/b/c.md", "doc file://r/a/new/f.md", "node file://r/a/new/"},
		run(tributary.RunOptions{}), "only the new folder's node comes with the changed documents")
	assert.Len(t, run(tributary.RunOptions{Redeliver: true}), 8, "a redelivery sends every node again")
}
