package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "discord"
	checkpointVersion = 1
)

// Phases of a channel's reading.
const (
	phaseDays    = ""  // the channel's messages, by day
	phaseThreads = "t" // its threads, by id
	phaseDone    = "d" // the channel is finished
)

// position is the checkpoint: the guild and channel in progress, the
// phase, and After: in the days phase the last message of the last day
// finished (every message up to it was read), in the threads phase the
// last thread finished. Its size does not depend on the guild's.
type position struct {
	Guild   string `json:"g,omitempty"`
	Channel string `json:"c,omitempty"`
	Phase   string `json:"p,omitempty"`
	After   string `json:"a,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := pos.Guild != "" && !validID(pos.Guild) || pos.Channel != "" && (!validID(pos.Channel) || pos.Guild == "") ||
		!slices.Contains([]string{phaseDays, phaseThreads, phaseDone}, pos.Phase) ||
		pos.After != "" && (!validID(pos.After) || pos.Channel == "")
	if bad {
		return position{}, tributary.NewError("discord: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (guild %q, channel %q, phase %q)", pos.Guild, pos.Channel, pos.Phase))
	}
	return pos, nil
}

// run is one pass of a stream over the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder

	sent map[string]bool // nodes yielded in this run: guilds and categories
}

func (c *Connector) newRun(ctx context.Context, yield func(tributary.Item, error) bool, start, end time.Time, slim bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion), sent: map[string]bool{}}
}

// in reports whether t is in the window.
func (r *run) in(t time.Time) bool {
	return !t.Before(r.start) && (r.end.IsZero() || t.Before(r.end))
}

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	guilds, err := r.c.guilds(r.ctx)
	if err != nil {
		r.Fail(fmt.Errorf("discord: guilds: %w", err))
		return
	}
	for _, g := range guilds {
		if pos.Guild != "" && compareIDs(g.ID, pos.Guild) < 0 {
			continue
		}
		gpos := position{Guild: g.ID}
		if g.ID == pos.Guild {
			gpos = pos
		}
		if !r.guild(g, gpos) {
			return
		}
	}
}

// guildInfo is what a guild's documents need: its name, roles and
// categories.
type guildInfo struct {
	apiGuild
	roles      []apiRole
	categories map[string]apiChannel
	active     map[string][]apiChannel // active threads by parent, read once
}

// loadGuild reads a guild's roles and channels.
func (c *Connector) loadGuild(ctx context.Context, g apiGuild) (*guildInfo, []apiChannel, error) {
	gi := &guildInfo{apiGuild: g, categories: map[string]apiChannel{}}
	if err := c.client.get(ctx, "/guilds/"+g.ID+"/roles", &gi.roles); err != nil {
		return nil, nil, fmt.Errorf("discord: roles of guild %s: %w", g.ID, err)
	}
	var chans []apiChannel
	if err := c.client.get(ctx, "/guilds/"+g.ID+"/channels", &chans); err != nil {
		return nil, nil, fmt.Errorf("discord: channels of guild %s: %w", g.ID, err)
	}
	var read []apiChannel
	for _, ch := range chans {
		if !validID(ch.ID) {
			return nil, nil, malformed("channels", "guild %s: a channel without a valid id", g.ID)
		}
		switch ch.Type {
		case typeCategory:
			gi.categories[ch.ID] = ch
		case typeText, typeAnnouncement, typeForum:
			if len(c.settings.ChannelIDs) == 0 || slices.Contains(c.settings.ChannelIDs, ch.ID) {
				read = append(read, ch)
			}
		}
	}
	slices.SortFunc(read, func(a, b apiChannel) int { return compareIDs(a.ID, b.ID) })
	return gi, read, nil
}

// guild reads one guild from pos.
func (r *run) guild(g apiGuild, pos position) bool {
	gi, chans, err := r.c.loadGuild(r.ctx, g)
	if err != nil {
		return r.Fail(err)
	}
	if !r.node(r.c.guildNode(gi)) {
		return false
	}
	for _, ch := range chans {
		if pos.Channel != "" && compareIDs(ch.ID, pos.Channel) < 0 {
			continue
		}
		cpos := position{Guild: g.ID, Channel: ch.ID}
		if ch.ID == pos.Channel {
			cpos = pos
		}
		if !r.channel(gi, ch, cpos) {
			return false
		}
	}
	return true
}

// node yields a node once per run.
func (r *run) node(n *tributary.HierarchyNode) bool {
	if r.sent[n.ID] {
		return true
	}
	r.sent[n.ID] = true
	return r.Yield(tributary.NodeItem(n))
}

// nodes yields the nodes above a channel's documents (once per run):
// the guild, the category, the channel.
func (r *run) nodes(gi *guildInfo, ch apiChannel, acc *tributary.ExternalAccess) bool {
	if !r.node(r.c.guildNode(gi)) {
		return false
	}
	if cat, ok := gi.categories[ch.parent()]; ok && !r.node(r.c.categoryNode(gi, cat)) {
		return false
	}
	return r.node(r.c.channelNode(gi, ch, acc))
}

// channel reads one channel from pos: its days, then its threads.
func (r *run) channel(gi *guildInfo, ch apiChannel, pos position) bool {
	if pos.Phase == phaseDone {
		return true
	}
	acc := r.c.access(gi, ch)
	if !r.nodes(gi, ch, acc) {
		return false
	}
	readable := true
	if pos.Phase == phaseDays && ch.Type != typeForum {
		var ok bool
		if readable, ok = r.days(gi, ch, acc, pos); !ok {
			return false
		}
	}
	if readable && r.c.settings.IncludeThreads {
		tpos := pos
		if tpos.Phase != phaseThreads {
			tpos = position{Guild: gi.ID, Channel: ch.ID, Phase: phaseThreads}
		}
		if !r.threads(gi, ch, acc, tpos) {
			return false
		}
	}
	return r.Checkpoint(position{Guild: gi.ID, Channel: ch.ID, Phase: phaseDone})
}

// unreadable reports a channel the bot may not read (403: it lacks View
// Channels or Read Message History) as a skip.
func (r *run) unreadable(id string, err error) bool {
	if statusOf(err) != http.StatusForbidden && statusOf(err) != http.StatusNotFound {
		return false
	}
	tributary.ReportSkip(r.ctx, id, "the bot may not read it (View Channels and Read Message History): "+err.Error())
	return true
}

// day is the messages of one channel and UTC day being gathered.
type day struct {
	date string
	msgs []apiMessage
}

// days reads a channel's messages in snowflake order from pos and yields
// one document per UTC day whose newest message is in the window, each
// followed by a checkpoint. A window is read from the start of the day of
// its start, so that a day's document always holds the whole day, and up
// to the first message at or past its end: a day with a message past the
// end is left to a later window. It reports whether the channel could be
// read, and whether the stream goes on.
func (r *run) days(gi *guildInfo, ch apiChannel, acc *tributary.ExternalAccess, pos position) (readable, ok bool) {
	var after uint64
	if !r.start.IsZero() {
		after = max(snowflakeAt(r.start.Truncate(24*time.Hour)), 1) - 1
	}
	if n, good := parseID(pos.After); good {
		after = max(after, n)
	}
	size := r.c.settings.PageSize
	var cur day
	flush := func() bool {
		if len(cur.msgs) == 0 {
			return true
		}
		last := cur.msgs[len(cur.msgs)-1]
		if r.in(timeOf(last.id)) && !r.Yield(tributary.DocumentItem(r.c.dayDocument(gi, ch, acc, cur, r.slim))) {
			return false
		}
		cur = day{}
		return r.Checkpoint(position{Guild: gi.ID, Channel: ch.ID, After: last.ID})
	}
	for {
		page, err := r.c.client.messagesAfter(r.ctx, ch.ID, after, size)
		if err != nil {
			if terminal(err) {
				return false, r.Fail(err)
			}
			if r.unreadable(channelURL(gi.ID, ch.ID), err) {
				return false, true
			}
			return true, r.Yield(tributary.FailureItem(tributary.EntityFailure(channelURL(gi.ID, ch.ID), channelURL(gi.ID, ch.ID),
				fmt.Errorf("discord: messages of #%s after %d: %w", ch.Name, after, err))))
		}
		for _, m := range page {
			t := timeOf(m.id)
			if !r.end.IsZero() && !t.Before(r.end) {
				// The window ends here; the day of this message, when it
				// is the day being gathered, belongs to a later window.
				if len(cur.msgs) > 0 && dateOf(t) != cur.date {
					return true, flush()
				}
				return true, true
			}
			if len(cur.msgs) > 0 && dateOf(t) != cur.date && !flush() {
				return true, false
			}
			cur.date = dateOf(t)
			if r.slim {
				m = apiMessage{ID: m.ID, id: m.id}
			}
			cur.msgs = append(cur.msgs, m)
		}
		if len(page) < size {
			break
		}
		after = page[len(page)-1].id
	}
	return true, flush()
}

func dateOf(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// threads reads a channel's public threads, active and archived, in id
// order after pos.After, and yields one document for each whose newest
// message is in the window.
func (r *run) threads(gi *guildInfo, ch apiChannel, acc *tributary.ExternalAccess, pos position) bool {
	list, err := r.c.threadsOf(r.ctx, gi, ch)
	if err != nil {
		if terminal(err) {
			return r.Fail(err)
		}
		if r.unreadable(channelURL(gi.ID, ch.ID), err) {
			return true
		}
		return r.Yield(tributary.FailureItem(tributary.EntityFailure(channelURL(gi.ID, ch.ID), channelURL(gi.ID, ch.ID),
			fmt.Errorf("discord: threads of #%s: %w", ch.Name, err))))
	}
	for _, th := range list {
		if pos.After != "" && compareIDs(th.ID, pos.After) <= 0 {
			continue
		}
		if !r.thread(gi, ch, th, acc) || !r.Checkpoint(position{Guild: gi.ID, Channel: ch.ID, Phase: phaseThreads, After: th.ID}) {
			return false
		}
	}
	return true
}

// thread yields a thread's document when its last message (the thread's
// last_message_id) is in the window; a thread outside it is not read. The
// slim listing stops there, so it lists a thread whose messages then fail
// to read: the thread exists, its content failed.
func (r *run) thread(gi *guildInfo, ch, th apiChannel, acc *tributary.ExternalAccess) bool {
	if th.LastMessageID == nil {
		return true // no message yet
	}
	last, ok := parseID(*th.LastMessageID)
	if !ok {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(threadURL(gi.ID, th.ID), threadURL(gi.ID, th.ID),
			malformed("threads", "thread %s: last_message_id %q is not a snowflake", th.ID, *th.LastMessageID))))
	}
	if !r.in(timeOf(last)) {
		return true
	}
	if r.slim {
		d := r.c.threadDocument(gi, ch, th, acc, nil, true)
		return r.Yield(tributary.DocumentItem(d))
	}
	msgs, err := r.c.threadMessages(r.ctx, th.ID, r.c.settings.PageSize)
	if err != nil {
		if terminal(err) {
			return r.Fail(err)
		}
		if statusOf(err) == http.StatusNotFound {
			return true // deleted since it was listed
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(threadURL(gi.ID, th.ID), threadURL(gi.ID, th.ID),
			fmt.Errorf("discord: messages of thread %q: %w", th.Name, err))))
	}
	return r.Yield(tributary.DocumentItem(r.c.threadDocument(gi, ch, th, acc, msgs, false)))
}

// threadsOf lists a channel's public threads: the guild's active threads
// (read once per guild) under it, and its archived public threads, paged
// by before= the archive time of the last one listed while has_more says
// so. A thread listed twice (archived during the listing) counts once.
// They come back in id order.
func (c *Connector) threadsOf(ctx context.Context, gi *guildInfo, ch apiChannel) ([]apiChannel, error) {
	if gi.active == nil {
		var act struct {
			Threads []apiChannel `json:"threads"`
		}
		if err := c.client.get(ctx, "/guilds/"+gi.ID+"/threads/active", &act); err != nil {
			return nil, err
		}
		gi.active = map[string][]apiChannel{}
		for _, th := range act.Threads {
			gi.active[th.parent()] = append(gi.active[th.parent()], th)
		}
	}
	seen := map[string]bool{}
	var out []apiChannel
	add := func(th apiChannel) error {
		if !validID(th.ID) {
			return malformed("threads", "channel %s: a thread without a valid id", ch.ID)
		}
		if (th.Type == typePublicThread || th.Type == typeAnnouncementThread) && !seen[th.ID] {
			seen[th.ID] = true
			out = append(out, th)
		}
		return nil
	}
	for _, th := range gi.active[ch.ID] {
		if err := add(th); err != nil {
			return nil, err
		}
	}
	before := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(c.opts.threadPage)}}
		if before != "" {
			q.Set("before", before)
		}
		var page struct {
			Threads []apiChannel `json:"threads"`
			HasMore bool         `json:"has_more"`
		}
		if err := c.client.get(ctx, "/channels/"+ch.ID+"/threads/archived/public?"+q.Encode(), &page); err != nil {
			return nil, err
		}
		for _, th := range page.Threads {
			if err := add(th); err != nil {
				return nil, err
			}
			if th.ThreadMetadata == nil || th.ThreadMetadata.ArchiveTimestamp == "" {
				return nil, malformed("threads", "archived thread %s without archive_timestamp", th.ID)
			}
			before = th.ThreadMetadata.ArchiveTimestamp
		}
		if !page.HasMore {
			break
		}
		if len(page.Threads) == 0 {
			return nil, malformed("threads", "channel %s: an empty page says there are more archived threads", ch.ID)
		}
	}
	slices.SortFunc(out, func(a, b apiChannel) int { return compareIDs(a.ID, b.ID) })
	return out, nil
}

// maxThreadMessages bounds what one thread document holds in memory.
const maxThreadMessages = 20000

// threadMessages reads all of a thread's messages, oldest first.
func (c *Connector) threadMessages(ctx context.Context, thread string, size int) ([]apiMessage, error) {
	var out []apiMessage
	var after uint64
	for {
		page, err := c.client.messagesAfter(ctx, thread, after, size)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(out) > maxThreadMessages {
			return nil, tributary.NewError("discord: thread "+thread, tributary.ErrNotSupported,
				errors.New("more than "+strconv.Itoa(maxThreadMessages)+" messages in one thread"))
		}
		if len(page) < size {
			return out, nil
		}
		after = page[len(page)-1].id
	}
}
