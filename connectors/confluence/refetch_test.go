package confluence

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

var refetchGen = confluenceemu.GenerateOptions{Spaces: 3, Pages: 6, Comments: 2, Attachments: 1, RestrictEvery: 3, Seed: 4}

// refetched ranges over a Refetch call: the answers under each id and the
// nodes, each checked to come before what lies under it.
func refetched(t *testing.T, c *Connector, ids ...string) (map[string][]tributary.Item, []string) {
	t.Helper()
	r := connectortest.CollectRefetch(t, t.Context(), c, ids...)
	r.Parented(t)
	return r.ByID, r.Nodes
}

func (f *fixture) pageID(p *confluenceemu.Page) string {
	return f.site() + confluenceemu.PageWebUI(f.flavor, p)
}

func TestRefetchOneSearchForManyPages(t *testing.T) {
	for _, flavor := range []confluenceemu.Flavor{confluenceemu.Cloud, confluenceemu.DataCenter} {
		t.Run(map[confluenceemu.Flavor]string{confluenceemu.Cloud: "cloud", confluenceemu.DataCenter: "datacenter"}[flavor], func(t *testing.T) {
			f := newFixture(t, refetchGen, confluenceemu.Options{Flavor: flavor})
			env := f.env()
			env.WantPermissions = true
			s := f.settings()
			s.IncludeAttachments = true
			c, err := newConnector(s, f.credentials(), env, fastRetry)
			require.NoError(t, err)
			col := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
			require.NoError(t, col.Err)
			want := map[string]string{}
			for _, d := range col.Documents {
				want[d.ID] = d.ContentHash()
			}
			var ids []string
			for _, p := range f.data.Pages[1:12] {
				ids = append(ids, f.pageID(p))
			}
			before := f.emu.Searches()
			got, _ := refetched(t, c, ids...)
			for _, id := range ids {
				require.Len(t, got[id], 1, id)
				d := got[id][0].Document
				require.NotNil(t, d, id)
				assert.Equal(t, want[id], d.ContentHash(), "%s as Load gives it", id)
			}
			searches := 1 // by id, for every page
			if flavor == confluenceemu.DataCenter {
				searches = len(ids) // by space and title, one each
			}
			assert.Equal(t, searches, f.emu.Searches()-before)
		})
	}
}

func TestRefetchTellsGoneRenamedAndMovedPages(t *testing.T) {
	f := newFixture(t, refetchGen, confluenceemu.Options{})
	c := f.connector(t, f.settings("S000", "S001"))
	pages := f.data.Pages
	deleted, trashed, archived, renamed, moved, kept := pages[0], pages[1], pages[2], pages[3], pages[4], pages[7]
	ids := []string{f.pageID(deleted), f.pageID(trashed), f.pageID(archived), f.pageID(renamed), f.pageID(moved), f.pageID(kept)}
	f.emu.Update(func(d *confluenceemu.Data) {
		d.Pages = slices.DeleteFunc(d.Pages, func(p *confluenceemu.Page) bool { return p == deleted })
		trashed.Status, archived.Status = "trashed", "archived"
		renamed.Title += " (renamed)"
		renamed.Version++
		moved.Space = d.Space("S002") // a space the settings do not read
	})
	got, _ := refetched(t, c, ids...)
	for _, id := range ids[:5] {
		if assert.Len(t, got[id], 1, id) {
			assert.Equal(t, id, got[id][0].Deletion, "%s is gone from what the settings read", id)
		}
	}
	require.Len(t, got[ids[5]], 1)
	assert.NotNil(t, got[ids[5]][0].Document)
	if assert.Len(t, got[f.pageID(renamed)], 1) {
		d := got[f.pageID(renamed)][0].Document
		require.NotNil(t, d, "the renamed page under its new id")
		assert.Equal(t, renamed.Title, d.Title)
	}
	assert.Empty(t, got[f.pageID(moved)], "no document of a space the settings do not read")
}

func TestRefetchFailsRefusedPages(t *testing.T) {
	f := newFixture(t, refetchGen, confluenceemu.Options{})
	c := f.connector(t, f.settings())
	p, other := f.data.Pages[0], f.data.Pages[1]
	f.emu.Update(func(*confluenceemu.Data) { p.Status = "trashed" })
	f.emu.FailNext("/wiki/rest/api/content/"+itoa(p.ID), 1, emulator.Fault{Status: http.StatusForbidden})
	got, _ := refetched(t, c, f.pageID(p), f.pageID(other))
	require.Len(t, got[f.pageID(p)], 1)
	fl := got[f.pageID(p)][0].Failure
	require.NotNil(t, fl, "a refusal is no deletion")
	assert.ErrorIs(t, fl, tributary.ErrInsufficientPermissions)
	assert.NotNil(t, got[f.pageID(other)][0].Document)
}

func TestRefetchReadsPagesOneByOneWhenTheSearchFails(t *testing.T) {
	f := newFixture(t, refetchGen, confluenceemu.Options{})
	c := f.connector(t, f.settings())
	f.emu.FailNext("/wiki/rest/api/content/search", 1, emulator.Fault{Status: http.StatusBadRequest})
	ids := []string{f.pageID(f.data.Pages[0]), f.pageID(f.data.Pages[8])}
	got, _ := refetched(t, c, ids...)
	for _, id := range ids {
		require.Len(t, got[id], 1, id)
		assert.NotNil(t, got[id][0].Document, id)
	}
}

func TestRefetchServerPagesByTitle(t *testing.T) {
	f := newFixture(t, refetchGen, confluenceemu.Options{Flavor: confluenceemu.DataCenter})
	c := f.connector(t, f.settings())
	kept, renamed := f.data.Pages[0], f.data.Pages[1]
	ids := []string{f.pageID(kept), f.pageID(renamed), dcSite + "/pages/viewpage.action?pageId=" + itoa(f.data.Pages[2].ID)}
	f.emu.Update(func(*confluenceemu.Data) { renamed.Title += " (renamed)" })
	got, _ := refetched(t, c, ids...)
	for _, id := range ids {
		require.Len(t, got[id], 1, id)
	}
	assert.NotNil(t, got[ids[0]][0].Document)
	assert.Equal(t, ids[1], got[ids[1]][0].Deletion, "a Server page renamed has another id")
	assert.Equal(t, ids[2], got[ids[2]][0].Deletion, "the page is Load's under its /display id")
	assert.NotNil(t, got[f.pageID(f.data.Pages[2])], "and comes back under that")
}

func TestRefetchRefusesIDsOutsideTheScope(t *testing.T) {
	f := newFixture(t, refetchGen, confluenceemu.Options{})
	c := f.connector(t, f.settings("S000"))
	p := f.data.Pages[len(f.data.Pages)-1] // of S002
	foreign := []string{
		f.pageID(p), // a space the settings do not read
		cloudSite + "/spaces/S000/pages/abc/Title",
		cloudSite + "/spaces/S000",
		cloudSite + "/display/S000/Title", // a Server address, on Cloud
		"https://other.atlassian.net/wiki/spaces/S000/pages/1/T",
		"https://example.com/a",
	}
	f.emu.ResetLog()
	got, nodes := refetched(t, c, foreign...)
	assert.Empty(t, nodes)
	for _, id := range foreign {
		if assert.Len(t, got[id], 1, id) {
			assert.True(t, errors.Is(got[id][0].Failure, tributary.ErrForeignURL), "%s: %v", id, got[id][0].Failure)
		}
	}
	assert.Zero(t, f.emu.Count("*"), "no request for an id out of scope")
}

func TestRefetchUnderFaultsAnswersEveryID(t *testing.T) {
	f := newFixture(t, refetchGen, confluenceemu.Options{})
	c := f.connector(t, f.settings())
	gone := f.data.Pages[3]
	f.emu.Update(func(d *confluenceemu.Data) {
		d.Pages = slices.DeleteFunc(d.Pages, func(p *confluenceemu.Page) bool { return p == gone })
	})
	for k, fault := range map[int]emulator.Fault{2: emulator.TruncatedBody, 3: emulator.ConnectionReset, 5: {Status: http.StatusBadGateway}} {
		f.emu.FailEvery("*", k, fault)
	}
	ids := []string{f.pageID(f.data.Pages[0]), f.pageID(gone), f.pageID(f.data.Pages[9])}
	got, _ := refetched(t, c, ids...)
	for _, id := range ids {
		require.Len(t, got[id], 1, id)
	}
	assert.NotNil(t, got[ids[0]][0].Document)
	assert.Equal(t, ids[1], got[ids[1]][0].Deletion)
	assert.NotZero(t, f.emu.Faults())
}

func TestRefetchEndsOnRejectedCredentials(t *testing.T) {
	f := newFixture(t, refetchGen, confluenceemu.Options{})
	cr := f.credentials()
	cr.APIToken = tributary.NewSecret("revoked")
	c, err := newConnector(f.settings(), cr, f.env(), fastRetry)
	require.NoError(t, err)
	var errs int
	for _, err := range c.Refetch(t.Context(), []string{f.pageID(f.data.Pages[0]), f.pageID(f.data.Pages[1])}) {
		if err != nil {
			errs++
			assert.ErrorIs(t, err, tributary.ErrCredentialExpired)
			assert.NotContains(t, err.Error(), "revoked")
		}
	}
	assert.Equal(t, 1, errs, "the stream ends at the first rejected request")
}

// The runner fetches a page that failed in one run again in the next,
// through Refetch, and delivers it once its comments can be read.
func TestRunnerFetchesFailedPagesAgain(t *testing.T) {
	f := newFixture(t, refetchGen, confluenceemu.Options{})
	c := f.connector(t, f.settings())
	p := f.data.Pages[5]
	f.emu.FailEvery("/wiki/rest/api/content/"+itoa(p.ID)+"/child/comment", 1, emulator.Fault{Status: http.StatusNotFound})
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	sink := &connectortest.Sink{}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, Now: func() time.Time { return now },
		Retry: tributary.RetryPolicy{Backoff: -1}}
	_, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	require.NotContains(t, sink.IDs(), f.pageID(p), "its comments failed")

	f.emu.ClearFaults()
	now = now.Add(time.Hour)
	sink.Reset()
	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Retried)
	assert.Equal(t, []string{f.pageID(p)}, sink.IDs(), "the failed page, and nothing edited since")
}
