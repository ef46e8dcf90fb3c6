package imap_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/imap"
	"github.com/tributary-dev/tributary/internal/imapemu"
)

// Open the connector from the registry with JSON settings and credentials,
// as a host does, and read two mailboxes of an account. Here the account
// is an emulated IMAP server on a loopback port, spoken to in plain text,
// which only loopback and private addresses permit without allow_insecure.
func Example() {
	emu := imapemu.New(imapemu.Options{})
	defer emu.Close()
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, m := range []struct{ mailbox, subject string }{{"INBOX", "Quarterly plan"}, {"Archive", "Old plan"}, {"Spam", "Prizes"}} {
		emu.Append(m.mailbox, []byte("From: grace@example.com\r\nSubject: "+m.subject+"\r\n\r\nText.\r\n"), at)
	}
	addr, err := emu.Listen()
	if err != nil {
		fmt.Println(err)
		return
	}
	host, port, _ := net.SplitHostPort(addr)
	c, err := tributary.New(imap.Source, tributary.Params{
		Settings:    json.RawMessage(`{"host": "` + host + `", "port": ` + port + `, "security": "plain", "exclude": ["Spam"]}`),
		Credentials: json.RawMessage(`{"username": "` + imapemu.Username + `", "password": "` + imapemu.Password + `"}`),
		Env:         tributary.Env{AllowPrivateNetwork: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if err := c.Validate(ctx); err != nil {
		fmt.Println(err)
		return
	}
	for it, err := range tributary.Stream(ctx, c, time.Time{}, time.Time{}, nil) {
		switch {
		case err != nil:
			fmt.Println(err)
			return
		case it.Node != nil && it.Node.ParentID != "":
			fmt.Println("mailbox ", it.Node.Name)
		case it.Document != nil:
			fmt.Println("document", it.Document.Title, "|", it.Document.PrimaryOwners[0].Email, "|", it.Document.ExternalAccess.UserEmails)
		}
	}
	// Output:
	// mailbox  Archive
	// document Old plan | grace@example.com | [ada@example.com]
	// mailbox  INBOX
	// document Quarterly plan | grace@example.com | [ada@example.com]
}
