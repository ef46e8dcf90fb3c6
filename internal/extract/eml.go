package extract

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"

	"github.com/tributary-dev/tributary"
	"golang.org/x/net/html/charset"
)

// maxMIMEDepth bounds the nesting of multipart bodies in a message.
const maxMIMEDepth = 8

// EML extracts an e-mail message (RFC 5322 with MIME): the subject as the
// title, the sender as author, To and Cc as recipients, the Date header as
// the creation time, and one section per text body part. Of the parts of a
// multipart/alternative, the plain-text one is taken, or else the HTML one.
// Encoded headers (RFC 2047), quoted-printable and base64 bodies and
// charsets from Content-Type are decoded. Attachments are not extracted;
// their file names are listed under the "attachments" tag.
func EML(b []byte, l Limits) (*Doc, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: e-mail: %w", ErrUndecodable, err)
	}
	dec := &mime.WordDecoder{CharsetReader: charsetReader}
	d := &Doc{Metadata: tributary.Metadata{}}
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	d.Title = strings.TrimSpace(subject)
	ap := &mail.AddressParser{WordDecoder: dec}
	d.Authors = people(ap, msg.Header.Get("From"))
	d.Recipients = append(people(ap, msg.Header.Get("To")), people(ap, msg.Header.Get("Cc"))...)
	if t, err := msg.Header.Date(); err == nil {
		d.Created = t.UTC()
	}
	w := &mailWalker{d: d, l: l, dec: dec}
	if err := w.part(textproto(msg.Header), msg.Body, 0); err != nil {
		return nil, err
	}
	if len(d.Sections) == 0 {
		d.Sections = []tributary.Section{{Kind: tributary.SectionText}}
	}
	return d, nil
}

func textproto(h mail.Header) map[string][]string { return h }

func charsetReader(label string, r io.Reader) (io.Reader, error) {
	return charset.NewReaderLabel(label, r)
}

func people(ap *mail.AddressParser, header string) []tributary.Person {
	if strings.TrimSpace(header) == "" {
		return nil
	}
	list, err := ap.ParseList(header)
	if err != nil {
		return []tributary.Person{{DisplayName: strings.TrimSpace(header)}}
	}
	out := make([]tributary.Person, 0, len(list))
	for _, a := range list {
		out = append(out, tributary.Person{DisplayName: a.Name, Email: a.Address})
	}
	return out
}

type mailWalker struct {
	d     *Doc
	l     Limits
	dec   *mime.WordDecoder
	parts int
	size  int64
}

func (w *mailWalker) part(h map[string][]string, body io.Reader, depth int) error {
	w.parts++
	if depth > maxMIMEDepth || w.parts > w.l.maxParts() {
		return fmt.Errorf("%w: e-mail nests or holds too many parts", ErrTooLarge)
	}
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	mt, params, err := mime.ParseMediaType(get("Content-Type"))
	if err != nil {
		mt, params = "text/plain", map[string]string{}
	}
	disp, dparams, _ := mime.ParseMediaType(get("Content-Disposition"))
	if name := attachmentName(w.dec, params, dparams); disp == "attachment" || (name != "" && !strings.HasPrefix(mt, "multipart/")) {
		w.d.Metadata.Add("attachments", name)
		return nil
	}
	if strings.HasPrefix(mt, "multipart/") {
		return w.multipart(mt, params["boundary"], body, depth)
	}
	if mt != "text/plain" && mt != "text/html" {
		return nil
	}
	raw, err := w.readBody(get("Content-Transfer-Encoding"), body)
	if err != nil {
		return err
	}
	return w.text(mt, params["charset"], raw)
}

func attachmentName(dec *mime.WordDecoder, params, dparams map[string]string) string {
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if n, err := dec.DecodeHeader(name); err == nil {
		name = n
	}
	return name
}

func (w *mailWalker) multipart(mt, boundary string, body io.Reader, depth int) error {
	if boundary == "" {
		return fmt.Errorf("%w: e-mail %s part has no boundary", ErrUndecodable, mt)
	}
	mr := multipart.NewReader(body, boundary)
	type alt struct {
		h    map[string][]string
		body []byte
	}
	var plain, html *alt
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: e-mail multipart: %w", ErrUndecodable, err)
		}
		if mt != "multipart/alternative" {
			if err := w.part(p.Header, p, depth+1); err != nil {
				return err
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, w.l.maxPart()+1))
		if err != nil {
			return fmt.Errorf("%w: e-mail part: %w", ErrUndecodable, err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch {
		case ct == "text/html" && html == nil:
			html = &alt{p.Header, b}
		case (ct == "text/plain" || ct == "") && plain == nil:
			plain = &alt{p.Header, b}
		case strings.HasPrefix(ct, "multipart/") && plain == nil:
			plain = &alt{p.Header, b}
		}
	}
	for _, a := range []*alt{plain, html} {
		if a != nil {
			return w.part(a.h, bytes.NewReader(a.body), depth+1)
		}
	}
	return nil
}

func (w *mailWalker) readBody(cte string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(io.LimitReader(body, w.l.maxPart()+1))
	if err != nil {
		return nil, fmt.Errorf("%w: e-mail body: %w", ErrUndecodable, err)
	}
	if int64(len(b)) > w.l.maxPart() {
		return nil, fmt.Errorf("%w: e-mail part over %d bytes", ErrTooLarge, w.l.maxPart())
	}
	return b, nil
}

func (w *mailWalker) text(mt, cs string, raw []byte) error {
	var text string
	if mt == "text/html" {
		ct := "text/html"
		if cs != "" {
			ct += "; charset=" + cs
		}
		h, err := HTML(raw, ct, HTMLOptions{MaxText: w.l.MaxText})
		if err != nil {
			return err
		}
		text = h.Sections[0].Text
	} else {
		s, err := DecodeText(raw, cs)
		if err != nil {
			return err
		}
		text = strings.TrimSpace(s)
	}
	w.size += int64(len(text))
	if w.size > w.l.maxText() {
		return fmt.Errorf("%w: e-mail text over %d bytes", ErrTooLarge, w.l.maxText())
	}
	w.d.Sections = append(w.d.Sections, tributary.Section{Kind: tributary.SectionText, Text: text})
	return nil
}
