package jira

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

var refetchGen = jiraemu.GenerateOptions{Projects: 3, Issues: 6, Comments: 2, TimeZone: "Europe/Berlin", Seed: 3}

func browse(key string) string { return testSite + "/browse/" + key }

// refetched ranges over a Refetch call: the answers under each id (every
// document, deletion and failure, in order) and the nodes yielded, each
// before the documents under it.
func refetched(t *testing.T, c *Connector, ids ...string) (map[string][]tributary.Item, []string) {
	t.Helper()
	r := connectortest.CollectRefetch(t, t.Context(), c, ids...)
	r.Parented(t)
	return r.ByID, r.Nodes
}

// loaded returns the documents Load gives, by id.
func loaded(t *testing.T, c *Connector) map[string]*tributary.Document {
	t.Helper()
	out := map[string]*tributary.Document{}
	col := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, col.Err)
	for _, d := range col.Documents {
		out[d.ID] = d
	}
	return out
}

func TestRefetchOneSearchForManyIssues(t *testing.T) {
	for _, deployment := range []string{Cloud, Server} {
		t.Run(deployment, func(t *testing.T) {
			f := newFixture(t, refetchGen, jiraemu.Options{})
			env := f.env()
			env.WantPermissions = true
			c, err := newConnector(f.settings(deployment), f.credentials(deployment), env, fastRetry)
			require.NoError(t, err)
			want := loaded(t, c)
			ids := []string{browse("AAA-1"), browse("AAB-2"), browse("AAC-6"), browse("AAA-4")}
			f.emu.ResetLog()
			got, nodes := refetched(t, c, ids...)
			assert.Equal(t, []string{browse("AAA"), browse("AAB"), browse("AAC")}, nodes)
			for _, id := range ids {
				require.Len(t, got[id], 1, id)
				d := got[id][0].Document
				require.NotNil(t, d, id)
				assert.Equal(t, want[id].ContentHash(), d.ContentHash(), "%s as Load gives it", id)
			}
			search := "/rest/api/3/search/jql"
			if deployment == Server {
				search = "/rest/api/2/search"
			}
			assert.Equal(t, 1, f.emu.Count(search), "one search for every id")
			assert.Zero(t, f.emu.Count("GET /rest/api/"+map[string]string{Cloud: "3", Server: "2"}[deployment]+"/issue/{key}"))
		})
	}
}

func TestRefetchTellsDeletedMovedAndFilteredIssues(t *testing.T) {
	for _, deployment := range []string{Cloud, Server} {
		t.Run(deployment, func(t *testing.T) {
			f := newFixture(t, refetchGen, jiraemu.Options{})
			s := f.settings(deployment, "AAA", "AAB")
			s.JQL = `status != "Closed"`
			c := f.connector(t, s)
			var newKey, outKey string
			f.emu.Update(func(d *jiraemu.Data) {
				d.DeleteIssue("AAA-2")
				newKey = d.MoveIssue("AAA-3", "AAB").Key
				outKey = d.MoveIssue("AAA-5", "AAC").Key // to a project the settings do not read
				d.Issue("AAB-1").Status = "Closed"
			})
			require.Equal(t, "AAB-7", newKey)
			require.Equal(t, "AAC-7", outKey)
			ids := []string{browse("AAA-1"), browse("AAA-2"), browse("AAA-3"), browse("AAA-5"), browse("AAB-1")}
			got, _ := refetched(t, c, ids...)
			require.Len(t, got[browse("AAA-1")], 1)
			assert.NotNil(t, got[browse("AAA-1")][0].Document)
			for _, id := range ids[1:] {
				if assert.Len(t, got[id], 1, id) {
					assert.Equal(t, id, got[id][0].Deletion, "%s is gone from what the settings read", id)
				}
			}
			if assert.Len(t, got[browse(newKey)], 1) {
				d := got[browse(newKey)][0].Document
				require.NotNil(t, d, "the moved issue under its new id")
				assert.Equal(t, browse("AAB"), d.ParentID)
				assert.Equal(t, []string{newKey}, d.Metadata[MetaKey])
			}
			assert.Empty(t, got[browse(outKey)], "no document of a project the settings do not read")
		})
	}
}

func TestRefetchFallsBackWhenJiraRefusesAKey(t *testing.T) {
	f := newFixture(t, refetchGen, jiraemu.Options{})
	c := f.connector(t, f.settings(Cloud))
	f.emu.Update(func(d *jiraemu.Data) { d.DeleteIssue("AAB-4") }) // a key Jira never had since
	ids := []string{browse("AAA-1"), browse("AAB-4"), browse("AAB-99"), browse("AAC-2")}
	got, _ := refetched(t, c, ids...)
	for _, id := range ids {
		require.Len(t, got[id], 1, id)
	}
	assert.NotNil(t, got[browse("AAA-1")][0].Document)
	assert.NotNil(t, got[browse("AAC-2")][0].Document)
	assert.Equal(t, browse("AAB-4"), got[browse("AAB-4")][0].Deletion)
	assert.Equal(t, browse("AAB-99"), got[browse("AAB-99")][0].Deletion)
	assert.Equal(t, 2, f.emu.Count("/rest/api/3/search/jql"), "the refused search, then one for the keys that exist")
}

func TestRefetchFailsRefusedIssues(t *testing.T) {
	f := newFixture(t, refetchGen, jiraemu.Options{})
	f.emu.Update(func(d *jiraemu.Data) { d.Issue("AAA-2").Status = "Closed" })
	s := f.settings(Cloud)
	s.JQL = `status != "Closed"`
	c := f.connector(t, s)
	f.emu.FailNext("/rest/api/3/issue/AAA-2", 1, emulator.Fault{Status: http.StatusForbidden})
	got, _ := refetched(t, c, browse("AAA-2"), browse("AAA-1"))
	require.Len(t, got[browse("AAA-2")], 1)
	fl := got[browse("AAA-2")][0].Failure
	require.NotNil(t, fl, "a refusal is no deletion")
	assert.ErrorIs(t, fl, tributary.ErrInsufficientPermissions)
	assert.NotNil(t, got[browse("AAA-1")][0].Document)
}

func TestRefetchRefusesIDsOutsideTheScope(t *testing.T) {
	f := newFixture(t, refetchGen, jiraemu.Options{})
	c := f.connector(t, f.settings(Cloud, "AAA"))
	foreign := []string{
		browse("AAB-1"), // a project the settings do not read
		browse("aaa-1"), // not spelled as the connector spells ids
		browse("AAA"),   // a project, not an issue
		"https://other.atlassian.test/browse/AAA-1", // another site
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
	f := newFixture(t, refetchGen, jiraemu.Options{})
	c := f.connector(t, f.settings(Server))
	f.emu.Update(func(d *jiraemu.Data) { d.DeleteIssue("AAB-4") })
	for k, fault := range map[int]emulator.Fault{2: emulator.TruncatedBody, 3: emulator.ConnectionReset, 5: jiraemu.BadGateway} {
		f.emu.FailEvery("*", k, fault)
	}
	ids := []string{browse("AAA-1"), browse("AAB-4"), browse("AAC-2"), browse("AAC-3")}
	got, _ := refetched(t, c, ids...)
	for _, id := range ids {
		require.Len(t, got[id], 1, id)
	}
	assert.NotNil(t, got[browse("AAA-1")][0].Document)
	assert.Equal(t, browse("AAB-4"), got[browse("AAB-4")][0].Deletion)
	assert.NotZero(t, f.emu.Faults())
}

func TestRefetchEndsOnRejectedCredentials(t *testing.T) {
	f := newFixture(t, refetchGen, jiraemu.Options{})
	s := f.settings(Cloud)
	cr := f.credentials(Cloud)
	cr.APIToken = tributary.NewSecret("revoked")
	c, err := newConnector(s, cr, f.env(), fastRetry)
	require.NoError(t, err)
	var errs int
	for _, err := range c.Refetch(t.Context(), []string{browse("AAA-1"), browse("AAB-2")}) {
		if err != nil {
			errs++
			assert.ErrorIs(t, err, tributary.ErrCredentialExpired)
			assert.NotContains(t, err.Error(), "revoked")
		}
	}
	assert.Equal(t, 1, errs, "the stream ends at the first rejected request")
}

// The runner fetches an issue that failed in one run again in the next,
// through Refetch, and delivers it once its comments can be read.
func TestRunnerFetchesFailedIssuesAgain(t *testing.T) {
	f := newFixture(t, refetchGen, jiraemu.Options{EmbeddedComments: 1})
	c := f.connector(t, f.settings(Cloud))
	f.emu.Update(func(d *jiraemu.Data) { // more comments than the search carries
		is := d.Issue("AAB-2")
		for len(is.Comments) < 3 {
			is.Comments = append(is.Comments, &jiraemu.Comment{ID: fmt.Sprint("99", len(is.Comments)), Author: d.Users[1],
				Body: jiraemu.Doc(jiraemu.Paragraph(jiraemu.Text("more"))), Created: is.Created, Updated: is.Created})
		}
	})
	f.emu.FailEvery("/rest/api/3/issue/AAB-2/comment", 1, jiraemu.NotFound)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	sink := &connectortest.Sink{}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, Now: func() time.Time { return now },
		Retry: tributary.RetryPolicy{Backoff: -1}}
	_, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	require.NotContains(t, sink.IDs(), browse("AAB-2"), "its comments failed")

	f.emu.ClearFaults()
	now = now.Add(time.Hour)
	sink.Reset()
	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Retried)
	assert.Equal(t, []string{browse("AAB-2")}, sink.IDs(), "the failed issue, and nothing edited since")
}
