package imap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	imapv1 "github.com/emersion/go-imap"

	"github.com/tributary-dev/tributary"
)

// maxAttempts bounds the tries of one command across reconnections.
const maxAttempts = 6

// Bounds of one FETCH of whole messages.
const (
	bodyBatch      = 32
	bodyBatchBytes = 8 << 20
)

// errValidityChanged ends a run whose mailbox got a new UIDVALIDITY while
// it was read: the UIDs of its checkpoint mean nothing now, so the next
// run reads the mailbox again from its start.
var errValidityChanged = errors.New("mailbox UIDVALIDITY changed during the run")

// run is one pass over the account.
type run struct {
	*tributary.Yielder
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	sess       *session
	// mailbox and validity are the mailbox being read and the UIDVALIDITY
	// its UIDs belong to (0 before it is examined).
	mailbox  string
	validity uint32
	// sent records the nodes sent: the account's, and the mailbox's.
	sentAccount, sentMailbox bool
	items                    int
}

// meta is what a page's FETCH tells of a message before it is read.
type meta struct {
	uid  uint32
	date time.Time
	size uint32
	// root is the Message-ID of the first message of its thread (in
	// thread mode only; "" when it has no ids).
	root string
}

// metaItems are what a page's FETCH asks for.
func (r *run) metaItems() []imapv1.FetchItem {
	items := []imapv1.FetchItem{imapv1.FetchUid, imapv1.FetchInternalDate, imapv1.FetchRFC822Size}
	if r.c.s.Threads {
		items = append(items, threadFields.FetchItem())
	}
	return items
}

func toMeta(m *imapv1.Message) meta {
	x := meta{uid: m.Uid, date: m.InternalDate.UTC(), size: m.Size}
	if len(m.Body) > 0 {
		_, x.root = threadHeader(m)
	}
	return x
}

// all reads every mailbox from pos on.
func (r *run) all(pos position) {
	defer func() {
		if r.sess != nil {
			r.sess.logout()
		}
	}()
	names, err := r.mailboxes()
	if err != nil {
		r.Fail(err)
		return
	}
	for _, name := range names {
		if pos.Mailbox != "" && name < pos.Mailbox {
			continue
		}
		var validity, after uint32
		if name == pos.Mailbox {
			validity, after = pos.Validity, pos.After
		}
		if !r.readMailbox(name, validity, after) {
			return
		}
	}
}

// mailboxes returns the names to read in byte order: the configured ones,
// or every selectable mailbox LIST shows but those excluded.
func (r *run) mailboxes() ([]string, error) {
	var names []string
	if len(r.c.s.Mailboxes) > 0 {
		names = slices.Clone(r.c.s.Mailboxes)
	} else {
		err := r.with("", func(s *session) error {
			var err error
			names, err = s.list(r.ctx)
			return err
		})
		if err != nil {
			return nil, err
		}
		names = slices.DeleteFunc(names, func(n string) bool { return !r.c.admitMailbox(n) })
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// with runs f on a logged-in session with mailbox selected ("" for none),
// connecting, selecting and retrying what is transient with backoff: a
// dropped connection, NO [UNAVAILABLE] and the like.
func (r *run) with(mailbox string, f func(*session) error) error {
	for attempt := 0; ; attempt++ {
		err := r.attempt(mailbox, f)
		if err == nil || !errors.Is(err, tributary.ErrTransient) || errors.Is(err, errValidityChanged) ||
			attempt+1 >= maxAttempts || r.ctx.Err() != nil {
			return err
		}
		if r.sess != nil {
			r.sess.close()
			r.sess = nil
		}
		wait := min(time.Second<<attempt, 30*time.Second)
		r.c.env.Log().DebugContext(r.ctx, "imap: retrying", "mailbox", mailbox, "attempt", attempt+1, "wait", wait, "error", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-r.ctx.Done():
			t.Stop()
			return r.ctx.Err()
		}
	}
}

func (r *run) attempt(mailbox string, f func(*session) error) error {
	if r.sess == nil {
		s, err := r.c.connect(r.ctx)
		if err != nil {
			return err
		}
		r.sess = s
	}
	if mailbox != "" && r.sess.selected != mailbox {
		if err := r.sess.examine(r.ctx, mailbox); err != nil {
			return err
		}
		if r.validity != 0 && r.sess.validity != r.validity {
			return tributary.NewError(fmt.Sprintf("imap: read %q", mailbox), tributary.ErrTransient, errValidityChanged)
		}
	}
	return f(r.sess)
}

// readMailbox reads the messages of one mailbox with UIDs after after,
// from its start when its UIDVALIDITY is no longer validity.
func (r *run) readMailbox(name string, validity, after uint32) bool {
	r.mailbox, r.validity, r.sentMailbox = name, 0, false
	err := r.with(name, func(*session) error { return nil })
	if errors.Is(err, tributary.ErrNotFound) && len(r.c.s.Mailboxes) == 0 {
		tributary.ReportSkip(r.ctx, r.c.mailboxID(name), "mailbox deleted since it was listed")
		return true
	}
	if err != nil {
		return r.Fail(err)
	}
	r.validity = r.sess.validity
	if validity != 0 && validity != r.validity {
		r.c.env.Log().InfoContext(r.ctx, "imap: mailbox renumbered, reading it again", "mailbox", name, "uidvalidity", r.validity)
		after = 0
	}
	top, err := r.top()
	if err != nil {
		return r.Fail(err)
	}
	span := uint64(r.c.s.PageSize)
	for lo := uint64(after) + 1; lo < top; {
		hi := min(lo+span-1, top-1)
		metas, seen, err := r.page(uint32(lo), uint32(hi))
		if err != nil {
			return r.Fail(err)
		}
		if !r.messages(metas) {
			return false
		}
		if r.items > 0 && !r.checkpoint(uint32(hi)) {
			return false
		}
		// Widen the span over sparse UIDs, narrow it over dense ones.
		switch {
		case seen < r.c.s.PageSize/4 && span < 1<<24:
			span *= 2
		case seen > r.c.s.PageSize && span > uint64(r.c.s.PageSize):
			span /= 2
		}
		lo = hi + 1
	}
	return r.checkpoint(uint32(top - 1))
}

// top returns UIDNEXT: every message there was when the mailbox was
// examined has a UID below it. A server that sent none is asked for the
// last message's UID.
func (r *run) top() (uint64, error) {
	if r.sess.uidNext > 0 || r.sess.exists == 0 {
		return max(uint64(r.sess.uidNext), 1), nil
	}
	var last uint32
	err := r.with(r.mailbox, func(s *session) error {
		set := &imapv1.SeqSet{}
		set.AddNum(s.exists)
		return s.fetchSeq(r.ctx, set, func(m *imapv1.Message) { last = max(last, m.Uid) })
	})
	return uint64(last) + 1, err
}

func (r *run) checkpoint(after uint32) bool {
	r.items = 0
	if r.slim {
		return true
	}
	return r.Checkpoint(position{Mailbox: r.mailbox, Validity: r.validity, After: after})
}

// page returns, in UID order, the messages with UIDs in [lo, hi] whose
// INTERNALDATE is in the window, and how many UIDs the server named. A
// poll first asks UID SEARCH for the window's days: SEARCH SINCE and
// BEFORE compare dates without times, in the server's zone, so the days
// are widened by one each side and the times filtered exactly here.
func (r *run) page(lo, hi uint32) ([]meta, int, error) {
	set := &imapv1.SeqSet{}
	set.AddRange(lo, hi)
	seen := -1
	if !r.start.IsZero() || !r.end.IsZero() {
		crit := &imapv1.SearchCriteria{Uid: set}
		if !r.start.IsZero() {
			crit.Since = day(r.start).AddDate(0, 0, -1)
		}
		if !r.end.IsZero() {
			crit.Before = day(r.end).AddDate(0, 0, 2)
		}
		var uids []uint32
		err := r.with(r.mailbox, func(s *session) error {
			var err error
			uids, err = s.search(r.ctx, crit)
			return err
		})
		if err != nil || len(uids) == 0 {
			return nil, 0, err
		}
		seen = len(uids)
		set = &imapv1.SeqSet{}
		set.AddNum(uids...)
	}
	var metas []meta
	err := r.with(r.mailbox, func(s *session) error {
		metas = metas[:0]
		return s.fetch(r.ctx, set, r.metaItems(), func(m *imapv1.Message) {
			if m.Uid >= lo && m.Uid <= hi {
				metas = append(metas, toMeta(m))
			}
		})
	})
	if err != nil {
		return nil, 0, err
	}
	if seen < 0 {
		seen = len(metas)
	}
	slices.SortFunc(metas, func(a, b meta) int { return int(a.uid) - int(b.uid) })
	metas = slices.CompactFunc(metas, func(a, b meta) bool { return a.uid == b.uid })
	metas = slices.DeleteFunc(metas, func(m meta) bool {
		return !r.start.IsZero() && m.date.Before(r.start) || !r.end.IsZero() && !m.date.Before(r.end)
	})
	return metas, seen, nil
}

func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// messages yields the documents (or Failures) of a page's messages, read
// in batches of whole messages, with checkpoints every checkpointItems.
func (r *run) messages(metas []meta) bool {
	if r.c.s.Threads {
		return r.threads(metas)
	}
	for len(metas) > 0 {
		n, bytes := 0, int64(0)
		for n < len(metas) && n < bodyBatch && (n == 0 || bytes+int64(metas[n].size) <= bodyBatchBytes) {
			bytes += int64(metas[n].size)
			n++
		}
		batch := metas[:n]
		metas = metas[n:]
		if !r.batch(batch) {
			return false
		}
		if r.items >= checkpointItems && !r.checkpoint(batch[len(batch)-1].uid) {
			return false
		}
	}
	return true
}

// batch reads and yields one batch of messages.
func (r *run) batch(metas []meta) bool {
	if !r.sendNodes() {
		return false
	}
	if r.slim {
		for _, m := range metas {
			if !r.yield(tributary.DocumentItem(&tributary.Document{ID: r.c.docID(r.mailbox, r.validity, m.uid), Source: Source,
				ParentID: r.c.mailboxID(r.mailbox), ExternalAccess: r.c.accessCopy()})) {
				return false
			}
		}
		return true
	}
	bodies, err := r.bodies(metas)
	if err != nil {
		return r.Fail(err)
	}
	for _, m := range metas {
		id := r.c.docID(r.mailbox, r.validity, m.uid)
		var it tributary.Item
		switch body, ok := bodies[m.uid]; {
		case int64(m.size) > r.c.s.MaxMessageSize:
			it = tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("%w: %d bytes, over max_message_size %d", ErrTooLarge, m.size, r.c.s.MaxMessageSize)))
		case !ok:
			// Expunged since the page was listed; the next listing leaves it out.
			tributary.ReportSkip(r.ctx, id, "expunged while read")
			continue
		default:
			var err error
			if it, err = r.c.message(r.ctx, r.mailbox, id, m, body); err != nil {
				return r.Fail(err)
			}
		}
		if !r.yield(it) {
			return false
		}
	}
	return true
}

// bodies fetches the whole messages of metas that are within
// max_message_size, by UID; one expunged meanwhile is missing.
func (r *run) bodies(metas []meta) (map[uint32][]byte, error) {
	set := &imapv1.SeqSet{}
	for _, m := range metas {
		if int64(m.size) <= r.c.s.MaxMessageSize {
			set.AddNum(m.uid)
		}
	}
	bodies := map[uint32][]byte{}
	if set.Empty() {
		return bodies, nil
	}
	section := &imapv1.BodySectionName{Peek: true}
	err := r.with(r.mailbox, func(s *session) error {
		clear(bodies)
		return s.fetch(r.ctx, set, []imapv1.FetchItem{imapv1.FetchUid, section.FetchItem()}, func(m *imapv1.Message) {
			if l := m.GetBody(section); l != nil {
				if b, err := io.ReadAll(io.LimitReader(l, r.c.s.MaxMessageSize+1)); err == nil {
					bodies[m.Uid] = b
				}
			}
		})
	})
	return bodies, err
}

// sendNodes sends the account's node, then the mailbox's, before the
// mailbox's first document.
func (r *run) sendNodes() bool {
	if !r.sentAccount {
		n := &tributary.HierarchyNode{ID: r.c.account, Name: r.c.cred.Username + "@" + r.c.s.Host, Link: r.c.account,
			Kind: tributary.NodeSpace, ExternalAccess: r.c.accessCopy()}
		if !r.yield(tributary.NodeItem(n)) {
			return false
		}
		r.sentAccount = true
	}
	if !r.sentMailbox {
		id := r.c.mailboxID(r.mailbox)
		n := &tributary.HierarchyNode{ID: id, ParentID: r.c.account, Name: r.mailbox, Link: id,
			Kind: tributary.NodeFolder, ExternalAccess: r.c.accessCopy()}
		if !r.yield(tributary.NodeItem(n)) {
			return false
		}
		r.sentMailbox = true
	}
	return true
}

func (r *run) yield(it tributary.Item) bool {
	r.items++
	return r.Yield(it)
}

func (c *Connector) accessCopy() *tributary.ExternalAccess {
	return &tributary.ExternalAccess{UserEmails: slices.Clone(c.access.UserEmails)}
}
