package slack_test

import (
	"bytes"
	"log/slog"
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

// Channels left out of a workspace-wide run are named, each with its
// reason, in the run's skips and in the log at info level.
func TestSkippedChannelsAreReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 1, Messages: 2, Start: t0})
		ws.AddChannel(slackemu.Channel{ID: "C0ARCHIVED1", Name: "old", Archived: true, Members: []string{slackemu.BotUser}})
		ws.AddChannel(slackemu.Channel{ID: "C0NOTINVITED", Name: "elsewhere"})
		var logs bytes.Buffer
		f := newFixture(t, ws, func(_ *slack.Settings, env *tributary.Env) {
			env.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
		})
		m := &connectortest.Skips{}
		got := collect(m.In(t.Context()), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Empty(t, got.Failures)
		require.Len(t, m.Reasons(), 2, "%v", m.Reasons())
		assert.Contains(t, m.Reasons()["#old"], "include_archived")
		assert.Contains(t, m.Reasons()["#elsewhere"], "/invite")
		for _, name := range []string{"#old", "#elsewhere"} {
			assert.Contains(t, logs.String(), "channel="+name)
		}
		assert.Equal(t, 2, strings.Count(logs.String(), "level=INFO"), logs.String())

		// Read, archived channels are no longer skips.
		f = newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) { s.IncludeArchived = true })
		m = &connectortest.Skips{}
		require.NoError(t, collect(m.In(t.Context()), f.c, time.Time{}, time.Time{}, nil).Err)
		assert.Equal(t, []string{"#elsewhere"}, m.IDs())
	})
}

// A configured channel the app may not read gives a failure under the
// channel, and no hierarchy node that no document would ever fill.
func TestUnreadableConfiguredChannelHasNoNode(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 1, Messages: 2, Start: t0})
		ws.AddChannel(slackemu.Channel{ID: "C0NOTINVITED", Name: "elsewhere"})
		require.NoError(t, ws.Post("C0NOTINVITED", slackemu.Message{TS: slackemu.TS(t0), User: "U000000001", Text: "not for the bot"}))
		f := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) { s.Channels = []string{"elsewhere", "C00000001"} })
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Len(t, got.Failures, 1)
		assert.Equal(t, "https://emulated.slack.com/archives/C0NOTINVITED", got.Failures[0].EntityID)
		assert.ErrorIs(t, got.Failures[0], tributary.ErrInsufficientPermissions)
		for _, n := range got.Nodes {
			assert.NotContains(t, n.ID, "C0NOTINVITED")
		}
		assert.NotEmpty(t, got.Documents)
	})
}

// Section headings name people: the display name, else the real name, else
// the user name; an author users.info does not know (a member of another
// workspace) by the profile the message carries, and by id only when
// nothing else names them.
func TestHeadingsFallBackFromDisplayName(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.NewWorkspace("emulated")
		ws.AddUser(slackemu.User{ID: slackemu.BotUser, Name: "tributary", IsBot: true})
		ws.AddUser(slackemu.User{ID: "U000000001", Name: "ana", RealName: "Ana Real"})
		ws.AddUser(slackemu.User{ID: "U000000002", Name: "bo"})
		ws.AddUser(slackemu.User{ID: "U000000003", Name: "cy", DisplayName: "  ", RealName: "Cy Real"})
		ws.AddChannel(slackemu.Channel{ID: "C00000001", Name: "general", Members: []string{slackemu.BotUser}})
		posts := []slackemu.Message{
			{User: "U000000001"}, {User: "U000000002"}, {User: "U000000003"},
			{User: "UEXTERNAL1", Profile: &slackemu.User{RealName: "Dee Elsewhere"}},
			{User: "UGONE00001"},
		}
		for i, m := range posts {
			m.TS, m.Text = slackemu.TS(t0.Add(time.Duration(i)*time.Minute)), "hello"
			require.NoError(t, ws.Post("C00000001", m))
		}
		f := newFixture(t, ws, nil)
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		var heads []string
		for _, d := range got.Documents {
			heads = append(heads, d.Sections[0].Heading)
		}
		assert.ElementsMatch(t, []string{"Ana Real", "bo", "Cy Real", "Dee Elsewhere", "UGONE00001"}, heads)
	})
}
