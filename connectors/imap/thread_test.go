package imap

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/imapemu"
)

// reply returns a message with a Message-ID and, when refs are given,
// References naming them and In-Reply-To naming the last.
func reply(msgID, from, subject string, date time.Time, refs ...string) []byte {
	h := fmt.Sprintf("From: %s\r\nTo: ada@example.com\r\nSubject: %s\r\nDate: %s\r\n", from, subject, date.Format(time.RFC1123Z))
	if msgID != "" {
		h += "Message-ID: <" + msgID + ">\r\n"
	}
	if len(refs) > 0 {
		h += "References: <" + strings.Join(refs, "> <") + ">\r\nIn-Reply-To: <" + refs[len(refs)-1] + ">\r\n"
	}
	return []byte(h + "\r\nWords of " + subject + ".\r\n")
}

func threadID(mailbox, root string) string {
	return fmt.Sprintf("imap://ada%%40example.com@%s/%s;THREAD=%s", testHost, mailbox, strings.ReplaceAll(root, "@", "%40"))
}

// threadAccount fills an account with threads and returns what a load in
// thread mode must yield.
func threadAccount(emu *imapemu.Server) (docs, failures []string, windows []connectortest.Window) {
	t1, t2, t3 := baseTime.Add(time.Hour), baseTime.Add(26*time.Hour), baseTime.Add(50*time.Hour)
	emu.Append("INBOX", reply("a1@example.com", "grace@example.com", "Plan", baseTime), baseTime)
	emu.Append("INBOX", reply("b1@example.com", "alan@example.com", "Alone", baseTime), baseTime)
	emu.Append("INBOX", reply("a2@example.com", "alan@example.com", "Re: Plan", t1, "a1@example.com"), t1)
	c1 := emu.Append("INBOX", reply("", "alan@example.com", "No id", baseTime), baseTime)
	bad := emu.Append("INBOX", []byte("not a header\r\n\r\nbody\r\n"), baseTime)
	emu.Append("INBOX", reply("a3@example.com", "grace@example.com", "Re: Plan", t1, "a1@example.com", "a2@example.com"), t1.Add(time.Second))
	emu.Append("INBOX", reply("e1@example.com", "ada@example.com", "Old times", t2), t2)
	emu.Append("Archive", reply("e2@example.com", "grace@example.com", "Re: Old times", t2, "e1@example.com"), t2.Add(time.Minute))
	big := reply("f1@example.com", "ada@example.com", "Huge", baseTime)
	emu.Append("INBOX", append(big[:len(big)-2:len(big)-2], strings.Repeat("x", 5000)+"\r\n"...), baseTime)
	emu.Append("INBOX", reply("f2@example.com", "alan@example.com", "Re: Huge", baseTime, "f1@example.com"), baseTime.Add(time.Second))
	docs = []string{
		threadID("INBOX", "b1@example.com"), id("INBOX", 1, c1), threadID("INBOX", "f1@example.com"),
		threadID("INBOX", "a1@example.com"),
		threadID("Archive", "e1@example.com"), threadID("INBOX", "e1@example.com"),
	}
	failures = []string{id("INBOX", 1, bad)}
	windows = []connectortest.Window{
		{Start: t1, End: t2, WantIDs: docs[3:4]},
		{Start: t2, End: t3, WantIDs: docs[4:6]},
		{Start: t3, End: t3.Add(time.Hour)},
	}
	return docs, failures, windows
}

func threadHarness(faults func(*imapemu.Server)) connectortest.Harness {
	docs, failures, windows := threadAccount(imapemu.New(imapemu.Options{}))
	var emus []*imapemu.Server
	return connectortest.Harness{
		New: func(t testing.TB) tributary.Connector {
			f := newFixture(t)
			threadAccount(f.emu)
			if faults != nil {
				faults(f.emu)
			}
			emus = append(emus, f.emu)
			s := f.settings()
			s.PageSize = 3
			s.Threads = true
			s.MaxMessageSize = 4096
			return f.connector(t, s)
		},
		WantIDs:        docs,
		WantFailureIDs: failures,
		Windows:        windows,
		IDMatches:      func(s string) bool { return strings.HasPrefix(s, "imap://ada%40example.com@"+testHost+"/") },
		Requests:       func(tributary.Connector) int { return emus[len(emus)-1].Requests() },
		Synctest:       true,
	}
}

func TestThreadConformance(t *testing.T) {
	connectortest.Run(t, threadHarness(nil))
}

func TestThreadConformanceWithFaults(t *testing.T) {
	connectortest.Run(t, threadHarness(func(s *imapemu.Server) {
		s.FailEvery("FETCH", 6, imapemu.Dropped)
		s.FailEvery("SEARCH", 5, imapemu.Unavailable)
		s.FailEvery("SELECT", 7, imapemu.Slow)
	}))
}

// A thread's document holds its messages oldest first, each section
// linked to its message; the first message gives the title and the
// primary owner, the others' senders are secondary owners, and its update
// time is its latest message's INTERNALDATE.
func TestThreadDocument(t *testing.T) {
	f := newFixture(t)
	threadAccount(f.emu)
	s := f.settings()
	s.Threads = true
	s.Mailboxes = []string{"INBOX"}
	s.MaxMessageSize = 4096
	docs, _, err := collect(t, f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, err)
	var plan, huge *tributary.Document
	for _, d := range docs {
		switch d.ID {
		case threadID("INBOX", "a1@example.com"):
			plan = d
		case threadID("INBOX", "f1@example.com"):
			huge = d
		}
	}
	require.NotNil(t, plan)
	assert.Equal(t, "Plan", plan.Title)
	require.Len(t, plan.Sections, 3)
	assert.Equal(t, []string{id("INBOX", 1, 1), id("INBOX", 1, 3), id("INBOX", 1, 6)},
		[]string{plan.Sections[0].Link, plan.Sections[1].Link, plan.Sections[2].Link})
	assert.Equal(t, "Words of Re: Plan.", plan.Sections[2].Text)
	assert.Equal(t, "grace@example.com", plan.PrimaryOwners[0].Email)
	var secondary []string
	for _, p := range plan.SecondaryOwners {
		secondary = append(secondary, p.Email)
	}
	assert.ElementsMatch(t, []string{"ada@example.com", "alan@example.com"}, secondary)
	assert.True(t, plan.UpdatedAt.Equal(baseTime.Add(time.Hour+time.Second)))
	assert.Equal(t, []string{"3"}, plan.Metadata["messages"])
	require.NotNil(t, huge, "a thread whose first message is too large still has its reply")
	assert.Equal(t, []string{id("INBOX", 1, 8)}, huge.Metadata["messages_unread"])
	assert.Len(t, huge.Sections, 1)

	// A reply in a later poll carries the whole thread again.
	now := baseTime.Add(100 * time.Hour)
	f.emu.Append("INBOX", reply("a4@example.com", "ada@example.com", "Re: Plan", now, "a1@example.com", "a3@example.com"), now)
	docs, _, err = collect(t, f.connector(t, s), now.Add(-time.Minute), now.Add(time.Minute), nil)
	require.NoError(t, err)
	require.Len(t, docs, 1)
	assert.Equal(t, plan.ID, docs[0].ID)
	assert.Len(t, docs[0].Sections, 4)
}
