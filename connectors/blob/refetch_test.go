package blob

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// answers maps each id a Refetch call answered to its item, checking
// that every id is answered once and that folder nodes come first.
func answers(t *testing.T, c *Connector, ids ...string) (map[string]tributary.Item, []string) {
	t.Helper()
	r := connectortest.CollectRefetch(t, t.Context(), c, ids...)
	got := r.Once(t, ids...)
	require.Len(t, got, len(ids))
	return got, r.Nodes
}

func TestRefetchReadsObjectsAsLoadDoes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, treeObjects)
		c := f.connector(t, f.settings())
		later := baseTime.Add(time.Hour)
		f.emu.Put(testBucket, "guide/setup/run.txt", []byte("run it twice"), later)
		f.emu.Delete(testBucket, "notes/n.txt")

		got, nodes := answers(t, c, id("guide/setup/run.txt"), id("notes/n.txt"))
		doc := got[id("guide/setup/run.txt")].Document
		require.NotNil(t, doc)
		assert.Contains(t, doc.Sections[0].Text, "run it twice", "the new content")
		assert.True(t, doc.UpdatedAt.Equal(later), "the object's date: %v", doc.UpdatedAt)
		assert.Equal(t, []string{c.folderID(""), c.folderID("guide/"), c.folderID("guide/setup/")}, nodes, "its folders, parents first")
		assert.NotEmpty(t, got[id("notes/n.txt")].Deletion, "a key the bucket no longer has is a deletion")

		// The document is the one Load gives the same object.
		var loaded *tributary.Document
		for _, it := range items(t, c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil)) {
			if it.Document != nil && it.Document.ID == doc.ID {
				loaded = it.Document
			}
		}
		require.NotNil(t, loaded)
		assert.Equal(t, loaded.ContentHash(), doc.ContentHash())
	})
}

func TestRefetchRefusesIDsOutsideTheScope(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, append(treeObjects, object{key: "tmp/x.txt", body: "scratch"}))
		s := f.settings()
		s.Prefixes = []string{"guide/", "tmp/"}
		s.Exclude = []string{"tmp/**"}
		c := f.connector(t, s)
		foreign := []string{
			"s3://other/guide/intro.md", // another bucket
			"gcs://docs/guide/intro.md", // another source
			id("notes/n.txt"),           // outside the prefixes
			id("tmp/x.txt"),             // excluded
			id("guide/"),                // a folder
			id("guide/%zz"),             // not an id the connector makes
			"https://example.com/a.txt", // not an object at all
		}
		got, nodes := answers(t, c, foreign...)
		assert.Empty(t, nodes)
		for _, fid := range foreign {
			fl := got[fid].Failure
			if assert.NotNil(t, fl, fid) {
				assert.True(t, errors.Is(fl, tributary.ErrForeignURL), "%s: %v", fid, fl)
			}
		}
		assert.Zero(t, f.emu.Count("*"), "no request for an id out of scope")
	})
}

func TestRefetchFailsRefusedAndOversizedObjects(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, append(treeObjects, object{key: "big.txt", body: strings.Repeat("x", 2048)}))
		s := f.settings()
		s.MaxObjectSize = 1024
		c := f.connector(t, s)
		f.emu.FailNext("/docs/a.txt", 2, emulator.Fault{Status: http.StatusForbidden}) // HEAD and GET
		got, _ := answers(t, c, id("a.txt"), id("big.txt"), id("guide/intro.md"))
		assert.NotNil(t, got[id("a.txt")].Failure, "a refused object still exists: a Failure, not a deletion")
		if fl := got[id("big.txt")].Failure; assert.NotNil(t, fl) {
			assert.ErrorIs(t, fl, ErrTooLarge)
		}
		assert.NotNil(t, got[id("guide/intro.md")].Document)
	})
}

func TestRefetchUnderFaultsAnswersEveryID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, treeObjects)
		c := f.connector(t, f.settings())
		for _, fault := range []emulator.Fault{emulator.TruncatedBody, emulator.ConnectionReset} {
			f.emu.FailEvery("*", 2, fault)
		}
		ids := []string{id("a.txt"), id("guide/intro.md"), id("guide/setup/install.txt"), id("notes/n.txt")}
		got, _ := answers(t, c, ids...)
		for _, i := range ids {
			assert.NotNil(t, got[i].Document, "%s read whole through cut bodies and resets", i)
		}
		assert.NotZero(t, f.emu.Faults())
	})
}

func TestRefetchEndsOnRejectedCredentials(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, treeObjects)
		cr := testCredentials()
		cr.AccessKeyID = "AKIAREVOKED"
		c, err := New(f.settings(), cr, f.env())
		require.NoError(t, err)
		var errs int
		for _, err := range c.Refetch(t.Context(), []string{id("a.txt"), id("guide/intro.md")}) {
			if err != nil {
				errs++
				assert.True(t, errors.Is(err, tributary.ErrCredentialExpired), "%v", err)
			}
		}
		assert.Equal(t, 1, errs, "the stream ends at the first rejected request")
	})
}
