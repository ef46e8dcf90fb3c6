package imap

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/gabriel-vasile/mimetype"

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
//
// When the run keeps raw bytes (a BlobSink), an attached picture becomes
// a section of kind image whose blob holds it, and so does each picture
// inside an attached document; the blobs belong to the document owner.
// The error is the host's blob storage failing, which ends the run.
func (c *Connector) attachments(ctx context.Context, body []byte, d *tributary.Document, owner string) error {
	mr, err := gomail.CreateReader(bytes.NewReader(body))
	if err != nil && !message.IsUnknownCharset(err) {
		return nil // extract.EML read the message; its parts are not what go-message expects
	}
	lim := c.lim
	lim.KeepImage = extract.KeepImages(ctx, owner)
	text := int64(0)
	for n := 0; n < maxAttachments; {
		p, err := mr.NextPart()
		if err != nil && !message.IsUnknownCharset(err) {
			return nil // io.EOF, or a part too broken to go on
		}
		name := partName(p)
		if name == "" {
			continue
		}
		n++
		x, err := c.attachment(name, p.Body, lim)
		if err == nil {
			for _, s := range x.Sections {
				text += int64(len(s.Text))
			}
			if text > c.lim.MaxText {
				err = fmt.Errorf("%w: attachments' text over %d bytes", ErrTooLarge, c.lim.MaxText)
			}
		}
		switch {
		case errors.Is(err, extract.ErrKeep):
			return fmt.Errorf("imap: attachment %s of %s: %w", name, d.ID, err)
		case errors.Is(err, errNoText):
			continue
		case err != nil:
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
	return nil
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
// first bytes. A picture is kept whole through lim.KeepImage when the run
// keeps raw bytes, and has no text otherwise.
func (c *Connector) attachment(name string, r io.Reader, lim extract.Limits) (*extract.Doc, error) {
	b, err := io.ReadAll(io.LimitReader(r, c.s.MaxMessageSize+1))
	if err != nil {
		return nil, err
	}
	format := extract.FormatOf(name)
	if format == extract.FormatUnknown {
		format, _ = extract.Sniff(b[:min(len(b), 3072)])
	}
	if format == extract.FormatUnknown && lim.KeepImage != nil {
		return picture(name, b, lim)
	}
	if format == extract.FormatUnknown || format == extract.FormatZip {
		return nil, errNoText
	}
	return extract.Extract(format, b, "", lim)
}

// picture keeps an attached picture as a blob, in a section of its own.
func picture(name string, b []byte, lim extract.Limits) (*extract.Doc, error) {
	mt := mimetype.Detect(b).String()
	if !strings.HasPrefix(mt, "image/") {
		return nil, errNoText
	}
	mt, _, _ = strings.Cut(mt, ";")
	id, err := lim.KeepImage(extract.Image{Part: name, MediaType: mt, Data: b})
	if err != nil || id == "" {
		return nil, cmp.Or(err, errNoText)
	}
	return &extract.Doc{Sections: []tributary.Section{{Kind: tributary.SectionImage, BlobID: id}}}, nil
}
