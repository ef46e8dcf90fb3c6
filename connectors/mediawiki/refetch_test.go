package mediawiki

import (
	"context"
	"testing"
	"time"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/mediawikiemu"
)

func TestRefetch(t *testing.T) {
	f := newFixture(t, mediawikiemu.GenerateOptions{Pages: 5, Seed: 6}, mediawikiemu.Options{Private: true})
	c := f.connector(t, f.settings(), f.credentials())
	ids := expectedIDs(f.data, []int{0}, time.Time{}, time.Time{})
	gone := ids[1]
	f.emu.Update(func(d *mediawikiemu.Data) { d.Delete(d.Pages[1].Title, "Admin", time.Now()) })
	got := connectortest.CollectRefetch(t, context.Background(), c, ids[0], gone, "https://elsewhere.test/wiki/X")
	if it := got.ByID[ids[0]]; len(it) != 1 || it[0].Document == nil || len(it[0].Document.Sections) == 0 {
		t.Errorf("page: %v", it)
	}
	if it := got.ByID[gone]; len(it) != 1 || it[0].Deletion != gone {
		t.Errorf("deleted page: %v", it)
	}
	if it := got.ByID["https://elsewhere.test/wiki/X"]; len(it) != 1 || it[0].Failure == nil {
		t.Errorf("foreign id: %v", it)
	}
}
