package imap

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/imapemu"
)

// testHost is the host the fixtures' connectors name; they reach the
// emulator in memory whatever it is.
const testHost = "imap.example.test"

// baseTime is the INTERNALDATE of the fixtures' messages unless a test
// says otherwise.
var baseTime = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// fixture is an emulated account.
type fixture struct {
	emu *imapemu.Server
}

// newFixture starts an emulator served in memory, so it works inside a
// synctest bubble.
func newFixture(t testing.TB) *fixture {
	emu := imapemu.New(imapemu.Options{})
	t.Cleanup(emu.Close)
	return &fixture{emu: emu}
}

func (f *fixture) settings() Settings {
	return Settings{Host: testHost, Security: SecurityPlain, AllowInsecure: true}
}

func testCredentials() Credentials {
	return Credentials{Username: imapemu.Username, Password: tributary.NewSecret(imapemu.Password)}
}

// connector opens a connector on s that dials the emulator in memory.
func (f *fixture) connector(t testing.TB, s Settings) *Connector {
	t.Helper()
	return f.connectorWith(t, s, testCredentials())
}

func (f *fixture) connectorWith(t testing.TB, s Settings, cr Credentials) *Connector {
	t.Helper()
	c, err := New(s, cr, tributary.Env{})
	if err != nil {
		t.Fatal(err)
	}
	c.dial = f.emu.Dial
	return c
}

// mail returns a small message.
func letter(from, to, subject, body string, date time.Time) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@example.com>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, to, subject, date.Format(time.RFC1123Z), strings.ReplaceAll(strings.ToLower(subject), " ", "-"), body))
}

// id is the document id of a message of the account the fixtures serve
// over the default host and port.
func id(mailbox string, validity, uid uint32) string {
	return fmt.Sprintf("imap://ada%%40example.com@%s/%s;UIDVALIDITY=%d/;UID=%d", testHost, mailbox, validity, uid)
}

func splitAddr(t testing.TB, addr string) (string, int) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	return host, n
}

func itoa(i int) string { return strconv.Itoa(i) }
