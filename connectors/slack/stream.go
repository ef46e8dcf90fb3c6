package slack

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "slack"
	checkpointVersion = 1
)

// position is the checkpoint: where in the sorted list of channels, and
// where in that channel's history (newest first), the stream stands. It
// never grows with the source.
type position struct {
	// Channel is the id of the channel in progress; channels whose ids sort
	// before it are done.
	Channel string `json:"channel,omitempty"`
	// Before is a message ts: the channel's top-level messages from this one
	// on (newer) are done, so history resumes with latest=Before.
	Before string `json:"before,omitempty"`
	// Done says Channel itself is finished.
	Done bool `json:"done,omitempty"`
}

// LoadFromCheckpoint yields, channel by channel in id order, the channel's
// node and then one document per thread or unthreaded top-level message
// whose activity (post, last reply or edit of the parent) falls in
// [start, end), with a checkpoint after every history page.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, _, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		c.newRun(start, end, false, yield).run(ctx, pos)
	}
}

// Load yields every document; it is the checkpoint stream over all time.
func (c *Connector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return c.Poll(ctx, time.Time{}, time.Time{})
}

// Poll yields the documents whose activity falls in [start, end): the
// checkpoint stream's documents, with its failures as *tributary.Failure
// errors.
func (c *Connector) Poll(ctx context.Context, start, end time.Time) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for it, err := range c.LoadFromCheckpoint(ctx, start, end, nil) {
			ok := true
			switch {
			case err != nil:
				ok = yield(nil, err)
			case it.Document != nil:
				ok = yield(it.Document, nil)
			case it.Failure != nil:
				ok = yield(nil, it.Failure)
			}
			if !ok {
				return
			}
		}
	}
}

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint would
// yield for the window, from history alone: no replies and no users are
// fetched. ExternalAccess is filled when the Env asks for permissions.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return func(yield func(tributary.SlimDocument, error) bool) {
		c.newRun(start, end, true, func(it tributary.Item, err error) bool {
			switch {
			case err != nil:
				return yield(tributary.SlimDocument{}, err)
			case it.Document != nil:
				return yield(it.Document.Slim(), nil)
			case it.Failure != nil:
				return yield(tributary.SlimDocument{}, it.Failure)
			}
			return true
		}).run(ctx, position{})
	}
}

// run is one pass over the workspace.
type run struct {
	c          *Connector
	start, end time.Time
	slim       bool
	yield      func(tributary.Item, error) bool
	base       string // workspace URL, "https://acme.slack.com"
	users      map[string]userRecord
	// usersListed says users holds the whole users.list.
	usersListed bool
}

func (c *Connector) newRun(start, end time.Time, slim bool, yield func(tributary.Item, error) bool) *run {
	if !start.IsZero() {
		start = start.UTC()
	}
	if !end.IsZero() {
		end = end.UTC()
	}
	return &run{c: c, start: start, end: end, slim: slim, yield: yield, users: map[string]userRecord{}}
}

func (r *run) emit(it tributary.Item) bool { return r.yield(it, nil) }

func (r *run) fail(err error) { r.yield(tributary.Item{}, err) }

func (r *run) checkpoint(p position) bool {
	cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, p)
	if err != nil {
		r.fail(err)
		return false
	}
	return r.emit(tributary.CheckpointItem(cp))
}

func (r *run) run(ctx context.Context, pos position) {
	base, err := r.c.workspace(ctx)
	if err != nil {
		r.fail(err)
		return
	}
	r.base = base
	chans, missing, err := r.c.channels(ctx)
	if err != nil {
		r.fail(err)
		return
	}
	for _, name := range missing {
		f := &tributary.Failure{EntityID: name, MissedStart: r.start, MissedEnd: r.end,
			Message: "configured channel not found or not visible to the app",
			Err:     tributary.NewError("slack: find channel", tributary.ErrNotFound, fmt.Errorf("no channel %s", name))}
		if !r.emit(tributary.FailureItem(f)) {
			return
		}
	}
	for _, ch := range chans {
		if pos.Channel != "" && (ch.ID < pos.Channel || (ch.ID == pos.Channel && pos.Done)) {
			continue
		}
		before := ""
		if ch.ID == pos.Channel {
			before = pos.Before
		}
		if !r.channel(ctx, ch, before) {
			return
		}
	}
}

// channel streams one channel from before (exclusive; "" for the newest).
func (r *run) channel(ctx context.Context, ch conversation, before string) bool {
	access, err := r.access(ctx, ch)
	if err != nil {
		return r.channelFailure(ch, err)
	}
	q := r.historyQuery(ch, before)
	for nodeSent := false; ; nodeSent = true {
		var page history
		if err := r.c.api.call(ctx, "conversations.history", q, &page); err != nil {
			return r.channelFailure(ch, err)
		}
		if err := checkOrder(page.Messages, before); err != nil {
			r.fail(tributary.NewError("slack: read history of #"+ch.Name, nil, err))
			return false
		}
		// The node comes once the channel proved readable, so that a
		// channel the app may not read leaves a failure and no empty node.
		if !nodeSent && !r.emit(tributary.NodeItem(r.node(ch, access))) {
			return false
		}
		for _, m := range page.Messages {
			if !r.message(ctx, ch, m, access) {
				return false
			}
		}
		if n := len(page.Messages); n > 0 {
			before = page.Messages[n-1].TS
		}
		if !page.HasMore && page.Metadata.NextCursor == "" {
			return r.checkpoint(position{Channel: ch.ID, Done: true})
		}
		if q, err = r.nextPage(ch, q, page, before); err != nil {
			r.fail(err)
			return false
		}
		if !r.checkpoint(position{Channel: ch.ID, Before: before}) {
			return false
		}
	}
}

// nextPage returns the query for the history page after page: its cursor,
// or, when Slack gives none, the messages below before, the oldest seen.
// It refuses a cursor given twice and a page that cannot advance.
func (r *run) nextPage(ch conversation, q url.Values, page history, before string) (url.Values, error) {
	op := "slack: read history of #" + ch.Name
	switch next := page.Metadata.NextCursor; {
	case next != "" && next == q.Get("cursor"):
		return nil, tributary.NewError(op, tributary.ErrMalformedResponse,
			errors.New("conversations.history returned the same cursor twice"))
	case next == "" && len(page.Messages) == 0:
		return nil, tributary.NewError(op, tributary.ErrMalformedResponse,
			errors.New("conversations.history says it has more but returned no messages and no cursor"))
	case next == "":
		return r.historyQuery(ch, before), nil
	default:
		q.Set("cursor", next)
		return q, nil
	}
}

// historyQuery asks for the top-level messages older than before (when
// set) and the window's end, and, when ThreadLookback is set, no older than
// that long before the window's start. Without ThreadLookback a poll reads
// the whole history: a thread's last reply can be newer than its parent by
// any amount, and history is sorted by the parent's ts.
func (r *run) historyQuery(ch conversation, before string) url.Values {
	q := url.Values{"channel": {ch.ID}, "limit": {strconv.Itoa(r.c.settings.PageSize)}}
	latest := before
	if !r.end.IsZero() {
		// latest is exclusive and has microseconds: round a finer end up
		// so that a message just before it is not cut off.
		end := r.end.Truncate(time.Microsecond)
		if end.Before(r.end) {
			end = end.Add(time.Microsecond)
		}
		if e := formatTS(end); latest == "" || tsMicros(e) < tsMicros(latest) {
			latest = e
		}
	}
	if latest != "" {
		q.Set("latest", latest)
	}
	if lb := r.c.settings.ThreadLookback.D(); lb > 0 && !r.start.IsZero() {
		q.Set("oldest", formatTS(r.start.Add(-lb)))
	}
	return q
}

// checkOrder refuses a history page that is not strictly newest first and
// below before: resuming from the oldest ts seen relies on that order.
func checkOrder(msgs []message, before string) error {
	prev := int64(-1)
	if before != "" {
		prev = tsMicros(before)
	}
	for _, m := range msgs {
		t, ok := parseTS(m.TS)
		if !ok {
			continue
		}
		if prev >= 0 && t >= prev {
			return fmt.Errorf("conversations.history is not newest first at ts %s", m.TS)
		}
		prev = t
	}
	return nil
}

// channelFailure reports a channel the app may not read (or that vanished)
// as a failure and moves on; any other error ends the stream.
func (r *run) channelFailure(ch conversation, err error) bool {
	if !errors.Is(err, tributary.ErrInsufficientPermissions) && !errors.Is(err, tributary.ErrNotFound) {
		r.fail(err)
		return false
	}
	link := r.channelLink(ch.ID)
	f := &tributary.Failure{EntityID: link, Link: link, MissedStart: r.start, MissedEnd: r.end,
		Message: "cannot read #" + ch.Name, Err: err}
	if !r.emit(tributary.FailureItem(f)) {
		return false
	}
	return r.checkpoint(position{Channel: ch.ID, Done: true})
}

// message yields the document of one top-level message when it is
// admitted and in the window.
func (r *run) message(ctx context.Context, ch conversation, m message, access *tributary.ExternalAccess) bool {
	if !r.c.admit(m, true) {
		return true
	}
	if _, ok := parseTS(m.TS); !ok {
		f := &tributary.Failure{EntityID: r.channelLink(ch.ID) + "/" + m.TS, Link: r.channelLink(ch.ID),
			Message: "message with an unreadable ts", Err: fmt.Errorf("invalid ts %q", m.TS)}
		return r.emit(tributary.FailureItem(f))
	}
	if !r.inWindow(activity(m)) {
		return true
	}
	if err := ctx.Err(); err != nil {
		r.fail(err)
		return false
	}
	id := permalink(r.base, ch.ID, m.TS, "")
	if r.slim {
		return r.emit(tributary.DocumentItem(&tributary.Document{ID: id, Source: Source,
			ParentID: r.channelLink(ch.ID), ExternalAccess: cloneAccess(access)}))
	}
	doc, err := r.document(ctx, ch, m, access)
	if err == nil {
		return r.emit(tributary.DocumentItem(doc))
	}
	if terminal(err) {
		r.fail(err)
		return false
	}
	return r.emit(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
}

// terminal reports whether err should end the stream (the run resumes from
// the last checkpoint later) rather than fail one document.
func terminal(err error) bool {
	for _, k := range []error{context.Canceled, context.DeadlineExceeded, tributary.ErrCredentialExpired,
		tributary.ErrTransient, tributary.ErrRateLimited, tributary.ErrInvalidConfig} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

func (r *run) channelLink(id string) string { return r.base + "/archives/" + id }

func (r *run) node(ch conversation, access *tributary.ExternalAccess) *tributary.HierarchyNode {
	link := r.channelLink(ch.ID)
	return &tributary.HierarchyNode{ID: link, Name: "#" + ch.Name, Link: link, Kind: tributary.NodeChannel,
		ExternalAccess: cloneAccess(access)}
}

// workspace returns the workspace URL from the settings or auth.test.
func (c *Connector) workspace(ctx context.Context) (string, error) {
	if c.settings.WorkspaceURL != "" {
		return workspaceBase(c.settings.WorkspaceURL)
	}
	var who authTest
	if err := c.api.call(ctx, "auth.test", nil, &who); err != nil {
		return "", fmt.Errorf("slack: find workspace: %w", err)
	}
	base, err := workspaceBase(who.URL)
	if err != nil {
		return "", tributary.NewError("slack: find workspace", tributary.ErrInvalidConfig,
			fmt.Errorf("auth.test gave no workspace url; set workspace_url"))
	}
	return base, nil
}

// channels lists the channels to read, sorted by id, and the configured
// channels that were not found. Channels configured by id only are looked
// up one by one; names need the workspace's channel list.
func (c *Connector) channels(ctx context.Context) ([]conversation, []string, error) {
	if len(c.settings.Channels) > 0 && !slices.ContainsFunc(c.settings.Channels, func(ch string) bool {
		return !isChannelID(normalizeChannel(ch))
	}) {
		return c.channelsByID(ctx)
	}
	types := "public_channel"
	if c.settings.IncludePrivate {
		types += ",private_channel"
	}
	// Archived channels are listed too, so that those left out are named
	// in the run's skips rather than missing without a word.
	q := url.Values{"types": {types}, "limit": {"200"}, "exclude_archived": {"false"}}
	want := map[string]bool{}
	for _, ch := range c.settings.Channels {
		want[normalizeChannel(ch)] = false
	}
	var out []conversation
	for pages := 0; ; pages++ {
		var page conversationsList
		if err := c.api.call(ctx, "conversations.list", q, &page); err != nil {
			return nil, nil, fmt.Errorf("slack: list channels: %w", err)
		}
		for _, ch := range page.Channels {
			switch read, why := c.pick(ch, want); {
			case read:
				out = append(out, ch)
			case why != "":
				c.skipChannel(ctx, ch, why)
			}
		}
		next := page.Metadata.NextCursor
		if next == "" {
			break
		}
		if next == q.Get("cursor") {
			return nil, nil, tributary.NewError("slack: list channels", tributary.ErrMalformedResponse,
				errors.New("conversations.list returned the same cursor twice"))
		}
		q.Set("cursor", next)
	}
	slices.SortFunc(out, func(a, b conversation) int { return strings.Compare(a.ID, b.ID) })
	out = slices.CompactFunc(out, func(a, b conversation) bool { return a.ID == b.ID })
	var missing []string
	for _, ch := range c.settings.Channels {
		if !want[normalizeChannel(ch)] {
			missing = append(missing, ch)
		}
	}
	return out, missing, nil
}

// channelsByID looks each configured channel up with conversations.info.
func (c *Connector) channelsByID(ctx context.Context) ([]conversation, []string, error) {
	var out []conversation
	var missing []string
	for _, raw := range c.settings.Channels {
		var info conversationInfo
		err := c.api.call(ctx, "conversations.info", url.Values{"channel": {normalizeChannel(raw)}}, &info)
		switch {
		case errors.Is(err, tributary.ErrNotFound):
			missing = append(missing, raw)
		case err != nil:
			return nil, nil, fmt.Errorf("slack: look up channel %s: %w", raw, err)
		case info.Channel.IsPrivate && !c.settings.IncludePrivate:
			missing = append(missing, raw)
		default:
			out = append(out, info.Channel)
		}
	}
	slices.SortFunc(out, func(a, b conversation) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b conversation) bool { return a.ID == b.ID }), missing, nil
}

// pick reports whether to read ch: a configured channel (marking it found),
// archived or not, or, when none are configured, any channel the app is a
// member of that is not archived (unless IncludeArchived). When it is not
// read because of what the channel is, why says so; a channel that is
// simply not among the configured ones has no reason.
func (c *Connector) pick(ch conversation, want map[string]bool) (read bool, why string) {
	if len(want) > 0 {
		for _, key := range []string{ch.ID, ch.Name} {
			if _, ok := want[key]; ok {
				want[key] = true
				return true, ""
			}
		}
		return false, ""
	}
	switch {
	case ch.IsArchived && !c.settings.IncludeArchived:
		return false, "archived (set include_archived to read archived channels)"
	case !ch.IsMember:
		return false, "the app is not a member (invite it with /invite @app in the channel)"
	}
	return true, ""
}

// skipChannel tells the run, and the log at info level, that ch is left
// out and why.
func (c *Connector) skipChannel(ctx context.Context, ch conversation, why string) {
	c.env.Log().InfoContext(ctx, "slack: channel skipped", "channel", "#"+ch.Name, "id", ch.ID, "reason", why)
	tributary.ReportSkip(ctx, "#"+ch.Name, why)
}

func normalizeChannel(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 0 && s[0] == '#' {
		s = s[1:]
	}
	return s
}
