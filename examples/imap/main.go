// Command imap loads the messages of an IMAP account and prints one line
// per document, mailbox or failure.
//
// With IMAP_USERNAME and IMAP_PASSWORD set (for Gmail and Outlook.com, an
// app password) it reads the account at -host, over TLS on port 993
// unless -security and -port say otherwise:
//
//	IMAP_USERNAME=ada@example.com IMAP_PASSWORD=... go run ./examples/imap -host imap.gmail.com -mailbox INBOX
//
// Without them it starts an emulated IMAP server on a loopback port, fills
// two mailboxes with a few messages, and reads that over TLS with a
// certificate made for the run:
//
//	go run ./examples/imap
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/imap"
	"github.com/tributary-dev/tributary/internal/imapemu"
)

func main() {
	host := flag.String("host", "", "IMAP server")
	port := flag.Int("port", 0, "port (0 = 993 for tls, 143 otherwise)")
	security := flag.String("security", "tls", "tls, starttls or plain")
	mailbox := flag.String("mailbox", "", "comma-separated mailboxes (empty = all)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	s := imap.Settings{Host: *host, Port: *port, Security: imap.Security(*security)}
	if *mailbox != "" {
		s.Mailboxes = strings.Split(*mailbox, ",")
	}
	if err := run(s, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "imap:", err)
		os.Exit(1)
	}
}

func run(s imap.Settings, limit int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cr := imap.Credentials{Username: os.Getenv("IMAP_USERNAME"), Password: tributary.NewSecret(os.Getenv("IMAP_PASSWORD"))}
	var env tributary.Env
	if cr.Username == "" {
		emu, addr, pem, err := emulated()
		if err != nil {
			return err
		}
		defer emu.Close()
		host, port, _ := strings.Cut(addr, ":")
		n, _ := strconv.Atoi(port)
		s = imap.Settings{Host: host, Port: n, Security: imap.SecurityTLS, CACertificate: string(pem)}
		cr = imap.Credentials{Username: imapemu.Username, Password: tributary.NewSecret(imapemu.Password)}
		env.AllowPrivateNetwork = true // the emulator listens on loopback
		fmt.Fprintln(os.Stderr, "no IMAP_USERNAME: reading an emulated account at", addr)
	} else if s.Host == "" {
		return errors.New("-host is required with IMAP_USERNAME")
	}
	c, err := imap.New(s, cr, env)
	if err != nil {
		return err
	}
	if err := c.Validate(ctx); err != nil {
		return err
	}
	docs := 0
	for it, err := range c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil) {
		switch {
		case err != nil:
			return err
		case it.Node != nil:
			fmt.Printf("node     %s\n", it.Node.ID)
		case it.Failure != nil:
			fmt.Printf("failure  %v\n", it.Failure)
		case it.Document != nil:
			d := it.Document
			from := ""
			if len(d.PrimaryOwners) > 0 {
				from = d.PrimaryOwners[0].Email
			}
			fmt.Printf("document %s | %s | %s | %s\n", d.ID, d.Title, from, d.UpdatedAt.Format(time.RFC3339))
			if docs++; limit > 0 && docs == limit {
				return nil
			}
		}
	}
	return nil
}

// emulated starts an emulated IMAP server over TLS holding a small
// account, and returns it, its address and its certificate.
func emulated() (*imapemu.Server, string, []byte, error) {
	cfg, pem, err := imapemu.TestCertificate()
	if err != nil {
		return nil, "", nil, err
	}
	emu := imapemu.New(imapemu.Options{TLS: cfg})
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, m := range []struct{ mailbox, from, subject, body string }{
		{"INBOX", "Grace Hopper <grace@example.com>", "Compiler review", "The review is on Thursday."},
		{"INBOX", "Alan Turing <alan@example.com>", "Re: Compiler review", "Thursday works."},
		{"Archive", "Ada Lovelace <ada@example.com>", "Notes on the engine", "Attached are my notes."},
	} {
		msg := "From: " + m.from + "\r\nTo: ada@example.com\r\nSubject: " + m.subject + "\r\nDate: " +
			at.Format(time.RFC1123Z) + "\r\n\r\n" + m.body + "\r\n"
		emu.Append(m.mailbox, []byte(msg), at)
	}
	addr, err := emu.ListenTLS()
	if err != nil {
		emu.Close()
		return nil, "", nil, err
	}
	return emu, addr, pem, nil
}
