package slack_test

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/slackemu"
)

// refetched ranges over a Refetch call: each id answered once, each
// document after its channel's node; it returns the answers by id and the
// node ids in order.
func refetched(t *testing.T, c *slack.Connector, ids ...string) (map[string]tributary.Item, []string) {
	t.Helper()
	r := connectortest.CollectRefetch(t, t.Context(), c, ids...)
	r.Parented(t)
	got := r.Once(t, ids...)
	require.Len(t, got, len(ids))
	return got, r.Nodes
}

func TestRefetchBuildsDocumentsAsLoadDoes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallWorkspace(), func(_ *slack.Settings, env *tributary.Env) { env.WantPermissions = true })
		loaded := map[string]*tributary.Document{}
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		for _, d := range got.Documents {
			loaded[d.ID] = d
		}
		thread := f.ws.TopLevel("C00000001")[0]  // a thread of three replies
		single := f.ws.TopLevel("C00000001")[1]  // no replies
		private := f.ws.TopLevel("G00000003")[4] // a thread in a private channel
		require.NotEmpty(t, f.ws.Replies("G00000003", private.TS))
		ids := []string{
			f.ws.Permalink("C00000001", thread.TS, ""),
			f.ws.Permalink("C00000001", single.TS, ""),
			f.ws.Permalink("G00000003", private.TS, ""),
		}
		f.srv.ResetLog()
		ans, nodes := refetched(t, f.c, ids...)
		assert.Equal(t, []string{"https://emulated.slack.com/archives/C00000001", "https://emulated.slack.com/archives/G00000003"}, nodes,
			"each channel's node once")
		for _, id := range ids {
			d := ans[id].Document
			require.NotNil(t, d, id)
			require.NotNil(t, loaded[id], id)
			assert.Equal(t, loaded[id].ContentHash(), d.ContentHash(), "%s as a load gave it", id)
			assert.Equal(t, loaded[id].Sections, d.Sections)
			assert.Equal(t, loaded[id].UpdatedAt, d.UpdatedAt)
			assert.Equal(t, loaded[id].ExternalAccess, d.ExternalAccess)
		}
		assert.Equal(t, 2, f.srv.Calls("conversations.info"), "each channel looked up once")
		assert.Equal(t, 3, f.srv.Calls("conversations.history"), "one history call per id")
		assert.Equal(t, 2, f.srv.Calls("conversations.replies"), "one replies call per thread")
		assert.Zero(t, f.srv.Calls("conversations.list"), "no channel is listed")
	})
}

func TestRefetchDeletesWhatIsGoneOrLeftOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallWorkspace(), nil)
		deleted := f.ws.TopLevel("C00000001")[2]
		bot := f.ws.TopLevel("C00000001")[9]
		require.NotEmpty(t, bot.BotID)
		reply := f.ws.Replies("C00000001", f.ws.TopLevel("C00000001")[0].TS)[0]
		inRemoved := f.ws.TopLevel("C00000002")[0]
		f.srv.Workspace(func(w *slackemu.Workspace) {
			require.NoError(t, w.Delete("C00000001", deleted.TS))
			require.NoError(t, w.RemoveChannel("C00000002"))
		})
		gone := []string{
			f.ws.Permalink("C00000001", deleted.TS, ""),   // no longer in history
			f.ws.Permalink("C00000001", bot.TS, ""),       // a bot message, without include_bots
			f.ws.Permalink("C00000001", reply.TS, ""),     // a reply is not a document
			f.ws.Permalink("C00000002", inRemoved.TS, ""), // channel_not_found
		}
		kept := f.ws.Permalink("C00000001", f.ws.TopLevel("C00000001")[1].TS, "")
		ans, _ := refetched(t, f.c, append(gone, kept)...)
		for _, id := range gone {
			assert.Equal(t, id, ans[id].Deletion, "%s is a deletion: %+v", id, ans[id])
		}
		assert.NotNil(t, ans[kept].Document)

		// An archived channel is no longer read when none are configured.
		f.srv.Workspace(func(w *slackemu.Workspace) {
			require.NoError(t, w.UpdateChannel("C00000001", func(c *slackemu.Channel) { c.Archived = true }))
		})
		ans, _ = refetched(t, f.c, kept)
		assert.Equal(t, kept, ans[kept].Deletion)
	})
}

func TestRefetchRefusesIDsOutsideTheScope(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		f := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) {
			s.WorkspaceURL = "https://emulated.slack.com"
			s.Channels = []string{"C00000001"}
		})
		ts := ws.TopLevel("C00000001")[1].TS
		p := strings.Replace(ts, ".", "", 1)
		thread := ws.TopLevel("C00000001")[0]
		reply := ws.Replies("C00000001", thread.TS)[0]
		foreign := []string{
			ws.Permalink("C00000002", ws.TopLevel("C00000002")[1].TS, ""),              // a channel not configured
			"https://other.slack.com/archives/C00000001/p" + p,                         // another workspace
			ws.Permalink("C00000001", reply.TS, thread.TS),                             // a reply's permalink
			"https://emulated.slack.com/archives/C00000001/p" + p + "?thread_ts=" + ts, // a query
			"https://emulated.slack.com/archives/C00000001/p" + p + "#x",               // a fragment
			"https://EMULATED.slack.com/archives/C00000001/p" + p,                      // not the id's spelling
			"https://emulated.slack.com/archives/C00000001/p" + p + "/",                // a trailing slash
			"https://emulated.slack.com/archives/C00000001/p12",                        // no message time
			"https://emulated.slack.com/archives/C00000001",                            // the channel
			"https://user:pw@emulated.slack.com/archives/C00000001/p" + p,              // user information
			"foreign.invalid://x/y",
			"",
		}
		ans, nodes := refetched(t, f.c, foreign...)
		assert.Empty(t, nodes)
		for _, id := range foreign {
			fl := ans[id].Failure
			if assert.NotNil(t, fl, "%q", id) {
				assert.True(t, errors.Is(fl, tributary.ErrForeignURL), "%q: %v", id, fl)
			}
		}
		assert.Zero(t, f.srv.Count("*"), "no request for an id out of scope")

		// Channels named by name, and private ones without include_private,
		// are told apart after one conversations.info each.
		f = newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) {
			s.WorkspaceURL = "https://emulated.slack.com"
			s.Channels = []string{"channel-1", "private-3"}
			s.IncludePrivate = false
		})
		other := ws.Permalink("C00000002", ws.TopLevel("C00000002")[1].TS, "")
		private := ws.Permalink("G00000003", ws.TopLevel("G00000003")[1].TS, "")
		ours := ws.Permalink("C00000001", ts, "")
		ans, _ = refetched(t, f.c, other, private, ours)
		assert.ErrorIs(t, ans[other].Failure, tributary.ErrForeignURL)
		assert.ErrorIs(t, ans[private].Failure, tributary.ErrForeignURL)
		assert.NotNil(t, ans[ours].Document)
		assert.Equal(t, 1, f.srv.Calls("conversations.history"), "history is read for the channel read only")
	})
}

func TestRefetchFailsWhatCannotBeRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		f := newFixture(t, ws, nil)
		left := ws.Permalink("C00000002", ws.TopLevel("C00000002")[1].TS, "")
		broken := ws.TopLevel("C00000001")[4]
		require.NotEmpty(t, ws.Replies("C00000001", broken.TS))
		brokenID := ws.Permalink("C00000001", broken.TS, "")
		f.srv.Workspace(func(w *slackemu.Workspace) {
			require.NoError(t, w.UpdateChannel("C00000002", func(c *slackemu.Channel) { c.Members = []string{"U000000001"} }))
		})
		f.srv.BreakThread("C00000001", broken.TS, "internal_error")
		kept := ws.Permalink("C00000001", ws.TopLevel("C00000001")[1].TS, "")
		ans, _ := refetched(t, f.c, left, brokenID, kept)
		if assert.NotNil(t, ans[left].Failure, "the app left the channel: %+v", ans[left]) {
			assert.ErrorIs(t, ans[left].Failure, tributary.ErrInsufficientPermissions)
		}
		assert.NotNil(t, ans[brokenID].Failure, "a thread that keeps failing fails again, and the call goes on")
		assert.NotNil(t, ans[kept].Document)
	})
}

func TestRefetchUnderFaultsAnswersEveryID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		f := newFixture(t, ws, nil)
		f.srv.FailOften()
		var ids []string
		for _, m := range ws.TopLevel("C00000001")[:8] {
			ids = append(ids, ws.Permalink("C00000001", m.TS, ""))
		}
		ans, _ := refetched(t, f.c, ids...)
		for _, id := range ids {
			assert.NotNil(t, ans[id].Document, "%s read whole through faults", id)
		}
		assert.NotZero(t, f.srv.Faults())
	})
}

func TestRefetchEndsOnRejectedCredentials(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		srv := slackemu.NewServer(ws, slackemu.Tokens())
		t.Cleanup(srv.Close)
		c, err := slack.New(slack.Settings{}, slack.Credentials{BotToken: tributary.NewSecret("xoxb-revoked")}, tributary.Env{HTTPClient: srv.Client()})
		require.NoError(t, err)
		ids := []string{ws.Permalink("C00000001", ws.TopLevel("C00000001")[1].TS, ""), ws.Permalink("C00000001", ws.TopLevel("C00000001")[2].TS, "")}
		var errs int
		for it, err := range c.Refetch(t.Context(), ids) {
			if err == nil {
				t.Errorf("unexpected item %+v", it)
				continue
			}
			errs++
			assert.ErrorIs(t, err, tributary.ErrCredentialExpired)
			assert.NotContains(t, err.Error(), "xoxb-revoked")
		}
		assert.Equal(t, 1, errs, "the stream ends at the first rejected call")
	})
}

// The runner fetches a thread that failed in one run again at the start
// of a later one, through Refetch, although the poll's window does not
// hold it.
func TestRunnerFetchesFailedThreadsAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		f := newFixture(t, ws, nil)
		thread := ws.TopLevel("C00000002")[4]
		require.NotEmpty(t, ws.Replies("C00000002", thread.TS))
		id := ws.Permalink("C00000002", thread.TS, "")
		f.srv.BreakThread("C00000002", thread.TS, "thread_not_found")
		now := t0.Add(30 * 24 * time.Hour)
		sink := &connectortest.Sink{}
		r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, Now: func() time.Time { return now },
			Retry: tributary.RetryPolicy{Backoff: time.Hour}}
		res, err := r.Run(t.Context(), f.c, tributary.RunOptions{})
		require.NoError(t, err)
		assert.Equal(t, 1, res.Failures)
		assert.NotContains(t, sink.IDs(), id)

		f.srv.BreakThread("C00000002", thread.TS, "")
		sink.Reset()
		now = now.Add(2 * time.Hour)
		res, err = r.Run(t.Context(), f.c, tributary.RunOptions{})
		require.NoError(t, err)
		assert.Equal(t, 1, res.Retried)
		assert.Equal(t, []string{id}, sink.IDs(), "fetched again, with its replies")
	})
}
