package imapemu

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

var at = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

const note = "From: a@example.com\r\nSubject: Hi\r\n\r\nHello.\r\n"

func fetchAll(t *testing.T, c *client.Client, mailbox string) []*imap.Message {
	t.Helper()
	if _, err := c.Select(mailbox, true); err != nil {
		t.Fatal(err)
	}
	set := &imap.SeqSet{}
	set.AddRange(1, 0)
	ch := make(chan *imap.Message, 10)
	section := &imap.BodySectionName{Peek: true}
	done := make(chan error, 1)
	go func() {
		done <- c.UidFetch(set, []imap.FetchItem{imap.FetchUid, imap.FetchInternalDate, section.FetchItem()}, ch)
	}()
	var out []*imap.Message
	for m := range ch {
		out = append(out, m)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return out
}

func login(t *testing.T, c *client.Client) {
	t.Helper()
	c.ErrorLog = discard{}
	t.Cleanup(func() { c.Logout() })
	if err := c.Login(Username, Password); err != nil {
		t.Fatal(err)
	}
}

// The server serves its messages with their UIDs and INTERNALDATEs in
// memory, and renumbering gives new UIDs under a new UIDVALIDITY.
func TestServeInMemory(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.Append("INBOX", []byte(note), at)
	s.Append("INBOX", []byte(note), at.Add(time.Hour))
	s.Expunge("INBOX", 1)
	conn, err := s.Dial(context.Background(), "tcp", "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(conn)
	if err != nil {
		t.Fatal(err)
	}
	login(t, c)
	msgs := fetchAll(t, c, "INBOX")
	if len(msgs) != 1 || msgs[0].Uid != 2 || !msgs[0].InternalDate.Equal(at.Add(time.Hour)) {
		t.Fatalf("got %+v", msgs)
	}
	b, _ := io.ReadAll(msgs[0].GetBody(&imap.BodySectionName{Peek: true}))
	if string(b) != note {
		t.Errorf("body %q", b)
	}
	if v := s.Renumber("INBOX"); v != 2 {
		t.Errorf("new UIDVALIDITY %d", v)
	}
	st, err := c.Select("INBOX", true)
	if err != nil || st.UidValidity != 2 || st.UidNext != 2 {
		t.Fatalf("after renumbering: %+v, %v", st, err)
	}
}

// Over TLS a client that trusts the test certificate logs in; a wrong
// password is NO [AUTHENTICATIONFAILED].
func TestServeTLS(t *testing.T) {
	cfg, pemCert, err := TestCertificate()
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{TLS: cfg})
	defer s.Close()
	s.Append("INBOX", []byte(note), at)
	addr, err := s.ListenTLS()
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemCert)
	c, err := client.DialTLS(addr, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	c.ErrorLog = discard{}
	defer c.Logout()
	if err := c.Login(Username, "wrong"); err == nil {
		t.Fatal("a wrong password logged in")
	}
	login(t, c)
	if msgs := fetchAll(t, c, "INBOX"); len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
}

// A dropped FETCH closes the connection; NO [UNAVAILABLE] answers the
// command and the connection goes on.
func TestFaults(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	for range 4 {
		s.Append("INBOX", []byte(note), at)
	}
	s.FailEvery("FETCH", 1, Unavailable)
	addr, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	login(t, c)
	if _, err := c.Select("INBOX", true); err != nil {
		t.Fatal(err)
	}
	set := &imap.SeqSet{}
	set.AddRange(1, 4)
	if err := c.UidFetch(set, []imap.FetchItem{imap.FetchUid}, make(chan *imap.Message, 10)); err == nil {
		t.Fatal("an injected NO was not an error")
	}
	s.mu.Lock()
	s.faults = []*schedule{{command: "FETCH", every: 1, fault: Dropped}}
	s.mu.Unlock()
	ch := make(chan *imap.Message, 10)
	if err := c.UidFetch(set, []imap.FetchItem{imap.FetchUid}, ch); err == nil {
		t.Fatal("a dropped FETCH was not an error")
	}
	select {
	case <-c.LoggedOut():
	case <-time.After(10 * time.Second):
		t.Fatal("the connection stayed open")
	}
	if got := s.Faults(); got["drop"] != 1 {
		t.Errorf("faults %v", got)
	}
}
