package mediawiki

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/mediawikiemu"
)

// TestPollDeletesAndMoves: a poll reads the recent changes: edits, a
// deletion and two moves (with and without a redirect left behind), each
// change sharing its second with another, and one rc page per change so
// that rccontinue tokens carry the ties.
func TestPollDeletesAndMoves(t *testing.T) {
	f := newFixture(t, mediawikiemu.GenerateOptions{Pages: 6, Seed: 9}, mediawikiemu.Options{})
	s := f.settings()
	s.PageSize = 1
	c := f.connector(t, s, Credentials{})
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var titles []string
	for _, p := range f.data.Pages {
		if p.NS == 0 {
			titles = append(titles, p.Title)
		}
	}
	f.emu.Update(func(d *mediawikiemu.Data) {
		d.Edit(titles[0], "Ada Lovelace", "== New ==\ntext", at)
		d.Edit(titles[0], "Grace Hopper", "== Newer ==\ntext", at) // same second, twice
		d.Delete(titles[1], "Admin", at)
		d.Move(titles[2], "Renamed page", "Admin", at.Add(time.Second), false)
		d.Move(titles[3], "Renamed quietly", "Admin", at.Add(time.Second), true)
		d.Edit(titles[4], "Ada Lovelace", "later", at.Add(time.Hour))
	})
	url := func(t string) string { return "https://wiki.test/wiki/" + titleKey(t) }
	got := connectortest.Collect(c.LoadFromCheckpoint(context.Background(), at, at.Add(time.Minute), nil))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	wantDocs := []string{url(titles[0]), url("Renamed page"), url("Renamed quietly")}
	slices.Sort(wantDocs)
	if !slices.Equal(got.IDs(), wantDocs) {
		t.Errorf("documents %v, want %v", got.IDs(), wantDocs)
	}
	// A move that leaves a redirect deletes the old id too: redirects
	// are not documents.
	wantDel := []string{url(titles[1]), url(titles[2]), url(titles[3])}
	if !slices.Equal(got.Deletions, wantDel) {
		t.Errorf("deletions %v, want %v", got.Deletions, wantDel)
	}
	if d := got.Documents[0]; d.PrimaryOwners[0].DisplayName != "Grace Hopper" && d.ID == url(titles[0]) {
		t.Errorf("owner %v", d.PrimaryOwners)
	}
	if len(got.Checkpoints) < 4 {
		t.Errorf("%d checkpoints, want one per page of changes", len(got.Checkpoints))
	}
	// Resuming from every checkpoint loses nothing.
	for _, cp := range got.Checkpoints {
		rest := connectortest.Collect(c.LoadFromCheckpoint(context.Background(), at, at.Add(time.Minute), cp))
		if rest.Err != nil || len(rest.Checkpoints) >= len(got.Checkpoints) {
			t.Fatalf("resume: %v, %d checkpoints", rest.Err, len(rest.Checkpoints))
		}
	}
}
