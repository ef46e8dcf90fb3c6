package slack

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch fetches threads and unthreaded messages again by id, the way a
// load reads them: the parent from conversations.history (latest and
// oldest at its ts, inclusive), then, for a thread, its replies with
// conversations.replies, into the document a load gives it, after its
// channel's node. Each channel asked about is looked up once per call
// with conversations.info (and its members read once, when the host asks
// for permissions).
//
// An id is one of the connector's when it is a message permalink of the
// workspace in the form the connector gives ids (no thread_ts, no
// fragment) in a channel the settings read; any other id is a Failure
// matching tributary.ErrForeignURL. A channel the settings name no id of
// is known by name only after conversations.info, so an id in it is
// refused after that one call. A channel that no longer exists
// (channel_not_found), an archived channel the settings no longer read, a
// message history no longer has, and one a load leaves out (a bot message
// without include_bots, a channel event) is a deletion. A channel the app
// may not read (not_in_channel, missing_scope) and a failing read are a
// Failure under the id. Rejected credentials, an exhausted rate limit and
// the end of ctx end the stream.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		rf := &refetcher{run: c.newRun(time.Time{}, time.Time{}, false, yield), chans: map[string]*refetchChannel{}}
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				rf.fail(fmt.Errorf("slack: refetch: %w", err))
				return
			}
			if !rf.one(ctx, id) {
				return
			}
		}
	}
}

// refetcher is one Refetch call: the workspace and the channels it has
// looked up, each once.
type refetcher struct {
	*run
	chans map[string]*refetchChannel
}

// refetchChannel is a channel as one Refetch call found it.
type refetchChannel struct {
	ch     conversation
	err    error // conversations.info or reading its members failed
	access *tributary.ExternalAccess
	sent   bool // its node was yielded
}

// one answers id, reporting whether the stream goes on.
func (rf *refetcher) one(ctx context.Context, id string) bool {
	failure := func(err error) bool {
		return rf.emit(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	channel, ts, host, err := parseID(id)
	switch {
	case err != nil:
		return rf.emit(tributary.FailureItem(tributary.DocumentFailure(id, "", err)))
	case !rf.c.readsChannel(channel):
		return failure(foreignID(id, "channel "+channel+" is not one these settings read"))
	}
	if rf.base == "" {
		if rf.base, err = rf.c.workspace(ctx); err != nil {
			rf.fail(fmt.Errorf("slack: refetch: %w", err))
			return false
		}
	}
	if !strings.EqualFold(host, rf.base) || permalink(rf.base, channel, ts, "") != id {
		return failure(foreignID(id, "not a message permalink of "+rf.base+" in the form of the connector's ids"))
	}
	rc, ok := rf.channel(ctx, channel)
	switch {
	case !ok:
		return false
	case errors.Is(rc.err, tributary.ErrNotFound):
		return rf.emit(tributary.DeletionItem(id))
	case rc.err != nil:
		return failure(rc.err)
	case !rf.c.readsIn(rc.ch):
		return failure(foreignID(id, "#"+rc.ch.Name+" is not a channel these settings read"))
	case len(rf.c.settings.Channels) == 0 && rc.ch.IsArchived && !rf.c.settings.IncludeArchived:
		return rf.emit(tributary.DeletionItem(id))
	}
	m, found, err := rf.parent(ctx, rc.ch, ts)
	switch {
	case err != nil && refetchTerminal(err):
		rf.fail(fmt.Errorf("slack: refetch %s: %w", id, err))
		return false
	case errors.Is(err, tributary.ErrNotFound), err == nil && (!found || !rf.c.admit(m, true)):
		return rf.emit(tributary.DeletionItem(id))
	case err != nil:
		return failure(err)
	}
	if !rc.sent {
		rc.sent = true
		if !rf.emit(tributary.NodeItem(rf.node(rc.ch, rc.access))) {
			return false
		}
	}
	doc, err := rf.document(ctx, rc.ch, m, rc.access)
	switch {
	case err != nil && refetchTerminal(err):
		rf.fail(fmt.Errorf("slack: refetch %s: %w", id, err))
		return false
	case err != nil:
		return failure(err)
	}
	return rf.emit(tributary.DocumentItem(doc))
}

// channel returns the channel of the id, looking it up and reading who
// may see it on first use. It reports false when the stream ended.
func (rf *refetcher) channel(ctx context.Context, id string) (*refetchChannel, bool) {
	if rc, ok := rf.chans[id]; ok {
		return rc, true
	}
	rc := &refetchChannel{}
	var info conversationInfo
	rc.err = rf.c.api.call(ctx, "conversations.info", url.Values{"channel": {id}}, &info)
	if rc.err == nil {
		rc.ch = info.Channel
		if rc.ch.ID != id {
			rc.err = tributary.NewError("slack: refetch", tributary.ErrTransient,
				fmt.Errorf("conversations.info for %s answered channel %q", id, rc.ch.ID))
		} else if rf.c.readsIn(rc.ch) {
			rc.access, rc.err = rf.access(ctx, rc.ch)
		}
	}
	if rc.err != nil && refetchTerminal(rc.err) {
		rf.fail(fmt.Errorf("slack: refetch: look up channel %s: %w", id, rc.err))
		return nil, false
	}
	if rc.err != nil && !errors.Is(rc.err, tributary.ErrNotFound) {
		rc.err = fmt.Errorf("slack: refetch: look up channel %s: %w", id, rc.err)
	}
	rf.chans[id] = rc
	return rc, true
}

// readsIn reports whether the settings read the channel, archived or
// not: a configured one, or any the app may see when none are
// configured; private ones only with include_private.
func (c *Connector) readsIn(ch conversation) bool {
	if len(c.settings.Channels) == 0 {
		return !ch.IsPrivate || c.settings.IncludePrivate
	}
	return c.reads(ch)
}

// parent reads the top-level message at ts from history, as a load meets
// it there: with its reply count, latest reply and edit.
func (rf *refetcher) parent(ctx context.Context, ch conversation, ts string) (message, bool, error) {
	q := url.Values{"channel": {ch.ID}, "latest": {ts}, "oldest": {ts}, "inclusive": {"true"}, "limit": {"1"}}
	var page history
	if err := rf.c.api.call(ctx, "conversations.history", q, &page); err != nil {
		return message{}, false, fmt.Errorf("slack: read message %s in #%s: %w", ts, ch.Name, err)
	}
	for _, m := range page.Messages {
		if v, ok := parseTS(m.TS); ok && v == tsMicros(ts) {
			return m, true, nil
		}
	}
	return message{}, false, nil
}

// refetchTerminal reports the errors that end a Refetch call: those that
// would fail every further id too. Unlike a load, which ends on a
// transient error to resume from its checkpoint, Refetch reports one as a
// failure of the id and goes on.
func refetchTerminal(err error) bool {
	for _, k := range []error{context.Canceled, context.DeadlineExceeded, tributary.ErrCredentialExpired,
		tributary.ErrRateLimited, tributary.ErrInvalidConfig} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// parseID reads a document id: https://WORKSPACE/archives/CHANNEL/pTS,
// as NormalizeURL reads a permalink but without a query or fragment. It
// returns the channel, the ts and the scheme and host.
func parseID(id string) (channel, ts, host string, err error) {
	u, perr := url.Parse(id)
	if perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", "", "", foreignID(id, "not the address of a Slack message")
	}
	parts := strings.Split(u.Path, "/")
	if len(parts) != 4 || parts[0] != "" || parts[1] != "archives" || !isChannelID(parts[2]) || !strings.HasPrefix(parts[3], "p") {
		return "", "", "", foreignID(id, "not a message permalink (/archives/CHANNEL/pTS)")
	}
	ts, ok := permalinkTS(parts[3][1:])
	if !ok {
		return "", "", "", foreignID(id, "the permalink names no message time")
	}
	return parts[2], ts, u.Scheme + "://" + u.Host, nil
}

// foreignID returns the ErrForeignURL error of an id that is not one of
// the connector's.
func foreignID(id, why string) error {
	return tributary.NewError("slack: refetch", tributary.ErrForeignURL, fmt.Errorf("%s: %s", redactID(id), why))
}

// redactID names an id in an error without what a URL may carry besides
// its address (user information, a query, a fragment).
func redactID(id string) string {
	u, err := url.Parse(id)
	if err != nil {
		return "(malformed id)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return fmt.Sprintf("%q", u.String())
}
