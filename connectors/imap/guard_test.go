package imap

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readConn is a net.Conn that reads from a buffer.
type readConn struct {
	net.Conn
	r io.Reader
}

func (c readConn) Read(p []byte) (int, error) { return c.r.Read(p) }
func (c readConn) Close() error               { return nil }

func guarded(s string, max int64) ([]byte, error) {
	g := &literalGuard{Conn: readConn{r: strings.NewReader(s)}, max: max}
	var out bytes.Buffer
	buf := make([]byte, 7) // small reads split markers across calls
	for {
		n, err := g.Read(buf)
		out.Write(buf[:n])
		if err == io.EOF {
			return out.Bytes(), nil
		}
		if err != nil {
			return out.Bytes(), err
		}
	}
}

// Literals within the bound pass, marker-like bytes inside a literal
// are skipped, and a literal announced over the bound cuts the
// connection before go-imap would allocate it.
func TestLiteralGuard(t *testing.T) {
	ok := "* LIST () \"/\" \"Archive{20240000000}\"\r\n* 1 FETCH (UID 1 BODY[] {12}\r\nsee {999999}\r\n)\r\n* 2 FETCH (BODY[] {3+}\r\nabc)\r\n"
	got, err := guarded(ok, 100)
	require.NoError(t, err)
	assert.Equal(t, ok, string(got))

	_, err = guarded("* 1 FETCH (UID 1 BODY[] {4000000000}\r\n", 100)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "literal over 100 bytes")

}
