package imap

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// maxAttachments bounds the attachments of one message that are read.
const maxAttachments = 64

// attachments appends to d a section per attachment of body that has a
// name and a format with text, headed by the name. One that cannot be
// read is named under the "attachments_unread" tag; the message's own
// document stands either way. The message is already within
// max_message_size, which bounds every attachment; the text of all of
// them together is bounded by the extraction limit.
func (c *Connector) attachments(body []byte, d *tributary.Document) {
	mr, err := gomail.CreateReader(bytes.NewReader(body))
	if err != nil && !message.IsUnknownCharset(err) {
		return // extract.EML read the message; its parts are not what go-message expects
	}
	text := int64(0)
	for n := 0; n < maxAttachments; {
		p, err := mr.NextPart()
		if err != nil && !message.IsUnknownCharset(err) {
			return // io.EOF, or a part too broken to go on
		}
		name := partName(p)
		if name == "" {
			continue
		}
		n++
		x, err := c.attachment(name, p.Body)
		if err == nil {
			for _, s := range x.Sections {
				text += int64(len(s.Text))
			}
			if text > c.lim.MaxText {
				err = fmt.Errorf("%w: attachments' text over %d bytes", ErrTooLarge, c.lim.MaxText)
			}
		}
		if errors.Is(err, errNoText) {
			continue
		}
		if err != nil {
			d.Metadata.Add("attachments_unread", name)
			continue
		}
		for _, s := range x.Sections {
			s.Link = d.ID
			if s.Heading == "" {
				s.Heading = name
			} else {
				s.Heading = name + ": " + s.Heading
			}
			d.Sections = append(d.Sections, s)
		}
	}
}

// partName is the file name an attachment part carries, or "".
func partName(p *gomail.Part) string {
	switch h := p.Header.(type) {
	case *gomail.AttachmentHeader:
		name, _ := h.Filename()
		return strings.TrimSpace(name)
	case *gomail.InlineHeader:
		if _, params, err := h.ContentDisposition(); err == nil {
			return strings.TrimSpace(params["filename"])
		}
	}
	return ""
}

// errNoText marks an attachment of a format with no text.
var errNoText = errors.New("no text")

// attachment extracts one attachment by its name's extension, or by its
// first bytes.
func (c *Connector) attachment(name string, r io.Reader) (*extract.Doc, error) {
	b, err := io.ReadAll(io.LimitReader(r, c.s.MaxMessageSize+1))
	if err != nil {
		return nil, err
	}
	format := extract.FormatOf(name)
	if format == extract.FormatUnknown {
		format, _ = extract.Sniff(b[:min(len(b), 3072)])
	}
	if format == extract.FormatUnknown || format == extract.FormatZip {
		return nil, errNoText
	}
	return extract.Extract(format, b, "", c.lim)
}
