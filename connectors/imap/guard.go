package imap

import (
	"fmt"
	"net"
	"sync"
)

// literalGuard watches what the server sends for literal lengths
// ("{N}\r\n") over a bound: go-imap's client allocates a literal whole
// before reading it, so a server announcing gigabytes would exhaust
// memory. Only messages within max_message_size are fetched, so a longer
// literal is a server misbehaving; the connection is cut before the
// allocation and the session reports why.
type literalGuard struct {
	net.Conn
	max int64

	mu  sync.Mutex
	err error
	// off stops the scan: after STARTTLS the guard sits below TLS and sees
	// only ciphertext (go-imap's upgrade cannot be wrapped), so
	// starttls sessions go without it.
	off  bool
	skip int64 // bytes of a literal still to pass
	// state of a marker being read: 0 outside, 1 after "{", 2 after the
	// digits (and "+"), 3 after "}", 4 after "}\r".
	state int
	n     int64
}

func (g *literalGuard) Read(p []byte) (int, error) {
	n, err := g.Conn.Read(p)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil {
		return 0, g.err
	}
	if g.off {
		return n, err
	}
	for _, b := range p[:n] {
		if g.skip > 0 {
			g.skip--
			continue
		}
		g.scan(b)
		if g.err != nil {
			g.Conn.Close()
			return 0, g.err
		}
	}
	return n, err
}

// scan moves the marker state by one byte outside literals.
func (g *literalGuard) scan(b byte) {
	switch {
	case b == '{':
		g.state, g.n = 1, 0
	case (g.state == 1 || g.state == 2) && '0' <= b && b <= '9':
		g.state = 2
		g.n = min(g.n*10+int64(b-'0'), g.max+1) // saturates, never overflows
	case g.state == 2 && b == '+':
	case g.state == 2 && b == '}':
		g.state = 3
	case g.state == 3 && b == '\r':
		g.state = 4
	case g.state == 4 && b == '\n':
		// Only a literal ends a line with "{N}": quoted strings hold no
		// line breaks.
		if g.n > g.max {
			g.err = fmt.Errorf("server announced a literal over %d bytes (larger than max_message_size allows)", g.max)
		}
		g.state, g.skip = 0, g.n
	default:
		g.state = 0
	}
}

// failure returns why the guard cut the connection, or nil.
func (g *literalGuard) failure() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

// stop turns the scan off.
func (g *literalGuard) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.off = true
}
