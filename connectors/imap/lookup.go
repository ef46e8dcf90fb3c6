package imap

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	imapv1 "github.com/emersion/go-imap"

	"github.com/tributary-dev/tributary"
)

var (
	_ tributary.Prober        = (*Connector)(nil)
	_ tributary.URLNormalizer = (*Connector)(nil)
	_ tributary.Refetcher     = (*Connector)(nil)
)

// Probe reports indexing from Validate; access sync needs nothing more
// (a mailbox is its owner's, and the owner is configured), so it passes
// or fails with indexing.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	err := c.Validate(ctx)
	return []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, err), tributary.ProbeOf(tributary.CapAccessSync, err)}
}

// ref is what an IMAP URL of the account names: a message (mailbox,
// UIDVALIDITY when given, UID) or, in thread mode, a thread (mailbox,
// root Message-ID).
type ref struct {
	mailbox       string
	validity, uid uint32
	root          string
}

var (
	messagePath = regexp.MustCompile(`(?i)^(.*?)(?:;UIDVALIDITY=(\d{1,10}))?/;UID=(\d{1,10})(?:/;SECTION=.*|/;PARTIAL=.*)?$`)
	threadPath  = regexp.MustCompile(`(?i)^(.*?);THREAD=([^/;]+)$`)
)

// parse reads an IMAP URL of the account (RFC 5092 message URLs and this
// package's thread ids). A URL of another account or server is
// ErrForeignURL, one of a mailbox outside the settings too; one that
// names no message or thread is ErrNotSupported.
func (c *Connector) parse(raw string) (ref, error) {
	if len(raw) < len(c.account) || !strings.EqualFold(raw[:len(c.account)], c.account) {
		return ref{}, tributary.ForeignURL(Source, raw, "not an imap URL of "+strings.TrimSuffix(c.account, "/"))
	}
	rest, _, _ := strings.Cut(raw[len(c.account):], "?")
	rest, _, _ = strings.Cut(rest, "#")
	var r ref
	var mailbox string
	if m := threadPath.FindStringSubmatch(rest); m != nil {
		root, err := url.PathUnescape(m[2])
		if err != nil {
			return ref{}, tributary.UnmappableURL(Source, raw, "malformed thread id")
		}
		mailbox, r.root = m[1], "<"+root+">"
	} else if m := messagePath.FindStringSubmatch(rest); m != nil {
		v, _ := strconv.ParseUint(cmpOr(m[2], "0"), 10, 32)
		u, _ := strconv.ParseUint(m[3], 10, 32)
		if u == 0 {
			return ref{}, tributary.UnmappableURL(Source, raw, "UID 0 names no message")
		}
		mailbox, r.validity, r.uid = m[1], uint32(v), uint32(u)
	} else {
		return ref{}, tributary.UnmappableURL(Source, raw, "names no message")
	}
	name, err := url.PathUnescape(mailbox)
	if err != nil || name == "" {
		return ref{}, tributary.UnmappableURL(Source, raw, "malformed mailbox name")
	}
	r.mailbox = name
	if !c.inScope(name) {
		return ref{}, tributary.ForeignURL(Source, raw, "mailbox outside the configured ones")
	}
	return r, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// inScope reports whether a mailbox is one the settings read.
func (c *Connector) inScope(name string) bool {
	if len(c.s.Mailboxes) > 0 {
		return slices.ContainsFunc(c.s.Mailboxes, func(x string) bool { return sameMailbox(x, name) })
	}
	return c.admitMailbox(name)
}

// NormalizeURL maps an IMAP URL of a message of the account
// (imap://USER@HOST/MAILBOX;UIDVALIDITY=V/;UID=N, with or without the
// UIDVALIDITY, a section or partial part) or a thread id to the id of its
// document. It sends requests only when the URL alone does not say: a URL
// without UIDVALIDITY (the mailbox's is asked), and in thread mode a
// message URL (its thread's root is read from its headers).
func (c *Connector) NormalizeURL(ctx context.Context, raw string) (string, error) {
	r, err := c.parse(raw)
	if err != nil {
		return "", err
	}
	if r.root != "" {
		if !c.s.Threads {
			return "", tributary.UnmappableURL(Source, raw, "a thread id, and the connector makes one document per message")
		}
		return c.threadID(r.mailbox, r.root), nil
	}
	if r.validity != 0 && !c.s.Threads {
		return c.docID(r.mailbox, r.validity, r.uid), nil
	}
	var id string
	err = c.session(ctx, r.mailbox, func(run *run) error {
		validity := cmpNonZero(r.validity, run.sess.validity)
		if validity != run.sess.validity {
			return tributary.NewError("imap: normalize url", tributary.ErrNotFound, fmt.Errorf("mailbox %q has UIDVALIDITY %d now, not %d", r.mailbox, run.sess.validity, r.validity))
		}
		id = c.docID(r.mailbox, validity, r.uid)
		if !c.s.Threads {
			return nil
		}
		m, ok, err := run.metaOf(r.uid)
		if err == nil && !ok {
			err = tributary.NewError("imap: normalize url", tributary.ErrNotFound, fmt.Errorf("no message with UID %d in %q", r.uid, r.mailbox))
		}
		if err == nil && m.root != "" {
			id = c.threadID(r.mailbox, m.root)
		}
		return err
	})
	return id, err
}

func cmpNonZero(a, b uint32) uint32 {
	if a != 0 {
		return a
	}
	return b
}

// session runs f with a run whose session has mailbox examined, and logs
// out after.
func (c *Connector) session(ctx context.Context, mailbox string, f func(*run) error) error {
	r := &run{c: c, ctx: ctx, mailbox: mailbox}
	defer func() {
		if r.sess != nil {
			r.sess.logout()
		}
	}()
	if err := r.with(mailbox, func(*session) error { return nil }); err != nil {
		return err
	}
	r.validity = r.sess.validity
	return f(r)
}

// metaOf fetches the page data of one message of the examined mailbox.
func (r *run) metaOf(uid uint32) (meta, bool, error) {
	set := &imapv1.SeqSet{}
	set.AddNum(uid)
	var out meta
	found := false
	err := r.with(r.mailbox, func(s *session) error {
		found = false
		return s.fetch(r.ctx, set, r.metaItems(), func(m *imapv1.Message) {
			if m.Uid == uid {
				out, found = toMeta(m), true
			}
		})
	})
	return out, found, err
}

// Refetch reads the documents of ids again: a message (by its mailbox,
// UIDVALIDITY and UID) or, in thread mode, a thread. A message or thread
// the mailbox no longer has, or whose mailbox got a new UIDVALIDITY, is a
// deletion; an id not of this account is a Failure with ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := &run{c: c, ctx: ctx, Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
		defer func() {
			if r.sess != nil {
				r.sess.logout()
			}
		}()
		for _, id := range ids {
			if !r.refetch(id) {
				return
			}
		}
	}
}

// refetch answers one id of Refetch.
func (r *run) refetch(id string) bool {
	ref, err := r.c.parse(id)
	if err == nil && ref.root != "" && !r.c.s.Threads {
		err = tributary.NewError("imap: refetch", tributary.ErrNotFound, errors.New("a thread id, and the connector makes one document per message"))
	}
	if err != nil {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, "", err)))
	}
	if ref.mailbox != r.mailbox {
		r.mailbox, r.validity, r.sentMailbox = ref.mailbox, 0, false
		if r.sess != nil {
			r.sess.selected = ""
		}
	}
	err = r.with(r.mailbox, func(*session) error { return nil })
	switch {
	case errors.Is(err, tributary.ErrNotFound):
		return r.Yield(tributary.DeletionItem(id))
	case err != nil && terminal(r.ctx, err):
		return r.Fail(err)
	case err != nil:
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	r.validity = r.sess.validity
	if ref.root != "" {
		members, err := r.thread(ref.root)
		switch {
		case err != nil && terminal(r.ctx, err):
			return r.Fail(err)
		case err != nil:
			return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
		case len(members) == 0:
			return r.Yield(tributary.DeletionItem(id))
		}
		return r.yieldThread(ref.root, members)
	}
	if ref.validity != r.validity {
		return r.Yield(tributary.DeletionItem(id)) // the mailbox was renumbered: the UID names nothing now
	}
	m, ok, err := r.metaOf(ref.uid)
	switch {
	case err != nil && terminal(r.ctx, err):
		return r.Fail(err)
	case err != nil:
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	case !ok:
		return r.Yield(tributary.DeletionItem(id))
	case r.c.s.Threads && m.root != "":
		err := tributary.NewError("imap: refetch", tributary.ErrNotFound, fmt.Errorf("the message is part of thread %s", r.c.threadID(r.mailbox, m.root)))
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	return r.refetchMessage(id, m)
}

// refetchMessage yields the document of one message, or its Failure, or
// its deletion when it was expunged since its UID was fetched.
func (r *run) refetchMessage(id string, m meta) bool {
	if !r.sendNodes() {
		return false
	}
	if int64(m.size) > r.c.s.MaxMessageSize {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("%w: %d bytes, over max_message_size %d", ErrTooLarge, m.size, r.c.s.MaxMessageSize))))
	}
	bodies, err := r.bodies([]meta{m})
	switch body, ok := bodies[m.uid]; {
	case err != nil && terminal(r.ctx, err):
		return r.Fail(err)
	case err != nil:
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	case !ok:
		return r.Yield(tributary.DeletionItem(id))
	default:
		it, err := r.c.message(r.ctx, r.mailbox, id, m, body)
		if err != nil {
			return r.Fail(err)
		}
		return r.Yield(it)
	}
}

// terminal reports whether an error ends a stream rather than failing one
// document: the context is done, or the credentials or configuration no
// longer work for anything.
func terminal(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrInvalidConfig)
}
