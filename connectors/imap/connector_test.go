package imap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/imapemu"
)

func collect(t *testing.T, c *Connector, start, end time.Time, cp tributary.Checkpoint) (docs []*tributary.Document, items []tributary.Item, err error) {
	t.Helper()
	for it, e := range c.LoadFromCheckpoint(context.Background(), start, end, cp) {
		if e != nil {
			return docs, items, e
		}
		items = append(items, it)
		if it.Document != nil {
			docs = append(docs, it.Document)
		}
	}
	return docs, items, nil
}

func docIDs(docs []*tributary.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

// A message's document carries its subject, sender, recipients, dates,
// mailbox and owner, and the nodes of the account and mailbox come first.
func TestDocument(t *testing.T) {
	f := newFixture(t)
	sent := time.Date(2024, 2, 29, 18, 0, 0, 0, time.FixedZone("", -5*3600))
	body := "From: Grace Hopper <grace@example.com>\r\nTo: Ada <ada@example.com>\r\nCc: alan@example.com\r\n" +
		"Subject: =?utf-8?q?Caf=C3=A9_notes?=\r\nDate: " + sent.Format(time.RFC1123Z) + "\r\nMessage-ID: <n1@example.com>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nSee the caf=C3=A9.\r\n" +
		"--b\r\nContent-Type: application/pdf; name=menu.pdf\r\nContent-Disposition: attachment; filename=menu.pdf\r\n\r\n%PDF\r\n--b--\r\n"
	uid := f.emu.Append("Work/Notes", []byte(body), baseTime)
	docs, items, err := collect(t, f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.NoError(t, err)
	require.Len(t, docs, 1)
	d := docs[0]
	want := id("Work/Notes", 1, uid)
	assert.Equal(t, want, d.ID)
	assert.Equal(t, "Café notes", d.Title)
	assert.Equal(t, "See the café.", d.Sections[0].Text)
	assert.Equal(t, want, d.Sections[0].Link)
	assert.Equal(t, "grace@example.com", d.PrimaryOwners[0].Email)
	require.Len(t, d.SecondaryOwners, 2)
	assert.Equal(t, "alan@example.com", d.SecondaryOwners[1].Email)
	assert.True(t, d.CreatedAt.Equal(sent), "Date is the creation time")
	assert.True(t, d.UpdatedAt.Equal(baseTime), "INTERNALDATE is the update time")
	assert.Equal(t, []string{"ada@example.com"}, d.ExternalAccess.UserEmails)
	assert.Equal(t, []string{"Work/Notes"}, d.Metadata["mailbox"])
	assert.Equal(t, []string{"n1@example.com"}, d.Metadata["message_id"])
	assert.Equal(t, []string{"menu.pdf"}, d.Metadata["attachments"])
	var nodes []*tributary.HierarchyNode
	for _, it := range items {
		if it.Node != nil {
			nodes = append(nodes, it.Node)
		}
	}
	require.Len(t, nodes, 2, "the empty INBOX has no node")
	assert.Equal(t, "imap://ada%40example.com@"+testHost+"/", nodes[0].ID)
	assert.Equal(t, nodes[0].ID+"Work/Notes", nodes[1].ID)
	assert.Equal(t, nodes[0].ID, nodes[1].ParentID)
	assert.Equal(t, nodes[1].ID, d.ParentID)
}

// A mailbox whose UIDVALIDITY changed is read again from its start when
// the run resumes: the checkpoint's UID belongs to the old numbering.
func TestNewUIDValidityRestartsTheMailbox(t *testing.T) {
	f := newFixture(t)
	for i := range 6 {
		f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "Note "+itoa(i), "x", baseTime), baseTime)
	}
	c := f.connector(t, f.settings())
	cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, position{Mailbox: "INBOX", Validity: 1, After: 4})
	require.NoError(t, err)
	docs, _, err := collect(t, c, time.Time{}, time.Time{}, cp)
	require.NoError(t, err)
	assert.Equal(t, []string{id("INBOX", 1, 5), id("INBOX", 1, 6)}, docIDs(docs), "the same UIDVALIDITY resumes after the UID")

	f.emu.Expunge("INBOX", 2)
	require.Equal(t, uint32(2), f.emu.Renumber("INBOX"))
	docs, _, err = collect(t, c, time.Time{}, time.Time{}, cp)
	require.NoError(t, err)
	assert.Equal(t, []string{id("INBOX", 2, 1), id("INBOX", 2, 2), id("INBOX", 2, 3), id("INBOX", 2, 4), id("INBOX", 2, 5)}, docIDs(docs))
}

// SEARCH SINCE and BEFORE have day precision in the server's zone: a
// message stored late in the evening in UTC is on the next day at a
// server east of Greenwich, one stored just after midnight is on the day
// before at a server west of it, and polls still find each, and only it.
func TestPollWidensSearchDaysAndFiltersExactly(t *testing.T) {
	for _, tc := range []struct {
		name string
		at   time.Time
		zone *time.Location
	}{
		{"east", time.Date(2024, 3, 1, 23, 30, 0, 0, time.UTC), time.FixedZone("", 5*3600)},
		{"west", time.Date(2024, 3, 2, 0, 30, 0, 0, time.UTC), time.FixedZone("", -5*3600)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			in := f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "In", "x", tc.at), tc.at.In(tc.zone))
			f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "Later", "x", tc.at), tc.at.Add(time.Hour).In(tc.zone))
			f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "Earlier", "x", tc.at), tc.at.Add(-time.Hour).In(tc.zone))
			docs, _, err := collect(t, f.connector(t, f.settings()), tc.at.Add(-29*time.Minute), tc.at.Add(29*time.Minute), nil)
			require.NoError(t, err)
			require.Equal(t, []string{id("INBOX", 1, in)}, docIDs(docs))
			assert.True(t, docs[0].UpdatedAt.Equal(tc.at))
		})
	}
}

// A BAD answer is not retried: the run ends with it at once.
func TestBadAnswerEndsTheRun(t *testing.T) {
	f := newFixture(t)
	f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "Hi", "x", baseTime), baseTime)
	f.emu.FailEvery("FETCH", 1, imapemu.Bad)
	before := f.emu.Requests()
	_, _, err := collect(t, f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "BAD")
	assert.False(t, errors.Is(err, tributary.ErrTransient))
	assert.Equal(t, 1, f.emu.Faults()["bad"])
	assert.Less(t, f.emu.Requests()-before, 6)
}

// A refused login is ErrCredentialExpired and names neither password.
func TestRefusedLogin(t *testing.T) {
	f := newFixture(t)
	cr := testCredentials()
	cr.Password = tributary.NewSecret("hunter2-secret")
	c := f.connectorWith(t, f.settings(), cr)
	err := c.Validate(context.Background())
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.Contains(t, err.Error(), "AUTHENTICATIONFAILED")
	assert.NotContains(t, err.Error(), "hunter2")
	_, _, err = collect(t, c, time.Time{}, time.Time{}, nil)
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
}

// A configured mailbox that does not exist fails Validate with
// ErrNotFound; one deleted between LIST and EXAMINE is skipped.
func TestMissingMailbox(t *testing.T) {
	f := newFixture(t)
	s := f.settings()
	s.Mailboxes = []string{"INBOX", "Nowhere"}
	err := f.connector(t, s).Validate(context.Background())
	require.ErrorIs(t, err, tributary.ErrNotFound)
	assert.Contains(t, err.Error(), "Nowhere")
}

// Settings and credentials problems are named, all at once.
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Settings
		c    Credentials
		want []string
	}{
		{"empty", Settings{}, Credentials{}, []string{"settings.host", "credentials.username", "credentials.password"}},
		{"bad values", Settings{Host: "imap.example.com", Port: 70000, Security: "ssl", PageSize: 9000, CACertificate: "nope", Mailboxes: []string{""}},
			testCredentials(), []string{"settings.port", "settings.security", "settings.page_size", "settings.ca_certificate", "settings.mailboxes[0]"}},
		{"plain to a public host", Settings{Host: "imap.example.com", Security: SecurityPlain}, testCredentials(), []string{"settings.security"}},
		{"no address", Settings{Host: "imap.example.com"}, Credentials{Username: "ada", Password: tributary.NewSecret("p")}, []string{"settings.address"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.s, tc.c, tributary.Env{})
			require.ErrorIs(t, err, tributary.ErrInvalidConfig)
			var fields []string
			for _, p := range tributary.ConfigProblems(err) {
				fields = append(fields, p.Field)
			}
			for _, w := range tc.want {
				assert.Contains(t, fields, w)
			}
		})
	}
	for _, s := range []Settings{
		{Host: "imap.example.com", Security: SecurityPlain, AllowInsecure: true},
		{Host: "192.168.1.20", Security: SecurityPlain},
		{Host: "localhost", Security: SecurityStartTLS},
	} {
		_, err := New(s, testCredentials(), tributary.Env{})
		assert.NoError(t, err, "%+v", s)
	}
}

// A loopback or private host is refused unless the host allows private
// networks, before anything is sent.
func TestAddressGuard(t *testing.T) {
	emu := imapemu.New(imapemu.Options{})
	t.Cleanup(emu.Close)
	addr, err := emu.Listen()
	require.NoError(t, err)
	host, port := splitAddr(t, addr)
	s := Settings{Host: host, Port: port, Security: SecurityPlain}
	c, err := New(s, testCredentials(), tributary.Env{})
	require.NoError(t, err)
	err = c.Validate(context.Background())
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	require.ErrorIs(t, err, httpx.ErrForbiddenAddress)
	assert.Equal(t, 0, emu.Requests())

	c, err = New(s, testCredentials(), tributary.Env{AllowPrivateNetwork: true})
	require.NoError(t, err)
	require.NoError(t, c.Validate(context.Background()))
}

// Over TLS and STARTTLS on loopback the connector trusts the server's
// certificate through ca_certificate, and refuses it without.
func TestTLSAndStartTLS(t *testing.T) {
	cfg, pem, err := imapemu.TestCertificate()
	require.NoError(t, err)
	emu := imapemu.New(imapemu.Options{TLS: cfg})
	t.Cleanup(emu.Close)
	uid := emu.Append("INBOX", letter("a@example.com", "ada@example.com", "Secure", "x", baseTime), baseTime)
	tlsAddr, err := emu.ListenTLS()
	require.NoError(t, err)
	plainAddr, err := emu.Listen()
	require.NoError(t, err)
	env := tributary.Env{AllowPrivateNetwork: true}
	for _, tc := range []struct {
		security Security
		addr     string
	}{{SecurityTLS, tlsAddr}, {SecurityStartTLS, plainAddr}} {
		t.Run(string(tc.security), func(t *testing.T) {
			host, port := splitAddr(t, tc.addr)
			s := Settings{Host: host, Port: port, Security: tc.security}
			c, err := New(s, testCredentials(), env)
			require.NoError(t, err)
			err = c.Validate(context.Background())
			require.ErrorIs(t, err, tributary.ErrInvalidConfig, "an unknown authority is refused")
			assert.Contains(t, err.Error(), "ca_certificate")

			s.CACertificate = string(pem)
			c, err = New(s, testCredentials(), env)
			require.NoError(t, err)
			require.NoError(t, c.Validate(context.Background()))
			var got []string
			for d, err := range c.Load(context.Background()) {
				require.NoError(t, err)
				got = append(got, d.ID)
			}
			assert.Equal(t, []string{"imap://ada%40example.com@" + host + ":" + itoa(port) + "/INBOX;UIDVALIDITY=1/;UID=" + itoa(int(uid))}, got)
		})
	}

	// A server that offers no STARTTLS is refused, not spoken to in plain text.
	bare := imapemu.New(imapemu.Options{})
	t.Cleanup(bare.Close)
	addr, err := bare.Listen()
	require.NoError(t, err)
	host, port := splitAddr(t, addr)
	c, err := New(Settings{Host: host, Port: port, Security: SecurityStartTLS}, testCredentials(), env)
	require.NoError(t, err)
	err = c.Validate(context.Background())
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "STARTTLS")
}

// The runner drives the connector end to end: a run that crashes halfway
// resumes from its stored checkpoint, the next poll delivers only the new
// message, a prune removes the expunged one, and a renumbered mailbox is
// delivered under its new ids while the old ones are pruned.
func TestRunnerResumesPollsAndPrunes(t *testing.T) {
	f := newFixture(t)
	var ids []string
	for i := range 40 {
		uid := f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "Note "+itoa(i), "x", baseTime), baseTime.Add(time.Duration(i)*time.Second))
		ids = append(ids, id("INBOX", 1, uid))
	}
	s := f.settings()
	s.PageSize = 10
	c := f.connector(t, s)
	now := baseTime.Add(24 * time.Hour)
	sink := &connectortest.Sink{CrashAt: 2}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 8, Now: func() time.Time { return now }}

	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.ErrorIs(t, err, connectortest.ErrSinkCrashed)
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	assert.ElementsMatch(t, ids, sink.IDs())
	assert.LessOrEqual(t, sink.Repeats(), 8)

	now = now.Add(time.Hour)
	uid := f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "New", "x", baseTime), now.Add(-time.Minute))
	f.emu.Expunge("INBOX", 7)
	sink.Reset()
	_, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{id("INBOX", 1, uid)}, sink.IDs())
	pr, err := r.Prune(context.Background(), c, tributary.PruneOptions{})
	require.NoError(t, err)
	assert.Equal(t, 40, pr.Listed)
	assert.Equal(t, 1, pr.Deleted)

	f.emu.Renumber("INBOX")
	sink.Reset()
	_, err = r.Run(context.Background(), c, tributary.RunOptions{Full: true})
	require.NoError(t, err)
	assert.Len(t, sink.IDs(), 40)
	assert.True(t, strings.Contains(sink.IDs()[0], ";UIDVALIDITY=2/"))
	pr, err = r.Prune(context.Background(), c, tributary.PruneOptions{Force: true})
	require.NoError(t, err)
	assert.Equal(t, 40, pr.Deleted, "the old numbering's documents go")
}

// With attachments on, the text of a message's attachments joins its
// document, a section per attachment headed by its name; images are left
// alone and a broken PDF is named as unread, the message standing.
func TestAttachments(t *testing.T) {
	f := newFixture(t)
	body := "From: grace@example.com\r\nTo: ada@example.com\r\nSubject: Files\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n" +
		"--b\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: attachment; filename=notes.txt\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"VGhlIGVuZ2luZSBydW5zLg==\r\n" +
		"--b\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"team.csv\"\r\n\r\nname,role\r\nAda,lead\r\n" +
		"--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=logo.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=broken.pdf\r\n\r\n%PDF-1.4 not really\r\n" +
		"--b--\r\n"
	f.emu.Append("INBOX", []byte(body), baseTime)
	s := f.settings()
	docs, _, err := collect(t, f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, err)
	require.Len(t, docs, 1)
	assert.Len(t, docs[0].Sections, 1, "attachments are off by default")
	assert.Equal(t, []string{"notes.txt", "team.csv", "logo.png", "broken.pdf"}, docs[0].Metadata["attachments"])

	s.Attachments = true
	docs, _, err = collect(t, f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, err)
	require.Len(t, docs, 1)
	d := docs[0]
	var headings []string
	for _, sec := range d.Sections[1:] {
		headings = append(headings, sec.Heading)
		assert.Equal(t, d.ID, sec.Link)
	}
	assert.Equal(t, "See attached.", d.Sections[0].Text)
	require.GreaterOrEqual(t, len(d.Sections), 3)
	assert.Equal(t, "notes.txt", headings[0])
	assert.Equal(t, "The engine runs.", d.Sections[1].Text)
	assert.Contains(t, headings[1], "team.csv")
	assert.Equal(t, tributary.SectionTable, d.Sections[2].Kind)
	assert.Equal(t, []string{"broken.pdf"}, d.Metadata["attachments_unread"])
}

// A mailbox renumbered while it is read ends the run when the connector
// reconnects and finds the new UIDVALIDITY; resuming from the last
// checkpoint reads the mailbox again under its new ids.
func TestUIDValidityChangingDuringTheRun(t *testing.T) {
	synctest.Test(t, uidValidityChangingDuringTheRun)
}

func uidValidityChangingDuringTheRun(t *testing.T) {
	f := newFixture(t)
	for i := range 6 {
		f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "Note "+itoa(i), "x", baseTime), baseTime)
	}
	s := f.settings()
	s.PageSize = 2
	c := f.connector(t, s)
	var last tributary.Checkpoint
	var err error
	docs := 0
	for it, e := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		if e != nil {
			err = e
			break
		}
		if it.Checkpoint != nil {
			last = it.Checkpoint
		}
		if it.Document != nil {
			if docs++; docs == 2 {
				f.emu.Renumber("INBOX")
				f.emu.FailEvery("FETCH", 1, imapemu.Dropped)
			}
		}
	}
	require.ErrorIs(t, err, errValidityChanged)
	require.NotNil(t, last)
	f.emu.ClearFaults()
	resumed, _, err := collect(t, c, time.Time{}, time.Time{}, last)
	require.NoError(t, err)
	assert.Equal(t, []string{id("INBOX", 2, 1), id("INBOX", 2, 2), id("INBOX", 2, 3), id("INBOX", 2, 4), id("INBOX", 2, 5), id("INBOX", 2, 6)}, docIDs(resumed))
}

// A FETCH answer with a line that does not parse is not taken as the
// mailbox's content (go-imap drops the line and goes on): the command is
// tried again, and a server that never answers cleanly ends the run with
// an error rather than with messages missing.
func TestGarbledFetchIsRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, every := range []int{3, 1} {
			f := newFixture(t)
			var want []string
			for i := range 8 {
				want = append(want, id("INBOX", 1, f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "N"+itoa(i), "x", baseTime), baseTime)))
			}
			f.emu.FailEvery("FETCH", every, imapemu.Garbled)
			s := f.settings()
			s.PageSize = 4
			docs, _, err := collect(t, f.connector(t, s), time.Time{}, time.Time{}, nil)
			assert.NotZero(t, f.emu.Faults()["garbled"])
			if every == 1 {
				require.ErrorIs(t, err, tributary.ErrTransient)
				assert.Contains(t, err.Error(), "does not parse")
				continue
			}
			require.NoError(t, err)
			assert.Equal(t, want, docIDs(docs))
		}
	})
}

// Neither the password nor the login command reaches a log line or an
// error, through retries of dropped connections and a refused login.
func TestPasswordStaysOutOfLogs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t)
		f.emu.Append("INBOX", letter("a@example.com", "ada@example.com", "Hi", "x", baseTime), baseTime)
		f.emu.FailEvery("FETCH", 2, imapemu.Dropped)
		f.emu.FailEvery("LOGIN", 3, imapemu.Unavailable)
		var logs strings.Builder
		env := tributary.Env{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
		for _, password := range []string{imapemu.Password, "wrong-" + imapemu.Password} {
			c, err := New(f.settings(), Credentials{Username: imapemu.Username, Password: tributary.NewSecret(password)}, env)
			require.NoError(t, err)
			c.dial = f.emu.Dial
			for _, err := range c.Load(context.Background()) {
				if err != nil {
					assert.NotContains(t, err.Error(), imapemu.Password)
					assert.NotContains(t, fmt.Sprintf("%+v", err), imapemu.Password)
				}
			}
			assert.NotContains(t, fmt.Sprintf("%v %+v", c, c), imapemu.Password)
		}
		assert.Contains(t, logs.String(), "retrying", "the retries were logged")
		assert.NotContains(t, logs.String(), imapemu.Password)
	})
}
