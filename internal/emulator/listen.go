package emulator

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Start serves the emulator on a real loopback listener (httptest) and
// returns its base URL, such as "http://127.0.0.1:54321". Clients need
// Env.AllowPrivateNetwork to reach it. Do not use it inside a
// testing/synctest bubble: use Transport there.
func (s *Server) Start() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.real == nil {
		s.real = httptest.NewServer(s)
	}
	return s.real.URL
}

// StartTLS is Start over HTTPS with httptest's certificate; use
// Server.TLSClient's transport to trust it.
func (s *Server) StartTLS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.real == nil {
		s.real = httptest.NewTLSServer(s)
	}
	return s.real.URL
}

// TLSClient returns a client that trusts the certificate of StartTLS.
func (s *Server) TLSClient() *http.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.real == nil {
		return nil
	}
	return s.real.Client()
}

// Transport returns a RoundTripper that reaches the emulator in memory,
// whatever host a URL names, over net.Pipe connections served by a real
// http.Server: hijacking, resets and slow answers behave as on a network,
// yet nothing blocks on real I/O, so it works inside a testing/synctest
// bubble. An https URL is served as plain HTTP, so connectors can keep
// their real base URLs. Create the Server inside the bubble and Close it
// before the bubble ends. Each call returns a new RoundTripper.
func (s *Server) Transport() http.RoundTripper {
	s.mu.Lock()
	if s.mem == nil {
		s.mem = newMemServer(s)
	}
	m := s.mem
	s.mu.Unlock()
	t := &http.Transport{DialContext: m.dial, MaxIdleConnsPerHost: 64, ForceAttemptHTTP2: false}
	m.track(t)
	return plainTransport{t}
}

// plainTransport sends https requests as plain HTTP over the pipe.
type plainTransport struct{ t *http.Transport }

func (p plainTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "https" {
		return p.t.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.URL.Scheme = "http"
	out.Header.Set("X-Forwarded-Proto", "https") // links the emulator builds keep https
	resp, err := p.t.RoundTrip(out)
	if resp != nil {
		resp.Request = req
	}
	return resp, err
}

// DialContext connects to the emulator in memory whatever the address, for
// tests that build their own *http.Transport (to exercise its timeouts);
// the connection is served like those of Transport.
func (s *Server) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	s.mu.Lock()
	if s.mem == nil {
		s.mem = newMemServer(s)
	}
	m := s.mem
	s.mu.Unlock()
	return m.dial(ctx, network, addr)
}

// Client returns an *http.Client over Transport.
func (s *Server) Client() *http.Client { return &http.Client{Transport: s.Transport()} }

// Close stops the listener and the in-memory server and closes every
// connection.
func (s *Server) Close() {
	s.mu.Lock()
	real, mem := s.real, s.mem
	s.real, s.mem = nil, nil
	s.mu.Unlock()
	if real != nil {
		real.Close()
	}
	if mem != nil {
		mem.close()
	}
}

// memServer serves the emulator over in-memory pipes.
type memServer struct {
	srv    *http.Server
	conns  chan net.Conn
	done   chan struct{}
	once   sync.Once
	served sync.WaitGroup

	mu         sync.Mutex
	transports []*http.Transport
}

func newMemServer(h http.Handler) *memServer {
	m := &memServer{srv: &http.Server{Handler: h}, conns: make(chan net.Conn), done: make(chan struct{})}
	m.served.Go(func() { m.srv.Serve(memListener{m}) })
	return m
}

func (m *memServer) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case m.conns <- server:
		return client, nil
	case <-m.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (m *memServer) track(t *http.Transport) {
	m.mu.Lock()
	m.transports = append(m.transports, t)
	m.mu.Unlock()
}

func (m *memServer) close() {
	m.once.Do(func() { close(m.done) })
	m.srv.Close()
	m.mu.Lock()
	for _, t := range m.transports {
		t.CloseIdleConnections()
	}
	m.mu.Unlock()
	m.served.Wait()
}

// memListener hands the server the pipe ends made by dial.
type memListener struct{ m *memServer }

func (l memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.m.conns:
		return c, nil
	case <-l.m.done:
		return nil, errors.New("emulator: closed")
	}
}

func (l memListener) Close() error {
	l.m.once.Do(func() { close(l.m.done) })
	return nil
}

func (l memListener) Addr() net.Addr { return memAddr{} }

type memAddr struct{}

func (memAddr) Network() string { return "memory" }
func (memAddr) String() string  { return "emulator" }
