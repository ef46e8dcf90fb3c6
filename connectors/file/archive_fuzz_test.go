package file_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/file"
	"github.com/tributary-dev/tributary/internal/fixture"
)

// FuzzArchive loads a folder holding one arbitrary .zip with archives
// opened: whatever the bytes, the load never panics and never stops with
// an error; every entry is a document or a failure named inside the
// archive, and the archive's bounds hold.
func FuzzArchive(f *testing.F) {
	f.Add(fixture.Zip(fixture.Entry{Name: "a.md", Data: []byte("# A\n\ntext")}, fixture.Entry{Name: "d/b.txt", Data: []byte("b")}))
	f.Add(fixture.Zip(fixture.Entry{Name: "in.zip", Data: fixture.Zip(fixture.Entry{Name: "deep.txt", Data: []byte("d")})}))
	f.Add(fixture.Zip(fixture.Entry{Name: "r.docx", Data: fixture.DOCX("t", "a", "p")}, fixture.Entry{Name: "s.pdf", Data: fixture.PDF("t", "p")}))
	f.Add(fixture.Zip(fixture.Entry{Name: "../escape.txt", Data: []byte("x")}, fixture.Entry{Name: "x.txt", Data: []byte("y"), Encrypted: true}))
	f.Add(fixture.ZipBomb(256 << 10))
	f.Add([]byte("PK\x03\x04 not really"))
	dir := memDir(f)
	name := filepath.Join(dir, "a.zip")
	s := file.Settings{Roots: []file.Root{{Path: dir}}, OpenArchives: true}
	s.SetDefaults()
	// Small bounds keep each execution quick: the fuzzer's coverage
	// counters make inflating megabytes slow.
	s.Archive.MaxEntries, s.Archive.MaxExpanded, s.Archive.MaxEntrySize = 50, 1<<20, 128<<10
	c, err := file.New(s, file.Credentials{}, tributary.Env{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
		for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
			if err != nil {
				t.Fatalf("a bad archive stopped the load: %v", err)
			}
			switch {
			case it.Document != nil:
				if !strings.Contains(it.Document.ID, "a.zip") {
					t.Fatalf("document %q outside the archive", it.Document.ID)
				}
			case it.Failure != nil:
				if it.Failure.DocumentID == "" && it.Failure.EntityID == "" {
					t.Fatalf("failure names nothing: %v", it.Failure)
				}
			}
		}
	})
}

// FuzzCompressedArchive does for a .tgz what FuzzArchive does for a zip:
// gzip streams, tar archives and tar archives in gzip streams.
func FuzzCompressedArchive(f *testing.F) {
	tarOf := func(name, data string) []byte {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write([]byte(data))
		tw.Close()
		return buf.Bytes()
	}
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	f.Add(gz(tarOf("a.md", "# A\n\ntext")))
	f.Add(gz(tarOf("../up.txt", "x")))
	f.Add(tarOf("in.tar.gz", string(gz(tarOf("deep.txt", "d")))))
	f.Add(gz([]byte("just text")))
	f.Add(gz(make([]byte, 1<<20)))
	f.Add([]byte("\x1f\x8b\x08 not really"))
	dir := memDir(f)
	name := filepath.Join(dir, "a.tgz")
	s := file.Settings{Roots: []file.Root{{Path: dir}}, OpenArchives: true}
	s.SetDefaults()
	s.Archive.MaxEntries, s.Archive.MaxExpanded, s.Archive.MaxEntrySize = 50, 1<<20, 128<<10
	c, err := file.New(s, file.Credentials{}, tributary.Env{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
		for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
			if err != nil {
				t.Fatalf("a bad archive stopped the load: %v", err)
			}
			if it.Document != nil && !strings.Contains(it.Document.ID, "a.tgz!/") {
				t.Fatalf("document %q outside the archive", it.Document.ID)
			}
			if it.Document != nil && it.Document.Size() > 2<<20 {
				t.Fatalf("document %q of %d bytes past the bounds", it.Document.ID, it.Document.Size())
			}
		}
	})
}

// memDir returns a temporary folder in memory where the system has one
// (/dev/shm): every execution rewrites the archive, and a busy disk would
// make that most of the fuzzing time.
func memDir(f *testing.F) string {
	dir, err := os.MkdirTemp("/dev/shm", "tributary-fuzz-")
	if err != nil {
		return f.TempDir()
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
