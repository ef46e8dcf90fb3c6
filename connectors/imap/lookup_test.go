package imap

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

// NormalizeURL takes RFC 5092 message URLs with or without UIDVALIDITY,
// sections and queries, and refuses other accounts, mailboxes outside the
// settings and URLs that name no message.
func TestNormalizeURL(t *testing.T) {
	f := newFixture(t)
	f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "Hi", "x", baseTime), baseTime)
	f.emu.Renumber("INBOX")
	s := f.settings()
	s.Exclude = []string{"Spam"}
	c := f.connector(t, s)
	ctx := context.Background()
	base := "imap://ada%40example.com@" + testHost + "/"
	for in, want := range map[string]string{
		base + "INBOX;UIDVALIDITY=2/;UID=1":                                                  id("INBOX", 2, 1),
		"IMAP://ADA%40example.com@IMAP.example.test/INBOX;uidvalidity=2/;uid=1/;section=1.2": id("INBOX", 2, 1),
		base + "INBOX/;UID=1":                              id("INBOX", 2, 1),
		base + "Work%20Notes;UIDVALIDITY=5/;UID=9?x=1#top": base + "Work%20Notes;UIDVALIDITY=5/;UID=9",
	} {
		got, err := c.NormalizeURL(ctx, in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for in, kind := range map[string]error{
		"imap://grace%40example.com@" + testHost + "/INBOX;UIDVALIDITY=2/;UID=1": tributary.ErrForeignURL,
		"https://mail.example.com/INBOX":                                         tributary.ErrForeignURL,
		base + "Spam;UIDVALIDITY=1/;UID=1":                                       tributary.ErrForeignURL,
		base + "INBOX":                                                           tributary.ErrNotSupported,
		base + "INBOX;THREAD=a1@example.com":                                     tributary.ErrNotSupported,
		base + "INBOX/;UID=0":                                                    tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(ctx, in)
		assert.ErrorIs(t, err, kind, in)
	}
}

// Refetch answers an expunged message and one of a renumbered numbering
// with a deletion, and a present one with its document.
func TestRefetchDeletions(t *testing.T) {
	f := newFixture(t)
	for range 3 {
		f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "Hi", "x", baseTime), baseTime)
	}
	f.emu.Expunge("INBOX", 2)
	c := f.connector(t, f.settings())
	got := map[string]string{}
	for it, err := range c.Refetch(context.Background(), []string{id("INBOX", 1, 1), id("INBOX", 1, 2), id("INBOX", 7, 3), id("Gone", 1, 1)}) {
		require.NoError(t, err)
		switch {
		case it.Document != nil:
			got[it.Document.ID] = "document"
		case it.Deletion != "":
			got[it.Deletion] = "deletion"
		case it.Failure != nil:
			got[it.Failure.DocumentID] = "failure"
		}
	}
	assert.Equal(t, map[string]string{id("INBOX", 1, 1): "document", id("INBOX", 1, 2): "deletion",
		id("INBOX", 7, 3): "deletion", id("Gone", 1, 1): "deletion"}, got)
}
