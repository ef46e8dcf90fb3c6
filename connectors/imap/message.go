package imap

import (
	"bytes"
	"context"
	"net/mail"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// message turns one message into its document, or into a Failure under
// its id when it cannot be decoded. The error is the host's blob storage
// failing, which ends the run.
func (c *Connector) message(ctx context.Context, mailbox, id string, m meta, body []byte) (tributary.Item, error) {
	x, err := extract.EML(body, c.lim)
	if err != nil {
		return tributary.FailureItem(tributary.DocumentFailure(id, id, err)), nil
	}
	d := &tributary.Document{
		ID: id, Source: Source, Title: x.Title, SemanticID: x.Title,
		Sections: x.Sections, Metadata: x.Metadata,
		UpdatedAt: m.date, CreatedAt: x.Created,
		PrimaryOwners: x.Authors, SecondaryOwners: x.Recipients,
		ParentID: c.mailboxID(mailbox), ExternalAccess: c.accessCopy(),
	}
	if d.SemanticID == "" {
		d.SemanticID = "(no subject)"
	}
	if d.Metadata == nil {
		d.Metadata = tributary.Metadata{}
	}
	d.Metadata.Add("mailbox", mailbox)
	if msg, err := mail.ReadMessage(bytes.NewReader(body)); err == nil {
		d.Metadata.Add("message_id", strings.Trim(strings.TrimSpace(msg.Header.Get("Message-Id")), "<>"))
	}
	for i := range d.Sections {
		d.Sections[i].Link = id
	}
	if c.s.Attachments {
		if err := c.attachments(ctx, body, d, d.ID); err != nil {
			return tributary.Item{}, err
		}
	}
	return tributary.DocumentItem(d), nil
}
