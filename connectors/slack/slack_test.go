package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/slackemu"
)

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func smallWorkspace() *slackemu.Workspace {
	return slackemu.Generate(slackemu.Config{Channels: 2, Private: 1, Messages: 30, ThreadEvery: 4, Replies: 3, BotEvery: 10, Start: t0})
}

func TestLoadGroupsThreadsIntoOneDocument(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallWorkspace(), nil)
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Empty(t, got.Failures)
		assert.Equal(t, expectedIDs(f.ws, time.Time{}, time.Time{}, false), got.IDs())
		assert.Len(t, got.Nodes, 3)

		parent := f.ws.TopLevel("C00000001")[0]
		replies := f.ws.Replies("C00000001", parent.TS)
		require.Len(t, replies, 3)
		var doc *tributary.Document
		for _, d := range got.Documents {
			if d.ID == f.ws.Permalink("C00000001", parent.TS, "") {
				doc = d
			}
		}
		require.NotNil(t, doc)
		assert.Equal(t, "https://emulated.slack.com/archives/C00000001/p"+strings.Replace(parent.TS, ".", "", 1), doc.ID)
		require.Len(t, doc.Sections, 4, "parent and three replies")
		assert.Equal(t, doc.ID, doc.Sections[0].Link)
		for i, r := range replies {
			assert.Equal(t, f.ws.Permalink("C00000001", r.TS, parent.TS), doc.Sections[i+1].Link)
			assert.Equal(t, r.Text, doc.Sections[i+1].Text)
		}
		assert.Equal(t, tsTime(parent.TS), doc.CreatedAt)
		assert.Equal(t, tsTime(replies[2].TS), doc.UpdatedAt, "updated at the last reply")
		assert.True(t, strings.HasPrefix(doc.SemanticID, "#channel-1: "), doc.SemanticID)
		assert.Equal(t, "https://emulated.slack.com/archives/C00000001", doc.ParentID)
		assert.Equal(t, "channel-1", doc.Metadata.Get("channel"))
		require.Len(t, doc.PrimaryOwners, 1)
		assert.Equal(t, "user1@example.com", doc.PrimaryOwners[0].Email)
		assert.NotEmpty(t, doc.SecondaryOwners)
		assert.Nil(t, doc.ExternalAccess, "permissions were not asked for")
	})
}

func TestNodesComeBeforeTheirDocuments(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallWorkspace(), nil)
		seen := map[string]bool{}
		for it, err := range f.c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
			require.NoError(t, err)
			if it.Node != nil {
				seen[it.Node.ID] = true
			}
			if it.Document != nil {
				assert.True(t, seen[it.Document.ParentID], "node %s before %s", it.Document.ParentID, it.Document.ID)
			}
		}
	})
}

func TestPermissionsForPrivateAndPublicChannels(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		f := newFixture(t, ws, func(_ *slack.Settings, env *tributary.Env) { env.WantPermissions = true })
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		for _, d := range got.Documents {
			require.NotNil(t, d.ExternalAccess, d.ID)
			if d.Metadata.Get("channel_id") == "G00000003" {
				assert.False(t, d.ExternalAccess.Public)
				assert.Equal(t, []string{"user1@example.com", "user2@example.com", "user3@example.com",
					"user4@example.com", "user5@example.com"}, d.ExternalAccess.UserEmails)
			} else {
				assert.True(t, d.ExternalAccess.Public)
			}
		}
		assert.Equal(t, 1, f.srv.Calls("users.list"), "members are looked up together, once a run")
		assert.LessOrEqual(t, f.srv.Calls("users.info"), 5)
	})
}

// History paging that stops after the first page while reporting success
// must not happen: a channel of many pages is read to the end, and resuming
// from every checkpoint loses nothing.
func TestHistoryPagesPastTheFirstPageAndResumes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 2, Messages: 57, ThreadEvery: 5, Replies: 2, Start: t0})
		f := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) { s.PageSize = 10 })
		want := expectedIDs(ws, time.Time{}, time.Time{}, false)
		full := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, full.Err)
		require.Equal(t, want, full.IDs())
		require.GreaterOrEqual(t, f.srv.Calls("conversations.history"), 12, "six pages per channel")
		require.GreaterOrEqual(t, len(full.Checkpoints), 12)

		// Resume from every checkpoint: what came before it plus what comes
		// after it is everything.
		var before []string
		i := 0
		for it, err := range f.c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
			require.NoError(t, err)
			if it.Document != nil {
				before = append(before, it.Document.ID)
			}
			if it.Checkpoint == nil {
				continue
			}
			i++
			rest := collect(t.Context(), f.c, time.Time{}, time.Time{}, it.Checkpoint)
			require.NoError(t, rest.Err)
			union := slices.Concat(before, rest.IDs())
			slices.Sort(union)
			assert.Equal(t, want, slices.Compact(union), "resume from checkpoint %d", i)
			for _, id := range rest.IDs() {
				assert.NotContains(t, before, id, "checkpoint %d re-yields %s", i, id)
			}
		}
	})
}

func TestPollFindsNewRepliesToOldThreads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 1, Messages: 40, ThreadEvery: 10, Replies: 1, Start: t0})
		old := ws.TopLevel("C00000001")[0]
		replyAt := t0.Add(30 * 24 * time.Hour)
		require.NoError(t, ws.Reply("C00000001", old.TS, slackemu.Message{TS: slackemu.TS(replyAt), User: "U000000002", Text: "late answer"}))
		f := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) { s.PageSize = 7 })

		got := collect(t.Context(), f.c, replyAt.Add(-time.Hour), replyAt.Add(time.Hour), nil)
		require.NoError(t, got.Err)
		require.Equal(t, []string{ws.Permalink("C00000001", old.TS, "")}, got.IDs())
		doc := got.Documents[0]
		assert.Equal(t, replyAt, doc.UpdatedAt)
		assert.Equal(t, "late answer", doc.Sections[len(doc.Sections)-1].Text)

		// Windows that tile time give exactly the load, each document once.
		var polled []string
		edges := []time.Time{{}, t0.Add(10 * time.Minute), t0.Add(25 * time.Minute), replyAt, {}}
		for i := range len(edges) - 1 {
			w := collect(t.Context(), f.c, edges[i], edges[i+1], nil)
			require.NoError(t, w.Err)
			assert.Equal(t, expectedIDs(ws, edges[i], edges[i+1], false), w.IDs())
			polled = append(polled, w.IDs()...)
		}
		slices.Sort(polled)
		assert.Equal(t, expectedIDs(ws, time.Time{}, time.Time{}, false), polled)
	})
}

func TestEditsMoveUpdatedAtAndTimesAreNeverInvented(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 1, Messages: 5, Start: t0})
		m := ws.TopLevel("C00000001")[2]
		editAt := t0.Add(48 * time.Hour)
		require.NoError(t, ws.Edit("C00000001", m.TS, "fixed text", slackemu.TS(editAt)))
		f := newFixture(t, ws, nil)
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		for _, d := range got.Documents {
			assert.False(t, d.CreatedAt.IsZero())
			assert.True(t, d.CreatedAt.Before(t0.Add(time.Hour)), "created at the message's ts, not now: %v", d.CreatedAt)
			if d.Sections[0].Text == "fixed text" {
				assert.Equal(t, editAt, d.UpdatedAt)
			} else {
				assert.Equal(t, d.CreatedAt, d.UpdatedAt)
			}
		}
	})
}

func TestSlimAdmitsExactlyWhatLoadAdmits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, bots := range []bool{false, true} {
			ws := smallWorkspace()
			f := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) { s.IncludeBots = bots; s.PageSize = 9 })
			for _, w := range [][2]time.Time{{}, {t0.Add(5 * time.Minute), t0.Add(20 * time.Minute)}} {
				load := collect(t.Context(), f.c, w[0], w[1], nil)
				require.NoError(t, load.Err)
				var slim []string
				for sd, err := range f.c.LoadSlim(t.Context(), w[0], w[1]) {
					require.NoError(t, err)
					slim = append(slim, sd.ID)
				}
				slices.Sort(slim)
				assert.Equal(t, load.IDs(), slim)
				assert.Equal(t, expectedIDs(ws, w[0], w[1], bots), slim)
			}
		}
	})
}

// Failure ids must equal document ids: a thread that cannot be read is
// reported under the permalink its document would have had.
func TestFailureIDsAreDocumentIDs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		f := newFixture(t, ws, nil)
		f.srv.FailWithError("conversations.replies", "thread_not_found")
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Len(t, got.Failures, 1)
		want := expectedIDs(ws, time.Time{}, time.Time{}, false)
		fail := got.Failures[0]
		assert.Contains(t, want, fail.DocumentID)
		assert.True(t, errors.Is(fail, tributary.ErrNotFound))
		assert.NotContains(t, got.IDs(), fail.DocumentID)
		assert.Len(t, got.Documents, len(want)-1)
	})
}

// Errors are never swallowed: a channel the app may not read is a failure
// naming it, and a server that keeps failing ends the stream with an error
// rather than a short, successful-looking run.
func TestErrorsAreNeverSwallowed(t *testing.T) {
	t.Run("channel the app is not in", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) { notInChannel(t) })
	})
	t.Run("server keeps failing", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) { keepsFailing(t) })
	})
	t.Run("configured channel missing", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) { channelMissing(t) })
	})
}

func notInChannel(t *testing.T) {
	ws := smallWorkspace()
	f := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) { s.Channels = []string{"channel-1", "C00000002"} })
	f.srv.FailWithError("conversations.history", "not_in_channel")
	got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.Equal(t, "https://emulated.slack.com/archives/C00000001", got.Failures[0].EntityID)
	assert.True(t, errors.Is(got.Failures[0], tributary.ErrInsufficientPermissions))
	require.NotEmpty(t, got.Documents)
	for _, d := range got.Documents {
		assert.Equal(t, "C00000002", d.Metadata.Get("channel_id"))
	}
}

func keepsFailing(t *testing.T) {
	f := newFixture(t, smallWorkspace(), nil)
	f.srv.FailNext("/api/conversations.replies", 100, emulator.ServiceUnavailable)
	got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
	require.Error(t, got.Err)
	assert.True(t, errors.Is(got.Err, tributary.ErrTransient), "%v", got.Err)
}

func channelMissing(t *testing.T) {
	f := newFixture(t, smallWorkspace(), func(s *slack.Settings, _ *tributary.Env) { s.Channels = []string{"no-such-channel"} })
	got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.True(t, errors.Is(got.Failures[0], tributary.ErrNotFound))
}

func TestValidateClassifiesErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		tokens := slackemu.Tokens()
		tokens["xoxb-no-history"] = slackemu.Token{UserID: slackemu.BotUser, Scopes: []string{"channels:read", "users:read"}}
		srv := slackemu.NewServer(ws, tokens)
		defer srv.Close()
		open := func(token string, channels ...string) *slack.Connector {
			c, err := slack.New(slack.Settings{Channels: channels},
				slack.Credentials{BotToken: tributary.NewSecret(token)}, tributary.Env{HTTPClient: srv.Client()})
			require.NoError(t, err)
			return c
		}
		ctx := t.Context()
		assert.NoError(t, open(slackemu.BotToken, "channel-1").Validate(ctx))
		assert.ErrorIs(t, open("xoxb-wrong").Validate(ctx), tributary.ErrCredentialExpired)
		assert.ErrorIs(t, open("xoxb-no-history", "channel-1").Validate(ctx), tributary.ErrInsufficientPermissions)
		err := open(slackemu.BotToken, "nope").Validate(ctx)
		assert.ErrorIs(t, err, tributary.ErrNotFound)
		assert.Contains(t, err.Error(), "nope")
		err = open("xoxb-wrong").Validate(ctx)
		assert.NotContains(t, err.Error(), "xoxb-wrong", "secrets never reach errors")
	})
}

func TestBadConfigurationIsATypedError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, err := slack.New(slack.Settings{Channels: []string{"Not A Channel"}, PageSize: 5000, WorkspaceURL: "acme"},
			slack.Credentials{}, tributary.Env{})
		require.ErrorIs(t, err, tributary.ErrInvalidConfig)
		var fields []string
		for _, p := range tributary.ConfigProblems(err) {
			fields = append(fields, p.Field)
		}
		assert.ElementsMatch(t, []string{"settings.channels[0]", "settings.page_size", "settings.workspace_url", "credentials.bot_token"}, fields)

		_, err = tributary.New(slack.Source, tributary.Params{Settings: []byte(`{"chanels":["general"]}`), Credentials: []byte(`{"bot_token":"x"}`)})
		require.ErrorIs(t, err, tributary.ErrInvalidConfig)
		assert.Contains(t, err.Error(), "channels")
	})
}

func TestCancellationStopsTheStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallWorkspace(), nil)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		n := 0
		var last error
		for it, err := range f.c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil) {
			if err != nil {
				last = err
				break
			}
			if it.Document != nil {
				n++
				if n == 3 {
					cancel()
				}
			}
		}
		assert.ErrorIs(t, last, context.Canceled)
		assert.Equal(t, 3, n)
	})
}

// With thread_lookback set, a poll reads history only back to that long
// before the window: a reply to a thread inside the lookback is found, one
// to an older thread is not (the documented trade-off), and history calls
// stop early.
func TestThreadLookbackBoundsThePollScan(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 1, Messages: 100, Step: time.Hour, Start: t0})
		msgs := ws.TopLevel("C00000001")
		windowStart := t0.Add(100 * time.Hour)
		replyAt := windowStart.Add(time.Minute)
		recent, old := msgs[90], msgs[10] // 10 and 90 hours before the window
		require.NoError(t, ws.Reply("C00000001", recent.TS, slackemu.Message{TS: slackemu.TS(replyAt), User: "U000000001", Text: "recent"}))
		require.NoError(t, ws.Reply("C00000001", old.TS, slackemu.Message{TS: slackemu.TS(replyAt.Add(time.Second)), User: "U000000001", Text: "old"}))

		bounded := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) {
			s.ThreadLookback = tributary.Duration(24 * time.Hour)
			s.PageSize = 10
		})
		got := collect(t.Context(), bounded.c, windowStart, windowStart.Add(time.Hour), nil)
		require.NoError(t, got.Err)
		assert.Equal(t, []string{ws.Permalink("C00000001", recent.TS, "")}, got.IDs())
		assert.LessOrEqual(t, bounded.srv.Calls("conversations.history"), 3, "24 messages in the lookback")

		full := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) { s.PageSize = 10 })
		got = collect(t.Context(), full.c, windowStart, windowStart.Add(time.Hour), nil)
		require.NoError(t, got.Err)
		want := []string{ws.Permalink("C00000001", recent.TS, ""), ws.Permalink("C00000001", old.TS, "")}
		slices.Sort(want)
		assert.Equal(t, want, got.IDs())
		assert.Equal(t, 10, full.srv.Calls("conversations.history"), "the whole history")
	})
}

func TestChannelsByIDAreLookedUpWithoutListing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallWorkspace(), func(s *slack.Settings, _ *tributary.Env) {
			s.Channels = []string{"C00000002", "CNOSUCH0001"}
		})
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Zero(t, f.srv.Calls("conversations.list"))
		require.Len(t, got.Failures, 1)
		assert.Equal(t, "CNOSUCH0001", got.Failures[0].EntityID)
		require.NotEmpty(t, got.Documents)
		for _, d := range got.Documents {
			assert.Equal(t, "C00000002", d.Metadata.Get("channel_id"))
		}
	})
}

func TestMessageMarkupBecomesText(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 1, Start: t0})
		require.NoError(t, ws.Post("C00000001", slackemu.Message{TS: slackemu.TS(t0), User: "U000000001",
			Text: "<!here> ask <@U000000002> in <#C00000001|channel-1> about <https://example.com/a?b=1&amp;c=2|the doc> &lt;soon&gt;"}))
		f := newFixture(t, ws, nil)
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Len(t, got.Documents, 1)
		assert.Equal(t, "@here ask @Bo2 in #channel-1 about the doc (https://example.com/a?b=1&c=2) <soon>", got.Documents[0].Sections[0].Text)
		assert.Equal(t, "Ana1", got.Documents[0].Sections[0].Heading)
	})
}

// A thread whose parent was deleted keeps its replies: it is still a
// document, under the parent's permalink, and a deleted message without
// replies is none.
func TestDeletedParentKeepsItsThread(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 1, Start: t0})
		tomb := slackemu.Message{TS: slackemu.TS(t0), User: "USLACKBOT", Subtype: "tombstone", Text: "This message was deleted."}
		require.NoError(t, ws.Post("C00000001", tomb))
		require.NoError(t, ws.Reply("C00000001", tomb.TS, slackemu.Message{TS: slackemu.TS(t0.Add(time.Minute)), User: "U000000001", Text: "the answer"}))
		require.NoError(t, ws.Post("C00000001", slackemu.Message{TS: slackemu.TS(t0.Add(time.Hour)), User: "USLACKBOT", Subtype: "tombstone", Text: "This message was deleted."}))
		f := newFixture(t, ws, nil)
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Equal(t, []string{ws.Permalink("C00000001", tomb.TS, "")}, got.IDs())
		assert.Equal(t, "the answer", got.Documents[0].Sections[len(got.Documents[0].Sections)-1].Text)
		var slim []string
		for sd, err := range f.c.LoadSlim(t.Context(), time.Time{}, time.Time{}) {
			require.NoError(t, err)
			slim = append(slim, sd.ID)
		}
		assert.Equal(t, got.IDs(), slim)
	})
}

// The token never reaches logs, errors or output, even when every kind of
// fault makes the stack log retries at debug level.
func TestTokenNeverLeaks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs strings.Builder
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		f := newFixture(t, smallWorkspace(), func(_ *slack.Settings, env *tributary.Env) { env.Logger = logger })
		f.srv.FailOften()
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		out, err := json.Marshal(got.Documents)
		require.NoError(t, err)
		assert.NotEmpty(t, logs.String(), "retries were logged")
		assert.NotContains(t, logs.String(), slackemu.BotToken)
		assert.NotContains(t, string(out), slackemu.BotToken)
		assert.NotContains(t, fmt.Sprintf("%v %+v", f.c, f.c), slackemu.BotToken)
	})
}

// When history says it has more but gives no cursor, the connector pages
// on with latest set to the oldest ts it has, to the end.
func TestHistoryWithoutCursorsPagesByTimestamp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 1, Messages: 45, ThreadEvery: 7, Replies: 1, Start: t0})
		f := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) { s.PageSize = 10 })
		f.srv.OmitHistoryCursors(true)
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, expectedIDs(ws, time.Time{}, time.Time{}, false), got.IDs())
		assert.Equal(t, 5, f.srv.Calls("conversations.history"))
	})
}

// Slack sometimes reports a transient condition inside an HTTP 200 answer
// ({"ok": false, "error": "ratelimited"}, "internal_error"): those calls
// are retried, and nothing is lost.
func TestTransientSlackErrorCodesAreRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		f := newFixture(t, ws, nil)
		f.srv.FailWithError("conversations.history", "ratelimited", "internal_error")
		f.srv.FailWithError("conversations.replies", "service_unavailable")
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Empty(t, got.Failures)
		assert.Equal(t, expectedIDs(ws, time.Time{}, time.Time{}, false), got.IDs())
	})
}

func TestArchivedChannelsAndMembership(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 1, Messages: 2, Start: t0})
		ws.AddChannel(slackemu.Channel{ID: "C0ARCHIVED1", Name: "old", Archived: true, Members: []string{slackemu.BotUser}})
		require.NoError(t, ws.Post("C0ARCHIVED1", slackemu.Message{TS: slackemu.TS(t0), User: "U000000001", Text: "from the archive"}))
		ws.AddChannel(slackemu.Channel{ID: "C0NOTINVITED", Name: "elsewhere"})
		require.NoError(t, ws.Post("C0NOTINVITED", slackemu.Message{TS: slackemu.TS(t0), User: "U000000001", Text: "not for the bot"}))
		channelsOf := func(configure func(*slack.Settings, *tributary.Env)) []string {
			f := newFixture(t, ws, configure)
			got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
			require.NoError(t, got.Err)
			var ids []string
			for _, n := range got.Nodes {
				ids = append(ids, strings.TrimPrefix(n.ID, "https://emulated.slack.com/archives/"))
			}
			return ids
		}
		assert.Equal(t, []string{"C00000001"}, channelsOf(nil), "members only, no archive")
		assert.Equal(t, []string{"C00000001", "C0ARCHIVED1"}, channelsOf(func(s *slack.Settings, _ *tributary.Env) { s.IncludeArchived = true }))
		assert.Equal(t, []string{"C0ARCHIVED1"}, channelsOf(func(s *slack.Settings, _ *tributary.Env) { s.Channels = []string{"old"} }))

		c, err := slack.New(slack.Settings{Channels: []string{"elsewhere"}}, slack.Credentials{BotToken: tributary.NewSecret(slackemu.BotToken)},
			tributary.Env{HTTPClient: newFixture(t, ws, nil).srv.Client()})
		require.NoError(t, err)
		err = c.Validate(t.Context())
		assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
		assert.Contains(t, err.Error(), "/invite")
	})
}

func TestBotAttachmentsAreText(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 1, Start: t0})
		require.NoError(t, ws.Post("C00000001", slackemu.Message{TS: slackemu.TS(t0), BotID: "B01", Username: "ci", Subtype: "bot_message",
			Attachments: []slackemu.Attachment{{Pretext: "Build finished", Title: "main #42", Text: "passed, see <https://ci.example.com/42|logs>"}, {Fallback: "coverage 81%"}}}))
		f := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) { s.IncludeBots = true })
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Len(t, got.Documents, 1)
		assert.Equal(t, "Build finished\nmain #42\npassed, see logs (https://ci.example.com/42)\ncoverage 81%", got.Documents[0].Sections[0].Text)
		assert.Equal(t, "ci", got.Documents[0].Sections[0].Heading)
		assert.Equal(t, "#channel-1: Build finished main #42 passed, see logs (https://ci.example.com/42) coverage…", got.Documents[0].SemanticID, "cut at a word")
	})
}
