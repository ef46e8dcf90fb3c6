package discord

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// channelRef is what NormalizeURL learned of a channel id: its guild and
// whether it is a thread.
type channelRef struct {
	guild, parent string
	thread        bool
}

// webHosts are the hosts Discord's links use.
var webHosts = []string{"discord.com", "www.discord.com", "ptb.discord.com", "canary.discord.com", "discordapp.com", "www.discordapp.com"}

// NormalizeURL maps a Discord link to the document that holds it: a
// message link /channels/G/C/M to the document of M's day in channel C,
// or to thread C's document when C is a thread; a thread's link
// /channels/G/T to the thread's document. Telling a thread from a channel
// takes one request (GET /channels/C), remembered for the connector's
// life. A channel's own link names no one document (ErrNotSupported); a
// link of a guild or channel the settings do not read, or of another
// site, fails with ErrForeignURL.
func (c *Connector) NormalizeURL(ctx context.Context, raw string) (string, error) {
	u, err := tributary.ParseWebURL(Source, raw)
	if err != nil {
		return "", err
	}
	if !slices.Contains(webHosts, strings.ToLower(u.Host)) {
		return "", tributary.ForeignURL(Source, raw, "not a discord.com link")
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 || parts[0] != "channels" || len(parts) > 4 {
		return "", tributary.UnmappableURL(Source, raw, "not a link to a channel, thread or message")
	}
	for _, p := range parts[1:] {
		if !validID(p) {
			if p == "@me" {
				return "", tributary.ForeignURL(Source, raw, "direct messages are not read")
			}
			return "", tributary.UnmappableURL(Source, raw, "not a link to a channel, thread or message")
		}
	}
	guild := parts[1]
	if len(c.settings.GuildIDs) > 0 && !slices.Contains(c.settings.GuildIDs, guild) {
		return "", tributary.ForeignURL(Source, raw, "the settings do not read this guild")
	}
	if len(parts) == 2 {
		return "", tributary.UnmappableURL(Source, raw, "a guild's link names no document")
	}
	channel := parts[2]
	if len(parts) == 3 && u.Fragment != "" {
		// A day's id.
		if _, _, ok := dayBounds(u.Fragment); ok {
			return dayID(guild, channel, u.Fragment), nil
		}
		return "", tributary.UnmappableURL(Source, raw, "the fragment is not a day")
	}
	ref, err := c.lookup(ctx, channel)
	if err != nil {
		if errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions) {
			return "", tributary.ForeignURL(Source, raw, "no channel the bot can read has this id")
		}
		return "", err
	}
	if ref.guild != guild {
		return "", tributary.ForeignURL(Source, raw, "the channel is not in this guild")
	}
	read := channel
	if ref.thread {
		read = ref.parent
	}
	if len(c.settings.ChannelIDs) > 0 && !slices.Contains(c.settings.ChannelIDs, read) {
		return "", tributary.ForeignURL(Source, raw, "the settings do not read this channel")
	}
	if ref.thread {
		return threadURL(guild, channel), nil
	}
	if len(c.settings.ChannelIDs) > 0 && !slices.Contains(c.settings.ChannelIDs, channel) {
		return "", tributary.ForeignURL(Source, raw, "the settings do not read this channel")
	}
	if len(parts) == 3 {
		return "", tributary.UnmappableURL(Source, raw, "a channel's link names no one document (one per day)")
	}
	id, _ := parseID(parts[3])
	return dayID(guild, channel, dateOf(timeOf(id))), nil
}

// lookup tells a thread from a channel.
func (c *Connector) lookup(ctx context.Context, channel string) (channelRef, error) {
	c.mu.Lock()
	ref, ok := c.kinds[channel]
	c.mu.Unlock()
	if ok {
		return ref, nil
	}
	var ch apiChannel
	if err := c.client.get(ctx, "/channels/"+channel, &ch); err != nil {
		return channelRef{}, err
	}
	ref = channelRef{guild: ch.GuildID, parent: ch.parent(), thread: ch.isThread()}
	c.mu.Lock()
	if len(c.kinds) < 10000 {
		c.kinds[channel] = ref
	}
	c.mu.Unlock()
	return ref, nil
}
