package googleemu

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"slices"
	"strings"
	"time"
)

// Gmail's system labels.
const (
	LabelInbox     = "INBOX"
	LabelSent      = "SENT"
	LabelSpam      = "SPAM"
	LabelTrash     = "TRASH"
	LabelUnread    = "UNREAD"
	LabelImportant = "IMPORTANT"
	LabelStarred   = "STARRED"
	LabelDraft     = "DRAFT"
)

var systemLabels = []string{LabelInbox, LabelSent, LabelSpam, LabelTrash, LabelUnread, LabelImportant, LabelStarred, LabelDraft,
	"CATEGORY_PERSONAL", "CATEGORY_SOCIAL", "CATEGORY_PROMOTIONS", "CATEGORY_UPDATES", "CATEGORY_FORUMS"}

// Label is a user label of a mailbox.
type Label struct {
	ID   string // "Label_12"
	Name string
}

// Message is one message of a mailbox: its RFC 5322 bytes, as Gmail
// stores them, with the mailbox's view of it.
type Message struct {
	ID       string
	ThreadID string
	LabelIDs []string
	// Internal is Gmail's internalDate: when the message was received.
	Internal time.Time
	Raw      []byte
	// Deleted messages are gone for good; only history names them.
	Deleted bool

	historyID uint64
}

// historyRecord is one change of a mailbox.
type historyRecord struct {
	id     uint64
	kind   string // messageAdded, messageDeleted, labelAdded, labelRemoved
	msg    *Message
	labels []string
}

// Mailbox is one user's Gmail mailbox.
type Mailbox struct {
	Email  string
	Labels []*Label
	// Delegates may read the mailbox (Gmail delegation, accepted).
	Delegates []string

	messages []*Message
	byID     map[string]*Message
	history  []historyRecord
	// historyID is the mailbox's current history id; history from an id
	// before oldest is gone, and listing it answers 404.
	historyID, oldest uint64
	seq               uint64
}

// Mailbox returns the mailbox of the user with the address, making an
// empty one when the user has none yet.
func (d *Data) Mailbox(email string) *Mailbox {
	key := strings.ToLower(email)
	if d.Mailboxes == nil {
		d.Mailboxes = map[string]*Mailbox{}
	}
	mb := d.Mailboxes[key]
	if mb == nil {
		mb = &Mailbox{Email: email, byID: map[string]*Message{}, historyID: 1000, oldest: 1}
		for _, c := range key {
			mb.seq = mb.seq*31 + uint64(c)
		}
		mb.seq = 0x18a0000000000000 + mb.seq%0xffffffffff<<12
		d.Mailboxes[key] = mb
	}
	return mb
}

// Message returns the message with the id, or nil.
func (mb *Mailbox) Message(id string) *Message { return mb.byID[id] }

// Thread returns the messages of a thread that are not deleted, oldest
// first.
func (mb *Mailbox) Thread(id string) []*Message {
	var out []*Message
	for _, m := range mb.messages {
		if m.ThreadID == id && !m.Deleted {
			out = append(out, m)
		}
	}
	return out
}

// NewID returns a fresh message id in Gmail's form (16 hex digits).
func (mb *Mailbox) NewID() string {
	mb.seq++
	return fmt.Sprintf("%016x", mb.seq)
}

func (mb *Mailbox) record(kind string, m *Message, labels []string) {
	mb.historyID++
	m.historyID = mb.historyID
	mb.history = append(mb.history, historyRecord{id: mb.historyID, kind: kind, msg: m, labels: labels})
}

// Add adds a message received at t to the thread (a new thread, whose id
// is the message's, when threadID is empty) and records it in the
// history. It returns the message.
func (mb *Mailbox) Add(threadID string, t time.Time, raw []byte, labels ...string) *Message {
	m := &Message{ID: mb.NewID(), ThreadID: threadID, LabelIDs: slices.Clone(labels), Internal: t.UTC().Truncate(time.Millisecond), Raw: raw}
	if m.ThreadID == "" {
		m.ThreadID = m.ID
	}
	mb.messages = append(mb.messages, m)
	mb.byID[m.ID] = m
	mb.record("messageAdded", m, nil)
	return m
}

// Delete deletes a message for good.
func (mb *Mailbox) Delete(id string) {
	if m := mb.byID[id]; m != nil && !m.Deleted {
		m.Deleted = true
		mb.record("messageDeleted", m, nil)
	}
}

// DeleteThread deletes every message of a thread for good.
func (mb *Mailbox) DeleteThread(id string) {
	for _, m := range mb.Thread(id) {
		mb.Delete(m.ID)
	}
}

// AddLabels adds labels to every message of a thread (TRASH moves it to
// the trash, SPAM reports it), recording the change.
func (mb *Mailbox) AddLabels(threadID string, labels ...string) {
	for _, m := range mb.Thread(threadID) {
		var added []string
		for _, l := range labels {
			if !slices.Contains(m.LabelIDs, l) {
				m.LabelIDs = append(m.LabelIDs, l)
				added = append(added, l)
			}
		}
		if len(added) > 0 {
			mb.record("labelAdded", m, added)
		}
	}
}

// RemoveLabels removes labels from every message of a thread, recording
// the change.
func (mb *Mailbox) RemoveLabels(threadID string, labels ...string) {
	for _, m := range mb.Thread(threadID) {
		var removed []string
		for _, l := range labels {
			if i := slices.Index(m.LabelIDs, l); i >= 0 {
				m.LabelIDs = slices.Delete(m.LabelIDs, i, i+1)
				removed = append(removed, l)
			}
		}
		if len(removed) > 0 {
			mb.record("labelRemoved", m, removed)
		}
	}
}

// ExpireHistory forgets the history recorded so far, as Gmail keeps it
// for a limited time: a history listing from an id older than the
// current one answers 404.
func (mb *Mailbox) ExpireHistory() {
	mb.history = nil
	mb.oldest = mb.historyID
}

// HistoryID returns the mailbox's current history id.
func (mb *Mailbox) HistoryID() uint64 { return mb.historyID }

// Messages returns every message not deleted, in the order added.
func (mb *Mailbox) Messages() []*Message {
	var out []*Message
	for _, m := range mb.messages {
		if !m.Deleted {
			out = append(out, m)
		}
	}
	return out
}

// hidden reports a message in the spam or the trash.
func (m *Message) hidden() bool {
	return slices.Contains(m.LabelIDs, LabelSpam) || slices.Contains(m.LabelIDs, LabelTrash)
}

// Mail describes a message to build with Build.
type Mail struct {
	From    string
	To, Cc  []string
	Subject string
	Date    time.Time
	// MessageID is the Message-ID header; made up from the date when empty.
	MessageID string
	// Text and HTML are the bodies: both make multipart/alternative.
	Text, HTML string
	// Charset is the charset the text is encoded in (utf-8 by default;
	// iso-8859-1 and windows-1252 are known); Encoding the
	// Content-Transfer-Encoding of the bodies: quoted-printable, base64 or
	// 8bit (the default).
	Charset, Encoding string
	Attachments       []Attachment
}

// Attachment is a file attached to a Mail.
type Attachment struct {
	Name, Type string
	Data       []byte
}

// Build returns the RFC 5322 bytes of the message.
func (m Mail) Build() []byte {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", m.From)
	if len(m.To) > 0 {
		h("To", strings.Join(m.To, ", "))
	}
	if len(m.Cc) > 0 {
		h("Cc", strings.Join(m.Cc, ", "))
	}
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", m.Date.UTC().Format(time.RFC1123Z))
	id := m.MessageID
	if id == "" {
		id = fmt.Sprintf("<%d.%x@mail.emulated>", m.Date.UnixNano(), len(m.Subject)+len(m.Text))
	}
	h("Message-ID", id)
	h("MIME-Version", "1.0")
	body := m.bodyPart()
	if len(m.Attachments) == 0 {
		b.Write(body)
		return b.Bytes()
	}
	const outer = "mixed-7f3a9c"
	h("Content-Type", `multipart/mixed; boundary="`+outer+`"`)
	b.WriteString("\r\n")
	fmt.Fprintf(&b, "--%s\r\n", outer)
	b.Write(body)
	for _, a := range m.Attachments {
		fmt.Fprintf(&b, "\r\n--%s\r\n", outer)
		fmt.Fprintf(&b, "Content-Type: %s; name=%q\r\nContent-Disposition: attachment; filename=%q\r\nContent-Transfer-Encoding: base64\r\n\r\n",
			a.Type, a.Name, a.Name)
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", outer)
	return b.Bytes()
}

// bodyPart returns the headers and body of the text part (or the
// alternative of text and HTML).
func (m Mail) bodyPart() []byte {
	leaf := func(ct, text string) string {
		cs := m.Charset
		if cs == "" {
			cs = "utf-8"
		}
		raw := encodeCharset(text, cs)
		cte := m.Encoding
		var body string
		switch cte {
		case "quoted-printable":
			var q bytes.Buffer
			w := quotedprintable.NewWriter(&q)
			w.Write(raw)
			w.Close()
			body = q.String()
		case "base64":
			body = base64.StdEncoding.EncodeToString(raw)
		default:
			cte, body = "8bit", string(raw)
		}
		return fmt.Sprintf("Content-Type: %s; charset=%q\r\nContent-Transfer-Encoding: %s\r\n\r\n%s\r\n", ct, cs, cte, body)
	}
	switch {
	case m.Text != "" && m.HTML != "":
		const alt = "alt-51d2e8"
		return []byte(`Content-Type: multipart/alternative; boundary="` + alt + "\"\r\n\r\n--" + alt + "\r\n" +
			leaf("text/plain", m.Text) + "--" + alt + "\r\n" + leaf("text/html", m.HTML) + "--" + alt + "--\r\n")
	case m.HTML != "":
		return []byte(leaf("text/html", m.HTML))
	}
	return []byte(leaf("text/plain", m.Text))
}

// encodeCharset encodes text in the charset (Latin-1 and its Windows
// superset byte for byte; anything else stays UTF-8).
func encodeCharset(text, cs string) []byte {
	switch strings.ToLower(cs) {
	case "iso-8859-1", "latin1", "windows-1252":
		out := make([]byte, 0, len(text))
		for _, r := range text {
			if r > 0xff {
				r = '?'
			}
			out = append(out, byte(r))
		}
		return out
	}
	return []byte(text)
}
