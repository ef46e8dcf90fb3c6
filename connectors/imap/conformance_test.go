package imap

import (
	"strings"
	"testing"
	"time"

	imapv1 "github.com/emersion/go-imap"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/imapemu"
)

// conformanceAccount fills an account with the fixture every conformance
// check gets a fresh copy of, and returns what a load must yield.
func conformanceAccount(emu *imapemu.Server) (docs, failures []string, windows []connectortest.Window) {
	t1, t2, t3 := baseTime.Add(time.Hour), baseTime.Add(26*time.Hour), baseTime.Add(50*time.Hour)
	add := func(mailbox string, body []byte, at time.Time, doc bool) {
		uid := emu.Append(mailbox, body, at)
		if doc {
			docs = append(docs, id(mailbox, 1, uid))
		} else {
			failures = append(failures, id(mailbox, 1, uid))
		}
	}
	for i := range 12 {
		add("INBOX", letter("Grace <grace@example.com>", "ada@example.com", "Note "+itoa(i), "Some words.", baseTime), baseTime, true)
	}
	add("INBOX", letter("Grace <grace@example.com>", "ada@example.com", "Lunch", "At noon?", t1), t1, true)
	add("INBOX", letter("Alan <alan@example.com>", "ada@example.com, grace@example.com", "Engine", "The notes.", t1), t1.Add(time.Second), true)
	add("INBOX", []byte("this is not a header\r\n\r\nbody\r\n"), baseTime, false)
	add("INBOX", letter("Big <big@example.com>", "ada@example.com", "Huge", strings.Repeat("x", 5000), baseTime), baseTime, false)
	emu.CreateMailbox("[Gmail]", imapv1.NoSelectAttr)
	emu.CreateMailbox("Empty")
	for i := range 3 {
		add("Archive/2024", letter("Ada <ada@example.com>", "alan@example.com", "Archived "+itoa(i), "Old.", t2), t2.Add(time.Duration(i)*time.Minute), true)
	}
	emu.Append("Spam", letter("Spam <spam@example.net>", "ada@example.com", "Win", "Prizes.", t2), t2)
	windows = []connectortest.Window{
		{Start: t1, End: t2, WantIDs: docs[12:14]},
		{Start: t2, End: t3, WantIDs: docs[14:17]},
		{Start: t3, End: t3.Add(time.Hour)},
	}
	return docs, failures, windows
}

func conformanceHarness(faults func(*imapemu.Server)) (connectortest.Harness, *[]*imapemu.Server) {
	docs, failures, windows := conformanceAccount(imapemu.New(imapemu.Options{}))
	var emus []*imapemu.Server
	open := func(t testing.TB, password string) tributary.Connector {
		f := newFixture(t)
		conformanceAccount(f.emu)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 5
		s.Exclude = []string{"Spam"}
		s.MaxMessageSize = 4096
		cr := testCredentials()
		cr.Password = tributary.NewSecret(password)
		return f.connectorWith(t, s, cr)
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, imapemu.Password) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "wrong-password") },
		WantIDs:        docs,
		WantFailureIDs: failures,
		Windows:        windows,
		IDMatches:      func(s string) bool { return strings.HasPrefix(s, "imap://ada%40example.com@"+testHost+"/") },
		Requests:       func(tributary.Connector) int { return emus[len(emus)-1].Requests() },
		Synctest:       true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the server dropping
// connections in the middle of FETCHes, answering NO [UNAVAILABLE],
// sending FETCH lines that do not parse and answering slowly. Every document still arrives, through reconnections
// and retries with backoff, in fake time.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *imapemu.Server) {
		s.FailEvery("FETCH", 6, imapemu.Dropped)
		s.FailEvery("SELECT", 5, imapemu.Unavailable)
		s.FailEvery("FETCH", 11, imapemu.Unavailable)
		s.FailEvery("FETCH", 13, imapemu.Garbled)
		s.FailEvery("SEARCH", 3, imapemu.Slow)
		s.FailEvery("LIST", 3, imapemu.Dropped)
	})
	connectortest.Run(t, h)
	faults := map[string]int{}
	for _, e := range *emus {
		for k, n := range e.Faults() {
			faults[k] += n
		}
	}
	for _, f := range []string{"drop", "unavailable", "slow", "garbled"} {
		if faults[f] < 5 {
			t.Errorf("fault %s happened %d times", f, faults[f])
		}
	}
	t.Logf("faults injected: %v", faults)
}
