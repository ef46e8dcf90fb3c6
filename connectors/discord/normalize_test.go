package discord

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/discordemu"
)

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, smallGen, discordemu.Options{RouteLimit: 1000})
	g := f.data.Guilds[0]
	gid, general := discordemu.ID(g.ID), g.Channels[1]
	cid := discordemu.ID(general.ID)
	msg := general.Messages[7]
	day := discordemu.TimeOf(msg.ID).Format(time.DateOnly)
	th := g.Threads[0]
	tid := discordemu.ID(th.ID)
	c := f.connector(t, f.settings(), fast)
	for _, tt := range []struct{ in, want string }{
		{"https://discord.com/channels/" + gid + "/" + cid + "/" + discordemu.ID(msg.ID), dayID(gid, cid, day)},
		{"https://ptb.discord.com/channels/" + gid + "/" + cid + "/" + discordemu.ID(msg.ID) + "?x=1", dayID(gid, cid, day)},
		{"https://discordapp.com/channels/" + gid + "/" + tid, threadURL(gid, tid)},
		{"https://discord.com/channels/" + gid + "/" + tid + "/" + discordemu.ID(th.Messages[1].ID), threadURL(gid, tid)},
		{dayID(gid, cid, day), dayID(gid, cid, day)},
	} {
		got, err := c.NormalizeURL(t.Context(), tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	for _, in := range []string{"https://example.com/channels/1/2/3", "https://discord.com/channels/@me/2/3",
		"https://discord.com/channels/" + gid + "/999/1"} {
		_, err := c.NormalizeURL(t.Context(), in)
		assert.ErrorIs(t, err, tributary.ErrForeignURL, in)
	}
	for _, in := range []string{"https://discord.com/channels/" + gid + "/" + cid, "https://discord.com/channels/" + gid,
		"https://discord.com/app", "https://discord.com/channels/" + gid + "/" + cid + "#yesterday"} {
		_, err := c.NormalizeURL(t.Context(), in)
		assert.ErrorIs(t, err, tributary.ErrNotSupported, in)
	}
	s := f.settings()
	s.GuildIDs = []string{"123"}
	other := f.connector(t, s, fast)
	_, err := other.NormalizeURL(t.Context(), "https://discord.com/channels/"+gid+"/"+cid+"/"+discordemu.ID(msg.ID))
	assert.ErrorIs(t, err, tributary.ErrForeignURL)
}
