// Package imapemu serves an IMAP4rev1 account in process for the tests,
// examples and benchmarks of the imap connector: the protocol is
// github.com/emersion/go-imap's server (v1), over a small backend of this
// package's own that holds mailboxes in memory with UIDs, a UIDVALIDITY a
// test can change, INTERNALDATEs and expunges, and that injects faults on
// demand: connections dropped in the middle of a FETCH, NO and BAD
// answers, and slow answers.
//
// A Server is reached in memory (Dial, over net.Pipe, so it works inside a
// testing/synctest bubble) or on a loopback listener, plain (with
// STARTTLS offered when a certificate is set) or over TLS (Listen,
// ListenTLS). It serves one account.
package imapemu

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/backend"
	"github.com/emersion/go-imap/backend/backendutil"
	"github.com/emersion/go-imap/server"
	"github.com/emersion/go-message/textproto"
)

// The account a Server serves unless Options name another.
const (
	Username = "ada@example.com"
	Password = "app-password-0001"
)

// Options configure a Server. Every field may be left zero.
type Options struct {
	// Username and Password are the account's; empty means the constants.
	Username, Password string
	// TLS, when set, is the certificate of ListenTLS and of STARTTLS on
	// plain connections (see TestCertificate).
	TLS *tls.Config
}

// Server is an in-process IMAP server. It is safe for concurrent use.
type Server struct {
	opts Options
	srv  *server.Server
	mem  *memListener

	mu        sync.Mutex
	mailboxes map[string]*mailbox
	faults    []*schedule
	calls     map[string]int
	requests  int
	conns     map[string]net.Conn // by remote address
	// drops are the connections, by remote address, to drop in the
	// middle of the FETCH or LIST they are running.
	drops     map[string]bool
	garbles   map[string]bool
	listeners []net.Listener
	serving   sync.WaitGroup
	closed    bool
	done      chan struct{} // closed by Close, ending slow answers
}

// New returns a Server whose account has an empty INBOX.
func New(o Options) *Server {
	if o.Username == "" {
		o.Username, o.Password = Username, Password
	}
	s := &Server{opts: o, mailboxes: map[string]*mailbox{}, calls: map[string]int{}, conns: map[string]net.Conn{}, drops: map[string]bool{}, garbles: map[string]bool{}, done: make(chan struct{})}
	s.mailboxes["INBOX"] = &mailbox{name: "INBOX", validity: 1, next: 1}
	s.srv = server.New(&account{s: s})
	s.srv.AllowInsecureAuth = true
	s.srv.TLSConfig = o.TLS
	s.srv.ErrorLog = discard{}
	s.srv.Enable(faulty{s})
	s.mem = newMemListener()
	s.serve(s.mem)
	return s
}

func (s *Server) serve(l net.Listener) {
	l = &trackingListener{Listener: l, s: s}
	s.mu.Lock()
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		s.srv.Serve(l) //nolint:errcheck // ends when the listener closes
	}()
}

// Dial connects to the server in memory, whatever the address.
func (s *Server) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	return s.mem.dial(ctx)
}

// Listen serves plain IMAP (with STARTTLS when Options.TLS is set) on a
// loopback port and returns its address ("127.0.0.1:54321").
func (s *Server) Listen() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	s.serve(l)
	return l.Addr().String(), nil
}

// ListenTLS serves IMAP over TLS (imaps) on a loopback port with the
// certificate of Options.TLS.
func (s *Server) ListenTLS() (string, error) {
	if s.opts.TLS == nil {
		return "", errors.New("imapemu: ListenTLS needs Options.TLS")
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", s.opts.TLS)
	if err != nil {
		return "", err
	}
	s.serve(l)
	return l.Addr().String(), nil
}

// Close stops every listener and closes every connection.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	ls := s.listeners
	conns := make([]net.Conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, l := range ls {
		l.Close()
	}
	for _, c := range conns {
		c.Close()
	}
	s.srv.Close()
	s.serving.Wait()
}

// Requests returns how many commands that touch the account (LOGIN, LIST,
// SELECT, STATUS, FETCH, SEARCH) the server has answered or failed.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// CreateMailbox adds an empty mailbox (a no-op when it exists) with LIST
// attributes such as imap.NoSelectAttr.
func (s *Server) CreateMailbox(name string, attrs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mailbox(name).attrs = attrs
}

func (s *Server) mailbox(name string) *mailbox {
	mb := s.mailboxes[name]
	if mb == nil {
		mb = &mailbox{name: name, validity: 1, next: 1}
		s.mailboxes[name] = mb
	}
	return mb
}

// Append adds a message to a mailbox (created when missing) with its
// INTERNALDATE, and returns its UID.
func (s *Server) Append(name string, body []byte, internal time.Time) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailbox(name)
	uid := mb.next
	mb.next++
	m := &message{uid: uid, date: internal, body: slices.Clone(body)}
	if h, _, err := split(m.body); err == nil {
		m.fields = map[string]string{}
		for f := h.Fields(); f.Next(); {
			k := strings.ToLower(f.Key())
			m.fields[k] = strings.TrimSpace(m.fields[k] + " " + strings.ToLower(f.Value()))
		}
	}
	mb.msgs = append(mb.msgs, m)
	return uid
}

// Expunge removes the message with uid from a mailbox, as an EXPUNGE of a
// message flagged \Deleted does. It reports whether there was one.
func (s *Server) Expunge(name string, uid uint32) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailboxes[name]
	if mb == nil {
		return false
	}
	i := slices.IndexFunc(mb.msgs, func(m *message) bool { return m.uid == uid })
	if i < 0 {
		return false
	}
	mb.msgs = slices.Delete(mb.msgs, i, i+1)
	return true
}

// Renumber gives a mailbox a new UIDVALIDITY and numbers its messages
// from 1 again, as a server does that rebuilt its index: every UID a
// client kept is void. It returns the new UIDVALIDITY.
func (s *Server) Renumber(name string) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailbox(name)
	mb.validity++
	mb.next = 1
	for i, m := range mb.msgs {
		c := *m // sessions may hold the old one: messages are never changed in place
		c.uid = mb.next
		mb.msgs[i] = &c
		mb.next++
	}
	return mb.validity
}

// UIDValidity returns a mailbox's UIDVALIDITY (0 when it does not exist).
func (s *Server) UIDValidity(name string) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if mb := s.mailboxes[name]; mb != nil {
		return mb.validity
	}
	return 0
}

// A Fault is what the server does in place of answering a command.
type Fault struct {
	// Name labels the fault in Faults.
	Name string
	// Drop closes the connection: a FETCH first sends half of the
	// messages it was asked for.
	Drop bool
	// Status, when set, answers the command with it (NO or BAD) and Code.
	Status imap.StatusRespType
	Code   imap.StatusRespCode
	// Delay waits before the command is answered.
	Delay time.Duration
	// Garble, for a FETCH, sends a response line that does not parse
	// before the messages.
	Garble bool
}

// Faults a test injects.
var (
	// Dropped closes the connection in the middle of the command.
	Dropped = Fault{Name: "drop", Drop: true}
	// Unavailable is NO [UNAVAILABLE]: the server cannot answer now.
	Unavailable = Fault{Name: "unavailable", Status: imap.StatusRespNo, Code: "UNAVAILABLE"}
	// Bad is a BAD answer: the server did not understand the command.
	Bad = Fault{Name: "bad", Status: imap.StatusRespBad}
	// Slow answers after two seconds.
	Slow = Fault{Name: "slow", Delay: 2 * time.Second}
	// Garbled sends an unparsable response in the middle of a FETCH.
	Garbled = Fault{Name: "garbled", Garble: true}
)

// schedule fails every k-th call of a command.
type schedule struct {
	command string
	every   int
	fault   Fault
	count   int
	times   int
}

// FailEvery makes every k-th command of the kind named (LOGIN, LIST,
// SELECT, FETCH, SEARCH; "*" for all) fail with f, counted per schedule.
func (s *Server) FailEvery(command string, k int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &schedule{command: command, every: k, fault: f})
}

// ClearFaults drops every fault schedule; Faults still counts what was
// injected.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		f.every = 1 << 62
	}
}

// Faults returns how many times each fault, by name, was injected.
func (s *Server) Faults() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, f := range s.faults {
		if f.times > 0 {
			out[f.fault.Name] += f.times
		}
	}
	return out
}

// call counts a command and returns the fault it meets, if any.
func (s *Server) call(command string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.calls[command]++
	for _, f := range s.faults {
		if f.command != "*" && f.command != command {
			continue
		}
		f.count++
		if f.count%f.every == 0 {
			f.times++
			return f.fault, true
		}
	}
	return Fault{}, false
}

// answer applies the fault f meets in command for the connection at
// remote: it waits out a delay, and returns the error that the server
// answers with, or closes the connection.
func (s *Server) answer(remote string, f Fault) error {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-s.done:
			t.Stop()
			return errors.New("server closed")
		}
	}
	if f.Drop {
		s.drop(remote)
		return errors.New("connection dropped")
	}
	if f.Status != "" {
		return &imap.ErrStatusResp{Resp: &imap.StatusResp{Type: f.Status, Code: f.Code, Info: "injected " + f.Name}}
	}
	return nil
}

// takeDrop reports whether the connection at remote is to be dropped in
// the middle of its command, and forgets it.
func (s *Server) takeDrop(remote string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.drops[remote]
	delete(s.drops, remote)
	return d
}

func (s *Server) takeGarble(remote string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.garbles[remote]
	delete(s.garbles, remote)
	return g
}

// write sends raw bytes on the connection at remote.
func (s *Server) write(remote, line string) {
	s.mu.Lock()
	c := s.conns[remote]
	s.mu.Unlock()
	if c != nil {
		c.Write([]byte(line)) //nolint:errcheck // a fault
	}
}

func (s *Server) drop(remote string) {
	s.mu.Lock()
	c := s.conns[remote]
	s.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// mailbox is one mailbox of the account.
type mailbox struct {
	name     string
	attrs    []string
	validity uint32
	next     uint32
	msgs     []*message // in UID order
}

type message struct {
	uid  uint32
	date time.Time
	body []byte
	// fields are the header's fields for SEARCH HEADER, read once: lower
	// case name to lower case values joined (nil when it does not parse).
	fields map[string]string
}

// account is the backend and its one user.
type account struct{ s *Server }

func (a *account) Login(info *imap.ConnInfo, username, password string) (backend.User, error) {
	remote := info.RemoteAddr.String()
	if f, ok := a.s.call("LOGIN"); ok {
		if err := a.s.answer(remote, f); err != nil {
			return nil, err
		}
	}
	if username != a.s.opts.Username || password != a.s.opts.Password {
		return nil, &imap.ErrStatusResp{Resp: &imap.StatusResp{Type: imap.StatusRespNo, Code: "AUTHENTICATIONFAILED", Info: "Invalid credentials"}}
	}
	return &user{s: a.s, remote: remote}, nil
}

// user is a logged-in session of the account.
type user struct {
	s      *Server
	remote string
}

func (u *user) Username() string { return u.s.opts.Username }

func (u *user) ListMailboxes(bool) ([]backend.Mailbox, error) {
	if u.s.takeDrop(u.remote) {
		defer u.s.drop(u.remote)
	}
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	names := make([]string, 0, len(u.s.mailboxes))
	for n := range u.s.mailboxes {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]backend.Mailbox, len(names))
	for i, n := range names {
		out[i] = &view{u: u, name: n}
	}
	return out, nil
}

func (u *user) GetMailbox(name string) (backend.Mailbox, error) {
	if f, ok := u.s.call("SELECT"); ok {
		if err := u.s.answer(u.remote, f); err != nil {
			return nil, err
		}
	}
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	mb := u.s.mailboxes[name]
	if mb == nil {
		return nil, &imap.ErrStatusResp{Resp: &imap.StatusResp{Type: imap.StatusRespNo, Code: "NONEXISTENT", Info: "No such mailbox"}}
	}
	if slices.Contains(mb.attrs, imap.NoSelectAttr) {
		return nil, &imap.ErrStatusResp{Resp: &imap.StatusResp{Type: imap.StatusRespNo, Info: "Mailbox cannot be selected"}}
	}
	return &view{u: u, name: name}, nil
}

var errReadOnly = errors.New("imapemu: the account is read-only over IMAP; change it through the Server")

func (u *user) CreateMailbox(string) error         { return errReadOnly }
func (u *user) DeleteMailbox(string) error         { return errReadOnly }
func (u *user) RenameMailbox(string, string) error { return errReadOnly }
func (u *user) Logout() error                      { return nil }

// view is a mailbox as a session sees it: looked up by name on each call,
// so changes made through the Server show at once.
type view struct {
	u    *user
	name string
}

func (v *view) Name() string { return v.name }

func (v *view) Info() (*imap.MailboxInfo, error) {
	v.u.s.mu.Lock()
	defer v.u.s.mu.Unlock()
	info := &imap.MailboxInfo{Delimiter: "/", Name: v.name}
	if mb := v.u.s.mailboxes[v.name]; mb != nil {
		info.Attributes = slices.Clone(mb.attrs)
	}
	return info, nil
}

func (v *view) Status(items []imap.StatusItem) (*imap.MailboxStatus, error) {
	v.u.s.mu.Lock()
	defer v.u.s.mu.Unlock()
	mb := v.u.s.mailboxes[v.name]
	if mb == nil {
		return nil, backend.ErrNoSuchMailbox
	}
	st := imap.NewMailboxStatus(v.name, items)
	st.Flags = []string{imap.SeenFlag, imap.DeletedFlag}
	st.PermanentFlags = []string{}
	for _, it := range items {
		switch it {
		case imap.StatusMessages:
			st.Messages = uint32(len(mb.msgs))
		case imap.StatusUidNext:
			st.UidNext = mb.next
		case imap.StatusUidValidity:
			st.UidValidity = mb.validity
		}
	}
	return st, nil
}

func (v *view) SetSubscribed(bool) error { return nil }
func (v *view) Check() error             { return nil }

// snapshot returns the mailbox's messages as they are now.
func (v *view) snapshot() ([]*message, error) {
	v.u.s.mu.Lock()
	defer v.u.s.mu.Unlock()
	mb := v.u.s.mailboxes[v.name]
	if mb == nil {
		return nil, backend.ErrNoSuchMailbox
	}
	return slices.Clone(mb.msgs), nil // messages are never changed in place
}

func (v *view) ListMessages(uid bool, set *imap.SeqSet, items []imap.FetchItem, ch chan<- *imap.Message) error {
	defer close(ch)
	drop, garble := v.u.s.takeDrop(v.u.remote), v.u.s.takeGarble(v.u.remote)
	msgs, err := v.snapshot()
	if err != nil {
		return err
	}
	var picked []int
	for i, m := range msgs {
		if id := fetchID(uid, i, m); set.Contains(id) {
			picked = append(picked, i)
		}
	}
	if drop {
		picked = picked[:len(picked)/2]
	}
	if garble && len(picked) > 0 {
		// Nothing of this FETCH's answer is written before its first
		// message goes to ch, so the line arrives whole.
		v.u.s.write(v.u.remote, fmt.Sprintf("* %d FETCH (UID %d (((\r\n", picked[0]+1, msgs[picked[0]].uid))
		picked = picked[1:]
	}
	for _, i := range picked {
		fm, err := fetch(msgs[i], uint32(i+1), items)
		if err != nil {
			return err
		}
		ch <- fm
	}
	if drop {
		v.u.s.drop(v.u.remote)
	}
	return nil
}

func fetchID(uid bool, i int, m *message) uint32 {
	if uid {
		return m.uid
	}
	return uint32(i + 1)
}

// fetch answers the items of a FETCH for one message.
func fetch(m *message, seq uint32, items []imap.FetchItem) (*imap.Message, error) {
	out := imap.NewMessage(seq, items)
	for _, it := range items {
		switch it {
		case imap.FetchUid:
			out.Uid = m.uid
		case imap.FetchInternalDate:
			out.InternalDate = m.date
		case imap.FetchRFC822Size:
			out.Size = uint32(len(m.body))
		case imap.FetchFlags:
			out.Flags = []string{}
		case imap.FetchEnvelope:
			if h, _, err := split(m.body); err == nil {
				out.Envelope, _ = backendutil.FetchEnvelope(h)
			}
		default:
			section, err := imap.ParseBodySectionName(it)
			if err != nil {
				return nil, err
			}
			if section.Specifier == imap.EntireSpecifier && len(section.Path) == 0 {
				out.Body[section] = bytes.NewReader(m.body) // whole message, even a malformed one
				continue
			}
			h, body, err := split(m.body)
			if err != nil {
				out.Body[section] = bytes.NewReader(nil)
				continue
			}
			l, err := backendutil.FetchBodySection(h, body, section)
			if err != nil {
				l = bytes.NewReader(nil)
			}
			out.Body[section] = l
		}
	}
	return out, nil
}

func split(b []byte) (textproto.Header, io.Reader, error) {
	r := bufio.NewReader(bytes.NewReader(b))
	h, err := textproto.ReadHeader(r)
	return h, r, err
}

// SearchMessages supports the criteria the connector sends: UID and
// sequence ranges, SINCE / BEFORE on INTERNALDATE (day precision, as RFC
// 3501 has it, in the INTERNALDATE's own zone), HEADER (a substring of
// the field, in any case) and OR. Other criteria are refused.
func (v *view) SearchMessages(uid bool, c *imap.SearchCriteria) ([]uint32, error) {
	if f, ok := v.u.s.call("SEARCH"); ok {
		if err := v.u.s.answer(v.u.remote, f); err != nil {
			return nil, err
		}
	}
	if !supported(c) {
		return nil, &imap.ErrStatusResp{Resp: &imap.StatusResp{Type: imap.StatusRespNo, Info: "imapemu: search criterion not supported"}}
	}
	msgs, err := v.snapshot()
	if err != nil {
		return nil, err
	}
	lower(c)
	var ids []uint32
	for i, m := range msgs {
		if matches(m, uint32(i+1), c) {
			ids = append(ids, fetchID(uid, i, m))
		}
	}
	return ids, nil
}

func supported(c *imap.SearchCriteria) bool {
	if len(c.Body) > 0 || len(c.Text) > 0 || len(c.Not) > 0 || !c.SentSince.IsZero() || !c.SentBefore.IsZero() ||
		len(c.WithFlags) > 0 || len(c.WithoutFlags) > 0 || c.Larger > 0 || c.Smaller > 0 {
		return false
	}
	for _, or := range c.Or {
		if !supported(or[0]) || !supported(or[1]) {
			return false
		}
	}
	return true
}

// lower puts the names and values of HEADER criteria in lower case, as
// the messages' fields are kept.
func lower(c *imap.SearchCriteria) {
	if len(c.Header) > 0 {
		h := make(map[string][]string, len(c.Header))
		for k, vs := range c.Header {
			for _, v := range vs {
				h[strings.ToLower(k)] = append(h[strings.ToLower(k)], strings.ToLower(v))
			}
		}
		c.Header = h
	}
	for _, or := range c.Or {
		lower(or[0])
		lower(or[1])
	}
}

func matches(m *message, seq uint32, c *imap.SearchCriteria) bool {
	if c.Uid != nil && !c.Uid.Contains(m.uid) || c.SeqNum != nil && !c.SeqNum.Contains(seq) {
		return false
	}
	if !c.Since.IsZero() || !c.Before.IsZero() {
		day := time.Date(m.date.Year(), m.date.Month(), m.date.Day(), 0, 0, 0, 0, time.UTC)
		if !c.Since.IsZero() && day.Before(dayOf(c.Since)) || !c.Before.IsZero() && !day.Before(dayOf(c.Before)) {
			return false
		}
	}
	if len(c.Header) > 0 {
		for key, values := range c.Header {
			field, ok := m.fields[key]
			for _, want := range values {
				if !ok || !strings.Contains(field, want) {
					return false
				}
			}
		}
	}
	for _, or := range c.Or {
		if !matches(m, seq, or[0]) && !matches(m, seq, or[1]) {
			return false
		}
	}
	return true
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (v *view) CreateMessage([]string, time.Time, imap.Literal) error { return errReadOnly }
func (v *view) UpdateMessagesFlags(bool, *imap.SeqSet, imap.FlagsOp, []string) error {
	return errReadOnly
}
func (v *view) CopyMessages(bool, *imap.SeqSet, string) error { return errReadOnly }
func (v *view) Expunge() error                                { return errReadOnly }

// discard is the go-imap server's error log: the emulator prints nothing.
type discard struct{}

func (discard) Printf(string, ...any) {}
func (discard) Println(...any)        {}

// trackingListener records each accepted connection by its remote
// address, so a fault can drop it.
type trackingListener struct {
	net.Listener
	s *Server
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	if l.s.closed {
		c.Close()
		return nil, net.ErrClosed
	}
	l.s.conns[c.RemoteAddr().String()] = &forget{Conn: c, s: l.s}
	return l.s.conns[c.RemoteAddr().String()], nil
}

// forget drops a connection from the record when it closes.
type forget struct {
	net.Conn
	s    *Server
	once sync.Once
}

func (f *forget) Close() error {
	f.once.Do(func() {
		f.s.mu.Lock()
		delete(f.s.conns, f.RemoteAddr().String())
		f.s.mu.Unlock()
	})
	return f.Conn.Close()
}

// memListener hands out the server ends of in-memory pipes.
type memListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	mu    sync.Mutex
	n     int
}

func newMemListener() *memListener {
	return &memListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *memListener) dial(ctx context.Context) (net.Conn, error) {
	l.mu.Lock()
	l.n++
	n := l.n
	l.mu.Unlock()
	client, srv := net.Pipe()
	addr := memAddr(fmt.Sprintf("pipe-%d", n))
	select {
	case l.conns <- &addrConn{Conn: srv, remote: addr}:
		return &addrConn{Conn: client, remote: memAddr("imapemu")}, nil
	case <-l.done:
		client.Close()
		srv.Close()
		return nil, net.ErrClosed
	case <-ctx.Done():
		client.Close()
		srv.Close()
		return nil, ctx.Err()
	}
}

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *memListener) Addr() net.Addr { return memAddr("imapemu") }

type memAddr string

func (a memAddr) Network() string { return "pipe" }
func (a memAddr) String() string  { return string(a) }

// addrConn is a pipe end with a remote address of its own, since
// net.Pipe's are all alike.
type addrConn struct {
	net.Conn
	remote net.Addr
}

func (c *addrConn) RemoteAddr() net.Addr { return c.remote }
