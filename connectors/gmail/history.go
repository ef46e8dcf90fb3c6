package gmail

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/tributary-dev/tributary"
)

// historyKey is the Values key of a mailbox's history id.
func historyKey(email string) string { return "history:" + email }

// tracksHistory reports whether the stream reads the history API: a
// stream (not a slim listing) under a host that keeps Values.
func (r *run) tracksHistory() bool { return r.values != nil && !r.slim }

// history ends a mailbox's pass. After a full listing it stores the
// history id taken before it. In a poll window it reads the history since
// the id the last run stored: each thread a message was added to, deleted
// from, or labelled in is read again. A thread gone, or left with every
// message in the spam or the trash, is a deletion; one whose latest
// message is older than the window (it lost its latest message, or its
// labels changed) is yielded again, since no window's listing finds it.
// Threads whose latest message lies in the window were yielded by the
// listing; later ones are the next window's.
func (r *run) history(mb *mailbox, pos position) bool {
	if !r.tracksHistory() {
		return true
	}
	key := historyKey(mb.email)
	if r.start.IsZero() {
		if pos.HistoryStart != "" {
			r.values.Put(key, []byte(pos.HistoryStart))
		}
		return true
	}
	if pos.History == "" {
		stored, err := r.values.Get(r.ctx, []string{key})
		if err != nil {
			return r.Fail(fmt.Errorf("gmail: read the history id: %w", err))
		}
		h := string(stored[key])
		if _, err := strconv.ParseUint(h, 10, 64); err != nil {
			return r.restartHistory(mb, "")
		}
		pos.History = h
	}
	q := url.Values{"startHistoryId": {pos.History}, "maxResults": {strconv.Itoa(r.c.settings.PageSize)},
		"historyTypes": {"messageAdded", "messageDeleted", "labelAdded", "labelRemoved"},
		"fields":       {"nextPageToken,historyId,history(id,messages(id,threadId))"}}
	ctx := r.in(mb, ScopeGmailReadonly)
	for {
		q.Del("pageToken")
		if pos.HistoryPage != "" {
			q.Set("pageToken", pos.HistoryPage)
		}
		var pg historyList
		err := r.c.client.get(ctx, join(r.c.client.gmail, "/me/history", q), &pg)
		if errors.Is(err, tributary.ErrNotFound) {
			return r.restartHistory(mb, "the history id is too old")
		}
		if err != nil {
			return r.passFailed(mb, fmt.Errorf("gmail: history of %s: %w", mb.email, err))
		}
		var ids []string
		for _, h := range pg.History {
			for _, m := range h.Messages {
				if m.ThreadID != "" && !slices.Contains(ids, m.ThreadID) {
					ids = append(ids, m.ThreadID)
				}
			}
		}
		if !r.threads(mb, ids, fromHistory) {
			return false
		}
		if pg.NextPageToken == "" {
			if _, err := strconv.ParseUint(pg.HistoryID, 10, 64); err != nil {
				return r.passFailed(mb, tributary.NewError("gmail: history of "+mb.email, tributary.ErrMalformedResponse,
					errors.New("answer without a historyId")))
			}
			r.values.Put(key, []byte(pg.HistoryID))
			return true
		}
		if pg.NextPageToken == pos.HistoryPage {
			return r.Fail(tributary.NewError("gmail: history of "+mb.email, tributary.ErrMalformedResponse, errors.New("the same page token twice")))
		}
		pos.HistoryPage = pg.NextPageToken
		if !r.Checkpoint(pos) {
			return false
		}
	}
}

// restartHistory stores the mailbox's current history id, for a mailbox
// with no stored id or one Gmail no longer keeps history for: the changes
// in between are missed (a prune finds the deletions), the next poll
// reads from now on.
func (r *run) restartHistory(mb *mailbox, why string) bool {
	if why != "" {
		r.c.env.Log().Warn("gmail: reading history from now on", "mailbox", mb.email, "reason", why)
	}
	p, err := r.c.profile(r.in(mb, ScopeGmailReadonly))
	if err != nil {
		return r.passFailed(mb, fmt.Errorf("gmail: profile of %s: %w", mb.email, err))
	}
	r.values.Put(historyKey(mb.email), []byte(p.HistoryID))
	return true
}
