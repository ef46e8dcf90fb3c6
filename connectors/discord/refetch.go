package discord

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads the documents with the ids again: a day by its channel's
// messages between the day's snowflakes, a thread by GET /channels/{id}
// and its messages. For each id it yields the document, a deletion when
// Discord no longer has it (a day without messages, a thread or channel
// gone), or a Failure. An id that is not a document of a guild and channel
// the settings read fails with ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, yield, time.Time{}, time.Time{}, false)
		guilds := map[string]*refetchGuild{}
		for _, id := range ids {
			if !r.refetch(guilds, id) {
				return
			}
		}
	}
}

// refetchGuild is a guild's information, read once per Refetch.
type refetchGuild struct {
	gi    *guildInfo
	chans []apiChannel
}

func (r *run) refetch(guilds map[string]*refetchGuild, id string) bool {
	guild, channel, date, ok := parseDocID(id)
	if !ok || len(r.c.settings.GuildIDs) > 0 && !slices.Contains(r.c.settings.GuildIDs, guild) {
		err := tributary.NewError("discord: refetch", tributary.ErrForeignURL,
			fmt.Errorf("%s is not a document of a guild the settings read", id))
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	fail := func(err error) bool {
		if terminal(err) {
			return r.Fail(err)
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("discord: refetch: %w", err))))
	}
	rg := guilds[guild]
	if rg == nil {
		var g apiGuild
		if err := r.c.client.get(r.ctx, "/guilds/"+guild, &g); err != nil {
			if statusOf(err) == http.StatusNotFound || statusOf(err) == http.StatusForbidden {
				return r.Yield(tributary.DeletionItem(id)) // the bot left, or the guild is gone
			}
			return fail(err)
		}
		gi, chans, err := r.c.loadGuild(r.ctx, g)
		if err != nil {
			return fail(err)
		}
		rg = &refetchGuild{gi: gi, chans: chans}
		guilds[guild] = rg
	}
	if date != "" {
		return r.refetchDay(rg, id, channel, date, fail)
	}
	return r.refetchThread(rg, id, channel, fail)
}

// parseDocID splits an id into guild, channel (or thread) and day.
func parseDocID(id string) (guild, channel, date string, ok bool) {
	rest, ok := strings.CutPrefix(id, webRoot)
	if !ok {
		return "", "", "", false
	}
	rest, date, _ = strings.Cut(rest, "#")
	guild, channel, ok = strings.Cut(rest, "/")
	if !ok || !validID(guild) || !validID(channel) {
		return "", "", "", false
	}
	if date != "" {
		if _, _, good := dayBounds(date); !good {
			return "", "", "", false
		}
	}
	return guild, channel, date, true
}

func findChannel(chans []apiChannel, id string) (apiChannel, bool) {
	for _, ch := range chans {
		if ch.ID == id {
			return ch, true
		}
	}
	return apiChannel{}, false
}

func (r *run) refetchDay(rg *refetchGuild, id, channel, date string, fail func(error) bool) bool {
	ch, ok := findChannel(rg.chans, channel)
	if !ok || ch.Type == typeForum {
		return r.Yield(tributary.DeletionItem(id))
	}
	after, before, _ := dayBounds(date)
	var msgs []apiMessage
	size := r.c.settings.PageSize
	for {
		page, err := r.c.client.messagesAfter(r.ctx, ch.ID, after, size)
		if err != nil {
			return fail(err)
		}
		done := len(page) < size
		for _, m := range page {
			if m.id >= before {
				done = true
				break
			}
			msgs = append(msgs, m)
		}
		if done {
			break
		}
		after = page[len(page)-1].id
	}
	if len(msgs) == 0 {
		return r.Yield(tributary.DeletionItem(id))
	}
	acc := r.c.access(rg.gi, ch)
	return r.nodes(rg.gi, ch, acc) && r.Yield(tributary.DocumentItem(r.c.dayDocument(rg.gi, ch, acc, day{date: date, msgs: msgs}, false)))
}

func (r *run) refetchThread(rg *refetchGuild, id, thread string, fail func(error) bool) bool {
	var th apiChannel
	if err := r.c.client.get(r.ctx, "/channels/"+thread, &th); err != nil {
		if statusOf(err) == http.StatusNotFound {
			return r.Yield(tributary.DeletionItem(id))
		}
		return fail(err)
	}
	if !th.isThread() {
		return fail(tributary.NewError("discord: refetch", tributary.ErrForeignURL, errors.New("a channel's id names no document; its days do")))
	}
	ch, ok := findChannel(rg.chans, th.parent())
	if !ok || (th.Type != typePublicThread && th.Type != typeAnnouncementThread) || th.LastMessageID == nil {
		return r.Yield(tributary.DeletionItem(id))
	}
	msgs, err := r.c.threadMessages(r.ctx, th.ID, r.c.settings.PageSize)
	if err != nil {
		if statusOf(err) == http.StatusNotFound {
			return r.Yield(tributary.DeletionItem(id))
		}
		return fail(err)
	}
	acc := r.c.access(rg.gi, ch)
	return r.nodes(rg.gi, ch, acc) && r.Yield(tributary.DocumentItem(r.c.threadDocument(rg.gi, ch, th, acc, msgs, false)))
}
