package imap

import (
	"fmt"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/imapemu"
)

// BenchmarkLoad measures a full load of a 1,000-message mailbox over
// loopback TCP against the emulator: the connector's own cost per message
// (FETCH parsing, MIME decoding) and the commands it sends per message.
//
//	go test -run '^$' -bench Load -benchtime 3x ./connectors/imap/
func BenchmarkLoad(b *testing.B) {
	emu := imapemu.New(imapemu.Options{})
	defer emu.Close()
	for i := range 1000 {
		at := baseTime.Add(time.Duration(i) * time.Second)
		emu.Append("INBOX", letter("Grace <grace@example.com>", "ada@example.com", fmt.Sprintf("Message %d", i),
			fmt.Sprintf("Message %d of the benchmark mailbox, with a line of text.", i), at), at)
	}
	addr, err := emu.Listen()
	if err != nil {
		b.Fatal(err)
	}
	host, port := splitAddr(b, addr)
	c, err := New(Settings{Host: host, Port: port, Security: SecurityPlain}, testCredentials(), tributary.Env{AllowPrivateNetwork: true})
	if err != nil {
		b.Fatal(err)
	}
	connectortest.BenchLoad(b, c, emu.Requests, 0)
}
