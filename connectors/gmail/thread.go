package gmail

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
	"github.com/tributary-dev/tributary/internal/google"
	"golang.org/x/net/html/charset"
)

// Why a thread is read: found by the window's listing, named by the
// history of a poll window, or asked for by Refetch.
const (
	fromListing = iota
	fromHistory
	fromRefetch
)

// outcome is what reading one thread came to, found ahead of its turn by
// a worker; emit yields it, in listing order.
type outcome struct {
	doc      *tributary.Document
	deletion string
	failure  *tributary.Failure
	err      error // ends the stream
}

// threads reads the threads of one page, up to Concurrency at a time and
// at most twice that many ahead of the one being yielded, and yields them
// in order. No worker outlives the call.
func (r *run) threads(mb *mailbox, ids []string, why int) bool {
	return google.InOrder(r.ctx, r.c.settings.Concurrency, ids,
		func(ctx context.Context, id string) outcome { return r.prepare(ctx, mb, id, why) }, r.emit, r.Fail)
}

// emit yields an outcome.
func (r *run) emit(o outcome) bool {
	switch {
	case o.err != nil:
		if ctxErr := r.ctx.Err(); ctxErr != nil {
			return r.Fail(ctxErr)
		}
		return r.Fail(o.err)
	case o.failure != nil:
		return r.Yield(tributary.FailureItem(o.failure))
	case o.deletion != "":
		return r.Yield(tributary.DeletionItem(o.deletion))
	case o.doc != nil:
		return r.Yield(tributary.DocumentItem(o.doc))
	}
	return true
}

// prepare reads one thread and works out what it is for the stream: its
// document, a deletion, a failure, or nothing.
func (r *run) prepare(ctx context.Context, mb *mailbox, id string, why int) outcome {
	docID := threadID(mb.email, id)
	failed := func(err error) outcome { return outcome{failure: tributary.DocumentFailure(docID, docID, err)} }
	if !gmailID.MatchString(id) {
		return failed(tributary.NewError("gmail: read thread", tributary.ErrMalformedResponse, fmt.Errorf("bad thread id %q", id)))
	}
	fields, format := fullFields, "full"
	if r.slim {
		fields, format = minimalFields, "minimal"
	}
	actx := google.As(ctx, mb.reader, ScopeGmailReadonly)
	var t apiThread
	err := r.c.client.get(actx, join(r.c.client.gmail, "/me/threads/"+url.PathEscape(id),
		url.Values{"format": {format}, "fields": {fields}}), &t)
	switch {
	case errors.Is(err, tributary.ErrNotFound) && why == fromListing:
		return outcome{} // deleted since the listing; its history tells
	case errors.Is(err, tributary.ErrNotFound):
		return outcome{deletion: docID}
	case err != nil && terminal(err):
		return outcome{err: fmt.Errorf("gmail: read thread %s of %s: %w", id, mb.email, err)}
	case err != nil:
		return failed(fmt.Errorf("gmail: read thread: %w", err))
	}
	kept, first, last, err := keptMessages(&t, id)
	if err != nil {
		return failed(err)
	}
	switch {
	case len(kept) == 0 && why == fromListing:
		return outcome{}
	case len(kept) == 0:
		return outcome{deletion: docID} // all in the spam or the trash
	case why == fromListing && !r.inWindow(last):
		return outcome{}
	case why == fromHistory && !last.Before(r.start):
		return outcome{} // the window's listing yields it, or a later window's
	}
	d := &tributary.Document{ID: docID, Source: Source, CreatedAt: first, UpdatedAt: last,
		ParentID: mailboxNodeID(mb.email), ExternalAccess: cloneAccess(mb.access)}
	if !r.slim {
		if err := r.fill(actx, mb, d, kept); err != nil {
			if terminal(err) {
				return outcome{err: fmt.Errorf("gmail: read thread %s of %s: %w", id, mb.email, err)}
			}
			return failed(fmt.Errorf("gmail: read thread: %w", err))
		}
	}
	return outcome{doc: d}
}

// keptMessages returns the messages of a thread outside the spam and the
// trash, with the first and last of their receipt times. A thread without
// its id, or a message without a time, is a malformed answer.
func keptMessages(t *apiThread, id string) (kept []apiMessage, first, last time.Time, err error) {
	if t.ID != id {
		return nil, first, last, tributary.NewError("gmail: read thread", tributary.ErrMalformedResponse, errors.New("answer without the thread's id"))
	}
	for _, m := range t.Messages {
		if slices.Contains(m.LabelIDs, "SPAM") || slices.Contains(m.LabelIDs, "TRASH") {
			continue
		}
		ms, perr := strconv.ParseInt(m.InternalDate, 10, 64)
		if perr != nil || m.ID == "" {
			return nil, first, last, tributary.NewError("gmail: read thread", tributary.ErrMalformedResponse,
				fmt.Errorf("message %q without an id or internalDate", m.ID))
		}
		at := time.UnixMilli(ms).UTC()
		if first.IsZero() || at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
		kept = append(kept, m)
	}
	return kept, first, last, nil
}

// fill maps a thread's messages: one section each (its headers and text),
// the attachments' text after it when asked, senders as primary owners
// and recipients as secondary ones, labels as metadata.
func (r *run) fill(ctx context.Context, mb *mailbox, d *tributary.Document, msgs []apiMessage) error {
	d.Metadata = tributary.Metadata{}
	d.Metadata.Add("mailbox", mb.email)
	d.Metadata.Add("thread_id", strings.TrimPrefix(d.ID, threadID(mb.email, "")))
	d.Metadata.Add("message_count", strconv.Itoa(len(msgs)))
	var labels, attachments []string
	owners := map[string]bool{}
	for _, m := range msgs {
		if m.Payload == nil {
			return tributary.NewError("gmail: read thread", tributary.ErrMalformedResponse, fmt.Errorf("message %s without a payload", m.ID))
		}
		h := headers(m.Payload.Headers)
		subject := decodeHeader(h["subject"])
		if d.Title == "" {
			d.Title = subject
		}
		from := addresses(h["from"])
		for _, p := range from {
			if !owners[p.Email] {
				owners[p.Email] = true
				d.PrimaryOwners = append(d.PrimaryOwners, p)
			}
		}
		rcpt := append(addresses(h["to"]), addresses(h["cc"])...)
		for _, p := range rcpt {
			if !owners[p.Email] {
				owners[p.Email] = true
				d.SecondaryOwners = append(d.SecondaryOwners, p)
			}
		}
		w := &walker{r: r, ctx: ctx, msg: m.ID, link: messageLink(mb.email, m.ID)}
		if err := w.walk(m.Payload, 0); err != nil {
			return err
		}
		var head strings.Builder
		for _, k := range []string{"from", "to", "cc", "date", "subject"} {
			if v := decodeHeader(h[k]); v != "" {
				fmt.Fprintf(&head, "%s%s: %s\n", strings.ToUpper(k[:1]), k[1:], v)
			}
		}
		text := strings.TrimSpace(head.String() + "\n" + strings.Join(w.texts, "\n\n"))
		d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionText, Link: w.link, Heading: subject, Text: text})
		d.Sections = append(d.Sections, w.attached...)
		attachments = append(attachments, w.names...)
		for _, l := range m.LabelIDs {
			labels = append(labels, cmpOr(mb.labels[l], l))
		}
	}
	if d.Title == "" {
		d.Title = "(no subject)"
	}
	d.SemanticID = d.Title
	slices.Sort(labels)
	for _, l := range slices.Compact(labels) {
		d.Metadata.Add("labels", l)
	}
	for _, a := range attachments {
		d.Metadata.Add("attachments", a)
	}
	return nil
}

// headers maps lower-cased header names to their first values.
func headers(hs []apiHeader) map[string]string {
	out := map[string]string{}
	for _, h := range hs {
		k := strings.ToLower(h.Name)
		if _, ok := out[k]; !ok {
			out[k] = h.Value
		}
	}
	return out
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

// decodeHeader decodes RFC 2047 encoded words.
func decodeHeader(v string) string {
	if s, err := wordDecoder.DecodeHeader(v); err == nil {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(v)
}

// addresses parses an address list; an address that does not parse is
// left out (never guessed).
func addresses(v string) []tributary.Person {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	ap := &mail.AddressParser{WordDecoder: wordDecoder}
	list, err := ap.ParseList(v)
	if err != nil {
		return nil
	}
	out := make([]tributary.Person, 0, len(list))
	for _, a := range list {
		p := tributary.Person{DisplayName: a.Name, Email: strings.ToLower(a.Address)}
		if first, last, ok := strings.Cut(a.Name, " "); ok {
			p.FirstName, p.LastName = first, last
		}
		out = append(out, p)
	}
	return out
}

// walker collects the text of one message's MIME parts.
type walker struct {
	r        *run
	ctx      context.Context // acting as the mailbox's owner
	msg      string
	link     string
	texts    []string
	names    []string
	attached []tributary.Section
}

// maxDepth bounds the nesting of MIME parts walked.
const maxDepth = 16

// walk reads a part: of a multipart/alternative its plain-text
// alternative (else its HTML one), of another multipart every part, a
// named part as an attachment, a text part as the message's text.
func (w *walker) walk(p *apiPart, depth int) error {
	if depth > maxDepth {
		return nil
	}
	mt := strings.ToLower(p.MimeType)
	switch {
	case mt == "multipart/alternative":
		if alt := pickAlternative(p.Parts); alt != nil {
			return w.walk(alt, depth+1)
		}
		return nil
	case strings.HasPrefix(mt, "multipart/"):
		for i := range p.Parts {
			if err := w.walk(&p.Parts[i], depth+1); err != nil {
				return err
			}
		}
		return nil
	case p.Filename != "":
		return w.attachment(p)
	case mt == "text/plain" || mt == "text/html" || mt == "":
		raw, err := w.body(p)
		if err != nil {
			return err
		}
		text, err := partText(mt, charsetOf(headers(p.Headers)["content-type"]), raw)
		if err != nil {
			w.r.c.env.Log().Warn("gmail: message part not decoded", "message", w.msg, "part", p.PartID, "error", err)
			return nil
		}
		if text != "" {
			w.texts = append(w.texts, text)
		}
	}
	return nil
}

// pickAlternative returns the plain-text part of alternatives, else the
// HTML one, else the first multipart one.
func pickAlternative(parts []apiPart) *apiPart {
	for _, want := range []string{"text/plain", "text/html", "multipart/"} {
		for i := range parts {
			if strings.HasPrefix(strings.ToLower(parts[i].MimeType), want) {
				return &parts[i]
			}
		}
	}
	return nil
}

// partText decodes a text part's bytes in its charset; HTML is reduced to
// its readable text.
func partText(mt, cs string, raw []byte) (string, error) {
	if mt == "text/html" {
		ct := "text/html"
		if cs != "" {
			ct += "; charset=" + cs
		}
		h, err := extract.HTML(raw, ct, extract.HTMLOptions{MaxText: 16 << 20})
		if err != nil {
			return "", err
		}
		if len(h.Sections) == 0 {
			return "", nil
		}
		return strings.TrimSpace(h.Sections[0].Text), nil
	}
	s, err := extract.DecodeText(raw, cs)
	return strings.TrimSpace(s), err
}

// body returns a part's bytes: inline, or read by attachment id.
func (w *walker) body(p *apiPart) ([]byte, error) {
	if p.Body.AttachmentID == "" {
		return decodeData(p.Body.Data)
	}
	var ab attachmentBody
	u := join(w.r.c.client.gmail, "/me/messages/"+url.PathEscape(w.msg)+"/attachments/"+url.PathEscape(p.Body.AttachmentID), nil)
	if err := w.r.c.client.get(w.ctx, u, &ab); err != nil {
		return nil, err
	}
	return decodeData(ab.Data)
}

// decodeData decodes Gmail's base64url, padded or not.
func decodeData(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, tributary.NewError("gmail: decode body", tributary.ErrMalformedResponse, err)
	}
	return b, nil
}

// attachment names an attachment and, when asked and within the size
// bound, reads it and extracts its text as a section after its message.
// An attachment that cannot be extracted is named only.
func (w *walker) attachment(p *apiPart) error {
	name := decodeHeader(p.Filename)
	w.names = append(w.names, name)
	s := &w.r.c.settings
	if !s.IncludeAttachments {
		return nil
	}
	if p.Body.Size > s.MaxAttachmentSize {
		tributary.ReportSkip(w.ctx, w.link+"/"+p.PartID, fmt.Sprintf("attachment %q larger than max_attachment_size (%d bytes)", name, s.MaxAttachmentSize))
		return nil
	}
	format := extract.FormatOf(name)
	switch format {
	case extract.FormatUnknown, extract.FormatZip, extract.FormatTar, extract.FormatGzip:
		return nil
	}
	raw, err := w.body(p)
	if err != nil {
		return err
	}
	if int64(len(raw)) > s.MaxAttachmentSize {
		return nil
	}
	doc, err := extract.Extract(format, raw, charsetOf(headers(p.Headers)["content-type"]),
		extract.Limits{MaxText: 16 << 20, MaxPart: 64 << 20})
	if err != nil {
		w.r.c.env.Log().Warn("gmail: attachment not extracted", "message", w.msg, "attachment", name, "error", err)
		return nil
	}
	var parts []string
	for _, sec := range doc.Sections {
		if sec.Kind == tributary.SectionText && strings.TrimSpace(sec.Text) != "" {
			parts = append(parts, strings.TrimSpace(sec.Text))
		}
		if sec.Kind == tributary.SectionTable && len(sec.Rows) > 0 {
			w.attached = append(w.attached, tributary.Section{Kind: tributary.SectionTable, Link: w.link, Heading: name, Rows: sec.Rows})
		}
	}
	if len(parts) > 0 {
		w.attached = append(w.attached, tributary.Section{Kind: tributary.SectionText, Link: w.link, Heading: name, Text: strings.Join(parts, "\n\n")})
	}
	return nil
}

// charsetOf returns the charset a Content-Type names, or "".
func charsetOf(ct string) string {
	if _, params, err := mime.ParseMediaType(ct); err == nil {
		return params["charset"]
	}
	return ""
}

func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func charsetReader(label string, r io.Reader) (io.Reader, error) {
	return charset.NewReaderLabel(label, r)
}
