package imapemu

import (
	"github.com/emersion/go-imap/server"
)

// faulty is a server extension that wraps the FETCH and LIST handlers
// with the fault schedule. go-imap writes the answers of both from a
// goroutine of their own that an error from the backend does not wait
// for, so a fault is applied before the handler starts (NO, BAD, a delay)
// or by the backend returning normally after it closed the connection (a
// drop): otherwise the writer would outlive the connection.
type faulty struct{ s *Server }

func (faulty) Capabilities(server.Conn) []string { return nil }

func (f faulty) Command(name string) server.HandlerFactory {
	switch name {
	case "FETCH":
		return func() server.Handler { return &fetchHandler{s: f.s} }
	case "LIST":
		return func() server.Handler { return &listHandler{s: f.s} }
	}
	return nil
}

// before applies the fault a command meets: it marks the connection to be
// dropped by the backend, or waits and answers.
func (s *Server) before(command string, conn server.Conn) error {
	f, ok := s.call(command)
	if !ok {
		return nil
	}
	remote := conn.Info().RemoteAddr.String()
	if f.Drop || f.Garble {
		s.mu.Lock()
		s.drops[remote] = s.drops[remote] || f.Drop
		s.garbles[remote] = s.garbles[remote] || f.Garble
		s.mu.Unlock()
		return nil
	}
	return s.answer(remote, f)
}

type fetchHandler struct {
	server.Fetch
	s *Server
}

func (h *fetchHandler) Handle(conn server.Conn) error {
	if err := h.s.before("FETCH", conn); err != nil {
		return err
	}
	return h.Fetch.Handle(conn)
}

func (h *fetchHandler) UidHandle(conn server.Conn) error {
	if err := h.s.before("FETCH", conn); err != nil {
		return err
	}
	return h.Fetch.UidHandle(conn)
}

type listHandler struct {
	server.List
	s *Server
}

func (h *listHandler) Handle(conn server.Conn) error {
	if err := h.s.before("LIST", conn); err != nil {
		return err
	}
	return h.List.Handle(conn)
}
