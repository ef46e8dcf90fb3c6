package imap

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"slices"
	"strings"

	imapv1 "github.com/emersion/go-imap"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// maxThread bounds the messages of one thread that are read: the newest
// ones are kept.
const maxThread = 500

// threadFields is the header section a page's FETCH asks for in thread
// mode.
var threadFields = &imapv1.BodySectionName{Peek: true, BodyPartName: imapv1.BodyPartName{
	Specifier: imapv1.HeaderSpecifier, Fields: []string{"MESSAGE-ID", "REFERENCES", "IN-REPLY-TO"}}}

var msgIDs = regexp.MustCompile(`<[^<>\s]+>`)

// threadHeader reads a message's Message-ID and the root of its thread:
// the first message References names, else the one In-Reply-To names,
// else the message itself. A message without ids has no root.
func threadHeader(m *imapv1.Message) (id, root string) {
	var raw []byte
	for s, l := range m.Body {
		if s.Specifier == imapv1.HeaderSpecifier && l != nil {
			raw, _ = io.ReadAll(io.LimitReader(l, 64<<10))
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(append(raw, "\r\n\r\n"...)))
	if err != nil {
		return "", ""
	}
	first := func(field string) string {
		if ids := msgIDs.FindAllString(msg.Header.Get(field), 1); len(ids) > 0 {
			return ids[0]
		}
		return ""
	}
	id = first("Message-Id")
	root = cmp.Or(first("References"), first("In-Reply-To"), id)
	return id, root
}

// threadID is the id of a thread's document: its mailbox's URL with the
// root message's Message-ID (without its angle brackets). IMAP URLs name
// no threads; the form follows RFC 5092's parameters.
func (c *Connector) threadID(mailbox, root string) string {
	return c.mailboxID(mailbox) + ";THREAD=" + escape(strings.Trim(root, "<>"), false)
}

// latest orders a thread's messages by INTERNALDATE, then UID.
func latest(a, b meta) int {
	return cmp.Or(a.date.Compare(b.date), cmp.Compare(a.uid, b.uid))
}

// threads yields a page's messages as thread documents. A thread is
// yielded where its latest message is read, so once per run and in the
// window of its latest message, which is its update time; its members
// are found with UID SEARCH on the root's Message-ID in Message-ID,
// References and In-Reply-To, then filtered by their root exactly.
func (r *run) threads(metas []meta) bool {
	found := map[string][]meta{}
	for _, m := range metas {
		if m.root == "" {
			if !r.batch([]meta{m}) {
				return false
			}
			continue
		}
		members, ok := found[m.root]
		if !ok {
			var err error
			if members, err = r.thread(m.root); err != nil {
				return r.Fail(err)
			}
			if !slices.ContainsFunc(members, func(x meta) bool { return x.uid == m.uid }) {
				members = append(members, m)
				slices.SortFunc(members, latest)
			}
			found[m.root] = members
		}
		if members[len(members)-1].uid != m.uid {
			continue // a later message of the thread carries it
		}
		if !r.yieldThread(m.root, members) {
			return false
		}
		if r.items >= checkpointItems && !r.checkpoint(m.uid) {
			return false
		}
	}
	return true
}

// thread returns the messages of the mailbox whose root is root, oldest
// first, the newest maxThread of them.
func (r *run) thread(root string) ([]meta, error) {
	header := func(field string) *imapv1.SearchCriteria {
		return &imapv1.SearchCriteria{Header: map[string][]string{field: {root}}}
	}
	crit := &imapv1.SearchCriteria{Or: [][2]*imapv1.SearchCriteria{{header("Message-Id"),
		{Or: [][2]*imapv1.SearchCriteria{{header("References"), header("In-Reply-To")}}}}}}
	var uids []uint32
	err := r.with(r.mailbox, func(s *session) error {
		var err error
		uids, err = s.search(r.ctx, crit)
		return err
	})
	if err != nil || len(uids) == 0 {
		return nil, err
	}
	set := &imapv1.SeqSet{}
	set.AddNum(uids...)
	var members []meta
	err = r.with(r.mailbox, func(s *session) error {
		members = members[:0]
		return s.fetch(r.ctx, set, r.metaItems(), func(m *imapv1.Message) {
			if x := toMeta(m); x.root == root {
				members = append(members, x)
			}
		})
	})
	slices.SortFunc(members, latest)
	members = slices.CompactFunc(members, func(a, b meta) bool { return a.uid == b.uid })
	return members[max(0, len(members)-maxThread):], err
}

// yieldThread reads a thread's messages and yields its document, or a
// Failure under its id when none of them can be read.
func (r *run) yieldThread(root string, members []meta) bool {
	if !r.sendNodes() {
		return false
	}
	id := r.c.threadID(r.mailbox, root)
	if r.slim {
		return r.yield(tributary.DocumentItem(&tributary.Document{ID: id, Source: Source,
			ParentID: r.c.mailboxID(r.mailbox), ExternalAccess: r.c.accessCopy()}))
	}
	t := &threadDoc{c: r.c, ctx: r.ctx, mailbox: r.mailbox, validity: r.validity, d: &tributary.Document{ID: id, Source: Source,
		ParentID: r.c.mailboxID(r.mailbox), ExternalAccess: r.c.accessCopy(), Metadata: tributary.Metadata{},
		UpdatedAt: members[len(members)-1].date}}
	t.d.Metadata.Add("mailbox", r.mailbox)
	t.d.Metadata.Add("message_id", strings.Trim(root, "<>"))
	for len(members) > 0 {
		n, size := 0, int64(0)
		for n < len(members) && n < bodyBatch && (n == 0 || size+int64(members[n].size) <= bodyBatchBytes) {
			size += int64(members[n].size)
			n++
		}
		bodies, err := r.bodies(members[:n])
		if err != nil {
			return r.Fail(err)
		}
		for _, m := range members[:n] {
			t.add(m, bodies[m.uid])
		}
		if t.keepErr != nil {
			return r.Fail(t.keepErr)
		}
		members = members[n:]
	}
	if len(t.d.Sections) == 0 {
		return r.yield(tributary.FailureItem(tributary.DocumentFailure(id, id, t.failure())))
	}
	t.d.Metadata.Add("messages", fmt.Sprint(t.read))
	return r.yield(tributary.DocumentItem(t.d))
}

// threadDoc is a thread's document being assembled, message by message.
type threadDoc struct {
	c        *Connector
	ctx      context.Context
	keepErr  error // the host's blob storage failed
	mailbox  string
	validity uint32
	d        *tributary.Document
	read     int
	text     int64
	err      error
	people   map[string]bool
}

// add appends one message: a section per text part, linked to the
// message; the first message read gives the title, creation time and
// primary owners, and every other sender and recipient is a secondary
// owner.
func (t *threadDoc) add(m meta, body []byte) {
	mid := t.c.docID(t.mailbox, t.validity, m.uid)
	var x *extract.Doc
	var err error
	switch {
	case int64(m.size) > t.c.s.MaxMessageSize:
		err = fmt.Errorf("%w: %d bytes, over max_message_size %d", ErrTooLarge, m.size, t.c.s.MaxMessageSize)
	case body == nil:
		return // expunged while read
	default:
		x, err = extract.EML(body, t.c.lim)
	}
	if err == nil {
		for _, s := range x.Sections {
			t.text += int64(len(s.Text))
		}
		if t.text > t.c.lim.MaxText {
			err = fmt.Errorf("%w: thread text over %d bytes", ErrTooLarge, t.c.lim.MaxText)
		}
	}
	if err != nil {
		t.err = cmp.Or(t.err, err)
		t.d.Metadata.Add("messages_unread", mid)
		return
	}
	if t.people == nil {
		t.people = map[string]bool{}
		t.d.Title, t.d.SemanticID, t.d.CreatedAt, t.d.PrimaryOwners = x.Title, cmp.Or(x.Title, "(no subject)"), x.Created, x.Authors
		for _, p := range x.Authors {
			t.people[strings.ToLower(p.Email)] = true
		}
	} else {
		t.owners(x.Authors)
	}
	t.owners(x.Recipients)
	t.d.Metadata.Add("attachments", x.Metadata["attachments"]...)
	from := ""
	if len(x.Authors) > 0 {
		from = cmp.Or(x.Authors[0].DisplayName, x.Authors[0].Email)
	}
	for _, s := range x.Sections {
		s.Link, s.Heading = mid, from
		t.d.Sections = append(t.d.Sections, s)
	}
	if t.c.s.Attachments {
		att := &tributary.Document{ID: mid, Metadata: t.d.Metadata}
		t.keepErr = t.c.attachments(t.ctx, body, att, t.d.ID)
		t.d.Sections = append(t.d.Sections, att.Sections...)
	}
	t.read++
}

func (t *threadDoc) owners(ps []tributary.Person) {
	for _, p := range ps {
		if k := strings.ToLower(p.Email); !t.people[k] {
			t.people[k] = true
			t.d.SecondaryOwners = append(t.d.SecondaryOwners, p)
		}
	}
}

func (t *threadDoc) failure() error {
	if t.err != nil {
		return t.err
	}
	return fmt.Errorf("%w: no message of the thread could be read", ErrUndecodable)
}
