package dropbox

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/archive"
	"github.com/tributary-dev/tributary/internal/dropboxemu"
)

func docIDs(docs []*tributary.Document) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.ID)
	}
	slices.Sort(out)
	return out
}

// Archives in Dropbox open as the blob connectors open them: each entry
// is a document ARCHIVE-ID!/ENTRY under the archive's folder, with its
// time and members; binary entries are skipped; the slim listing admits
// the same ids; Refetch answers an entry's id from its archive.
func TestArchivesAreOpened(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 2, FilesPerFolder: 1}, dropboxemu.Options{}, true)
	env := f.env()
	env.WantPermissions = true
	c := f.connector(t, f.settings(), Credentials{}, env)
	var skips connectortest.Skips
	got := connectortest.Collect(c.LoadFromCheckpoint(skips.In(t.Context()), time.Time{}, time.Time{}, nil))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	zipID := idOf("/folder 1/bundle.zip")
	var entries []string
	for _, d := range got.Documents {
		if !strings.HasPrefix(d.ID, zipID) {
			continue
		}
		entries = append(entries, strings.TrimPrefix(d.ID, zipID))
		if d.ParentID != idOf("/folder 1") || d.UpdatedAt.IsZero() || !slices.Contains(d.ExternalAccess.UserEmails, "cy@acme.test") {
			t.Errorf("entry %s: parent %s, updated %v, access %v", d.ID, d.ParentID, d.UpdatedAt, d.ExternalAccess)
		}
		if want := linkOf("/Folder 1/Bundle.zip") + "#" + strings.TrimPrefix(d.ID, zipID); d.Sections[0].Link != want {
			t.Errorf("entry link %s, want %s", d.Sections[0].Link, want)
		}
		if !strings.HasPrefix(d.SemanticID, "Folder 1/Bundle.zip!/") {
			t.Errorf("semantic id %s", d.SemanticID)
		}
	}
	slices.Sort(entries)
	if !slices.Equal(entries, bundleEntries) {
		t.Errorf("entries %v", entries)
	}
	if r := skips.Reasons()[zipID+"!/pics/logo.png"]; !strings.HasPrefix(r, "binary content") {
		t.Errorf("skips %v", skips.Reasons())
	}

	var slim []string
	for sd, err := range c.LoadSlim(t.Context(), time.Time{}, time.Time{}) {
		if err != nil {
			t.Fatal(err)
		}
		slim = append(slim, sd.ID)
	}
	slices.Sort(slim)
	want := append(docIDs(got.Documents), idOf("/folder 0/secret.txt")) // a failure in Load, admitted
	slices.Sort(want)
	if !slices.Equal(want, slim) {
		t.Errorf("slim %v\nload %v", slim, want)
	}

	re := connectortest.CollectRefetch(t, t.Context(), c, zipID+"!/a.txt", zipID+"!/gone.txt", zipID+"!/deep/inner.tar.gz!/b.md")
	re.Parented(t)
	answers := re.Once(t, zipID+"!/a.txt", zipID+"!/gone.txt", zipID+"!/deep/inner.tar.gz!/b.md")
	if d := answers[zipID+"!/a.txt"].Document; d == nil || !strings.Contains(d.Sections[0].Text, "Alpha.") {
		t.Errorf("a.txt: %+v", answers[zipID+"!/a.txt"])
	}
	if answers[zipID+"!/deep/inner.tar.gz!/b.md"].Document == nil {
		t.Errorf("b.md: %+v", answers[zipID+"!/deep/inner.tar.gz!/b.md"])
	}
	if answers[zipID+"!/gone.txt"].Deletion == "" {
		t.Errorf("an entry no longer there: %+v", answers[zipID+"!/gone.txt"])
	}
}

// With open_archives off, archives are skipped and an entry's id is not
// the connector's; an archive over its bounds is one Failure under its id,
// and its entries fetched again are Failures, not deletions.
func TestArchivesOffAndBounds(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 2, FilesPerFolder: 1}, dropboxemu.Options{}, true)
	zipID := idOf("/folder 1/bundle.zip")
	s := f.settings()
	s.OpenArchives = false
	c := f.connector(t, s, Credentials{}, f.env())
	got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
	for _, d := range got.Documents {
		if strings.HasPrefix(d.ID, zipID) {
			t.Errorf("archive opened: %s", d.ID)
		}
	}
	re := connectortest.Collect(c.Refetch(t.Context(), []string{zipID + "!/a.txt"}))
	if len(re.Failures) != 1 || !errors.Is(re.Failures[0], tributary.ErrForeignURL) {
		t.Errorf("refetch with archives off: %v", re.Failures)
	}

	s = f.settings()
	s.Archive.MaxEntries = 2
	c = f.connector(t, s, Credentials{}, f.env())
	got = connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
	var bounded []string
	for _, fl := range got.Failures {
		if errors.Is(fl, archive.ErrBounds) {
			bounded = append(bounded, fl.DocumentID)
		}
	}
	if !slices.Equal(bounded, []string{zipID}) {
		t.Errorf("failures over bounds %v (all %v)", bounded, got.Failures)
	}
	re = connectortest.Collect(c.Refetch(t.Context(), []string{zipID + "!/a.txt"}))
	if len(re.Failures) != 1 || re.Failures[0].DocumentID != zipID+"!/a.txt" || !errors.Is(re.Failures[0], archive.ErrBounds) {
		t.Errorf("refetch of an entry of a refused archive: %v %v", re.Failures, re.Deletions)
	}
}

// Refetch reads a file and a Paper doc again as Load does, whatever their
// time; a deleted file is a deletion, a folder's id ErrNotSupported, and
// ids of other sources or outside the folder ErrForeignURL.
func TestRefetch(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 2, FilesPerFolder: 2}, dropboxemu.Options{}, true)
	s := f.settings()
	s.Path = "/Folder 0"
	c := f.connector(t, s, Credentials{}, f.env())
	later := dropboxemu.Base.AddDate(2, 0, 0)
	f.emu.Put(&dropboxemu.Entry{Path: "/Folder 0/Sub/note 0.txt", Content: []byte("rewritten"), ServerModified: later})
	f.emu.Delete(false, "/Folder 0/Plan 1.md")
	file, paper, gone := idOf("/folder 0/sub/note 0.txt"), idOf("/folder 0/roadmap.paper"), idOf("/folder 0/plan 1.md")
	folder, outside, foreign, binary := idOf("/folder 0/sub"), idOf("/folder 1/note 0.txt"), "https://example.com/x", idOf("/folder 0/photo")
	ask := []string{file, paper, gone, folder, outside, foreign, binary, idOf("/folder 0/secret.txt"), home + "/Folder%200/x", home + "/%zz"}
	re := connectortest.CollectRefetch(t, t.Context(), c, ask...)
	re.Parented(t)
	a := re.Once(t, ask...)
	if d := a[file].Document; d == nil || !strings.Contains(d.Sections[0].Text, "rewritten") || !d.UpdatedAt.Equal(later) {
		t.Errorf("file: %+v", a[file])
	}
	if d := a[paper].Document; d == nil || !strings.Contains(d.Sections[0].Text, "Ship the connector") {
		t.Errorf("paper: %+v", a[paper])
	}
	if a[gone].Deletion == "" || a[binary].Deletion == "" {
		t.Errorf("deleted %+v, binary %+v", a[gone], a[binary])
	}
	if fl := a[folder].Failure; fl == nil || !errors.Is(fl, tributary.ErrNotSupported) {
		t.Errorf("folder: %+v", a[folder])
	}
	if a[home+"/Folder%200/x"].Deletion == "" {
		t.Errorf("a path Dropbox does not have: %+v", a[home+"/Folder%200/x"])
	}
	for _, id := range []string{outside, foreign, home + "/%zz"} {
		if fl := a[id].Failure; fl == nil || !errors.Is(fl, tributary.ErrForeignURL) {
			t.Errorf("%s: %+v", id, a[id])
		}
	}
	if fl := a[idOf("/folder 0/secret.txt")].Failure; fl == nil || !errors.Is(fl, tributary.ErrInsufficientPermissions) {
		t.Errorf("restricted: %+v", a[idOf("/folder 0/secret.txt")])
	}
	if want := []string{idOf("/folder 0"), idOf("/folder 0/sub")}; !slices.Equal(re.Nodes, want) {
		t.Errorf("nodes %v", re.Nodes)
	}
}
