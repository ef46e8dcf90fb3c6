package file

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/fixture"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// baseTime is the modification time of every fixture file, unless a test
// sets another. It lies in the future, after the files' status-change
// times (when the test wrote them), which the connector takes as change
// times when they are later.
var baseTime = time.Date(2124, 3, 1, 12, 0, 0, 0, time.UTC)

// writeFile writes data at rel below root, making folders, with mtime
// baseTime.
func writeFile(t testing.TB, root, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, data, 0o644))
	require.NoError(t, os.Chtimes(p, baseTime, baseTime))
}

func symlink(t testing.TB, target, root, rel string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.Symlink(target, p))
}

// tree is a generated fixture: a realistic folder with every format,
// unicode names, deep nesting, symbolic links in and out of the root, zip
// bombs and undecodable files.
type tree struct {
	root, outside string
	docs          []string // ids Load yields as documents
	failures      map[string]error
	skips         []string // ids Load passes over and reports as skips
}

func newTree(t testing.TB) *tree {
	t.Helper()
	base := t.TempDir()
	tr := &tree{root: filepath.Join(base, "share"), outside: filepath.Join(base, "outside"), failures: map[string]error{}}
	require.NoError(t, os.MkdirAll(tr.root, 0o755))
	writeFile(t, tr.outside, "secret.txt", []byte("outside the root"))
	doc := func(rel string, data []byte) {
		writeFile(t, tr.root, rel, data)
		tr.docs = append(tr.docs, docID("share", rel))
	}
	fail := func(rel string, data []byte, kind error) {
		writeFile(t, tr.root, rel, data)
		tr.failures[docID("share", rel)] = kind
	}
	doc("README.md", []byte("# Team share\n\nWhere everything lives.\n"))
	doc("docs/guide/intro.html", []byte(`<html><head><meta charset="windows-1252"><title>Intro</title></head><body><p>Caf`+"\xe9"+` and cr`+"\xe8"+`me</p></body></html>`))
	doc("docs/config.json", []byte(`{"name": "service", "replicas": 3}`))
	doc("docs/empty.json", nil)
	doc("docs/tsconfig.json", []byte("{\n  // compiler settings\n  \"compilerOptions\": {\"strict\": true,},\n}\n"))
	doc("data/people.csv", []byte("name,city\nAna,Lisboa\nZoë,Zürich\n"))
	doc("data/metrics.tsv", []byte("day\tcount\nmon\t3\n"))
	doc("reports/q1.pdf", fixture.PDF("Q1 report", "Revenue grew", "Costs fell"))
	fail("reports/locked.pdf", fixture.EncryptedPDF(), ErrEncrypted)
	doc("office/plan.docx", fixture.DOCX("Plan", "Ana", "Plan for 2024", "Hire two people"))
	doc("office/deck.pptx", fixture.PPTX("Deck", "Welcome", "Agenda"))
	doc("office/chart.docx", fixture.DOCXWithPicture("Sales by quarter", "Bar chart of sales", fixture.PNG(color.Black)))
	doc("office/budget.xlsx", fixture.XLSX([]string{"Budget"}, map[string][][]string{"Budget": {{"item", "cost"}, {"desk", "300"}}}))
	doc("mail/meeting.eml", fixture.EML("Réunion", "Ana <ana@example.com>", "ben@example.com"))
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("Grüße aus Windows"))
	doc("encodings/utf16.txt", utf16)
	latin1, _ := charmap.ISO8859_1.NewEncoder().Bytes([]byte("Olá, café com pão"))
	doc("encodings/latin1.txt", latin1)
	doc("ünïcödé/日本語 ファイル.txt", []byte("日本語のテキスト"))
	doc("names/100% done!.txt", []byte("escaped name"))
	deep := strings.Repeat("level/", 20) + "deep.txt"
	doc(deep, []byte("at the bottom"))
	doc("notes", []byte("a file with no extension, sniffed as text\n"))
	writeFile(t, tr.root, "blob", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00"))
	tr.skips = append(tr.skips, docID("share", "blob"))
	fail("broken.txt", append([]byte("text then "), 0, 1, 2, 3, 0, 0xff, 0xfe, 0), ErrUndecodable)
	fail("bad.json", []byte(`{"unterminated": `), ErrUndecodable)
	writeFile(t, tr.root, "photos/cat.png", []byte("\x89PNG\r\n\x1a\n")) // skipped by name
	tr.skips = append(tr.skips, docID("share", "photos/cat.png"))
	writeFile(t, tr.root, ".git/config", []byte("[core]\n"))                       // excluded by default
	writeFile(t, tr.root, "node_modules/x/index.js", []byte("module.exports = 1")) // excluded by default

	// Archives: entries become documents; unsafe and encrypted entries fail.
	writeFile(t, tr.root, "archives/bundle.zip", fixture.Zip(
		fixture.Entry{Name: "a.txt", Data: []byte("entry a")},
		fixture.Entry{Name: "sub/b.md", Data: []byte("# Entry B\n")},
		fixture.Entry{Name: "../evil.txt", Data: []byte("climbs out")},
		fixture.Entry{Name: "locked.txt", Data: []byte("xx"), Encrypted: true},
		fixture.Entry{Name: "pic.png", Data: []byte("png")},
		fixture.Entry{Name: "inner.zip", Data: fixture.Zip(fixture.Entry{Name: "c.txt", Data: []byte("entry c")})},
	))
	bundle := docID("share", "archives/bundle.zip")
	tr.docs = append(tr.docs, entryID(bundle, "a.txt"), entryID(bundle, "sub/b.md"), entryID(entryID(bundle, "inner.zip"), "c.txt"))
	tr.failures[entryID(bundle, "../evil.txt")] = ErrUnsafeEntry
	tr.failures[entryID(bundle, "locked.txt")] = ErrEncrypted
	tr.skips = append(tr.skips, entryID(bundle, "pic.png"))
	fail("archives/bomb.zip", fixture.ZipBomb(16<<20), ErrArchiveBounds)

	// Symbolic links: inside the root followed, out of it or in loops refused.
	symlink(t, "../README.md", tr.root, "links/readme-link.md")
	tr.docs = append(tr.docs, docID("share", "links/readme-link.md"))
	symlink(t, filepath.Join(tr.outside, "secret.txt"), tr.root, "links/escape.txt")
	tr.failures[docID("share", "links/escape.txt")] = ErrOutsideRoot
	symlink(t, tr.outside, tr.root, "links/escape-dir")
	tr.failures[docID("share", "links/escape-dir")] = ErrOutsideRoot
	symlink(t, "..", tr.root, "links/parent")
	tr.failures[folderID("share", "links/parent")] = ErrSymlinkLoop
	symlink(t, "loop-b", tr.root, "links/loop-a")
	symlink(t, "loop-a", tr.root, "links/loop-b")
	tr.failures[docID("share", "links/loop-a")] = ErrSymlinkLoop
	tr.failures[docID("share", "links/loop-b")] = ErrSymlinkLoop
	slices.Sort(tr.docs)
	slices.Sort(tr.skips)
	return tr
}

func (tr *tree) connector(t testing.TB, mutate ...func(*Settings)) *Connector {
	t.Helper()
	s := Settings{Roots: []Root{{Path: tr.root}}, OpenArchives: true}
	for _, m := range mutate {
		m(&s)
	}
	c, err := New(s, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	return c
}

// result is what a run yielded.
type result struct {
	docs     map[string]*tributary.Document
	failures map[string]*tributary.Failure
}

func (r result) ids() []string {
	ids := make([]string, 0, len(r.docs))
	for id := range r.docs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func collect(t testing.TB, seq func(func(*tributary.Document, error) bool)) result {
	t.Helper()
	r := result{docs: map[string]*tributary.Document{}, failures: map[string]*tributary.Failure{}}
	for d, err := range seq {
		if f, ok := tributary.AsFailure(err); ok {
			id := f.DocumentID
			if id == "" {
				id = f.EntityID
			}
			r.failures[id] = f
			continue
		}
		require.NoError(t, err)
		require.NotNil(t, d)
		_, dup := r.docs[d.ID]
		require.False(t, dup, "duplicate id %s", d.ID)
		r.docs[d.ID] = d
	}
	return r
}

// loadSkips loads c and returns what it yielded and the skips it reported.
func loadSkips(t testing.TB, c *Connector) (result, *connectortest.Skips) {
	t.Helper()
	m := &connectortest.Skips{}
	return collect(t, c.Load(m.In(context.Background()))), m
}

func load(t testing.TB, c *Connector) result {
	t.Helper()
	return collect(t, c.Load(context.Background()))
}
