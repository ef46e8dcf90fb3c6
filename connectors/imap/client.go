package imap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	imapv1 "github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
	"github.com/emersion/go-imap/commands"
	"github.com/emersion/go-imap/responses"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// commandTimeout bounds one command's round trip (a FETCH of a page of
// messages included) and the greeting.
const commandTimeout = 2 * time.Minute

// session is one logged-in connection.
type session struct {
	conn net.Conn
	cl   *client.Client
	stop func() bool
	// selected is the mailbox selected and its UIDVALIDITY and UIDNEXT.
	selected  string
	validity  uint32
	uidNext   uint32
	exists    uint32
	closeOnce bool
	guard     *literalGuard
	log       *parseLog
}

// answer is the package's answer with the guard's reason for a
// connection it cut: not transient, since asking again gets the same.
func (s *session) answer(ctx context.Context, op string, st *imapv1.StatusResp, err error) error {
	if g := s.guard.failure(); g != nil && ctx.Err() == nil {
		return fmt.Errorf("%s: %w", op, g)
	}
	if s.log.bad.Swap(false) && err == nil && ctx.Err() == nil {
		// go-imap drops a response it cannot parse and goes on: a FETCH
		// would seem to have no such message. The command's answer is
		// not to be trusted, so it is tried again.
		return tributary.NewError(op, tributary.ErrTransient, errors.New("the server sent a response that does not parse"))
	}
	return answer(ctx, op, st, err)
}

// dialConn opens the TCP connection, refusing loopback, private and
// metadata addresses unless the host allows private networks: the name
// is checked before it is resolved and the address it resolved to before
// the connection is made, as httpx's guard does for HTTP.
func (c *Connector) dialConn(ctx context.Context, addr string) (net.Conn, error) {
	allow := c.env.AllowPrivateNetwork
	if !allow && forbiddenHost(c.s.Host) {
		return nil, &httpx.ForbiddenAddressError{Host: c.s.Host}
	}
	if c.dial != nil {
		return c.dial(ctx, "tcp", addr)
	}
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	if !allow {
		d.Control = guardDial
	}
	return d.DialContext(ctx, "tcp", addr)
}

// forbiddenHost reports whether a host is refused before any lookup: a
// literal forbidden address, or a name of this machine or of a cloud
// metadata service.
func forbiddenHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		return httpx.ForbiddenAddr(ip)
	}
	for _, n := range []string{"localhost", "metadata", "metadata.google.internal", "instance-data", "metadata.azure.internal"} {
		if host == n || strings.HasSuffix(host, "."+n) {
			return true
		}
	}
	return false
}

func guardDial(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &httpx.ForbiddenAddressError{Host: address, Dial: true}
	}
	if httpx.ForbiddenAddr(ap.Addr()) {
		return &httpx.ForbiddenAddressError{Host: ap.Addr().String(), Dial: true}
	}
	return nil
}

// tlsConfig trusts the system's authorities and Settings.CACertificate.
func (c *Connector) tlsConfig() *tls.Config {
	cfg := &tls.Config{ServerName: strings.Trim(c.s.Host, "[]"), MinVersion: tls.VersionTLS12}
	if c.s.CACertificate != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		pool.AppendCertsFromPEM([]byte(c.s.CACertificate))
		cfg.RootCAs = pool
	}
	return cfg
}

// connect dials, protects and logs in a connection. Cancelling ctx closes
// it, which ends any command under way.
func (c *Connector) connect(ctx context.Context) (*session, error) {
	op := "imap: connect"
	addr := net.JoinHostPort(strings.Trim(c.s.Host, "[]"), strconv.Itoa(c.s.Port))
	conn, err := c.dialConn(ctx, addr)
	if err != nil {
		return nil, dialError(op, ctx, err)
	}
	if c.s.Security == SecurityTLS {
		tc := tls.Client(conn, c.tlsConfig())
		hctx, cancel := context.WithTimeout(ctx, commandTimeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			conn.Close()
			return nil, dialError(op, ctx, err)
		}
		conn = tc
	}
	guard := &literalGuard{Conn: conn, max: c.s.MaxMessageSize + 1<<20}
	s := &session{conn: guard, guard: guard, log: &parseLog{}}
	s.stop = context.AfterFunc(ctx, func() { conn.Close() })
	if err := conn.SetDeadline(time.Now().Add(commandTimeout)); err != nil {
		s.close()
		return nil, dialError(op, ctx, err)
	}
	cl, err := client.New(eofConn{guard})
	if cl != nil {
		cl.ErrorLog = s.log
		cl.Timeout = commandTimeout
	}
	if err != nil {
		s.close()
		return nil, dialError(op, ctx, err)
	}
	s.cl = cl
	if err := c.secure(ctx, s); err != nil {
		s.close()
		return nil, err
	}
	if err := c.login(ctx, s); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// secure upgrades a starttls connection.
func (c *Connector) secure(ctx context.Context, s *session) error {
	if c.s.Security != SecurityStartTLS {
		return nil
	}
	ok, err := s.cl.SupportStartTLS()
	if err != nil {
		return dialError("imap: starttls", ctx, err)
	}
	if !ok {
		return tributary.NewError("imap: starttls", tributary.ErrInvalidConfig, fmt.Errorf("%s does not offer STARTTLS; use security tls", c.s.Host))
	}
	s.guard.stop()
	if err := s.cl.StartTLS(c.tlsConfig()); err != nil {
		return dialError("imap: starttls", ctx, err)
	}
	return nil
}

// login sends LOGIN and classifies a refusal by its response code.
func (c *Connector) login(ctx context.Context, s *session) error {
	if ok, _ := s.cl.Support("LOGINDISABLED"); ok {
		return tributary.NewError("imap: login", tributary.ErrInvalidConfig,
			fmt.Errorf("%s refuses LOGIN on this connection; use security tls or starttls", c.s.Host))
	}
	st, err := s.cl.Execute(&commands.Login{Username: c.cred.Username, Password: c.cred.Password.Reveal()}, nil)
	if err := s.answer(ctx, "imap: login", st, err); err != nil {
		var e *tributary.Error
		if errors.As(err, &e) && e.Kind == errNoKind {
			// A plain NO to LOGIN is how most servers refuse a password.
			e.Kind = tributary.ErrCredentialExpired
		}
		return err
	}
	s.cl.SetState(imapv1.AuthenticatedState, nil)
	return nil
}

// errNoKind marks an answer no response code classifies.
var errNoKind = errors.New("refused")

// answer turns a command's result into an error: nil for OK, a classified
// *tributary.Error for NO and BAD (by response code, RFC 5530), and
// ErrTransient for a connection that broke.
func answer(ctx context.Context, op string, st *imapv1.StatusResp, err error) error {
	if err != nil {
		return dialError(op, ctx, err)
	}
	if st == nil {
		return tributary.NewError(op, tributary.ErrTransient, errors.New("connection closed during the command"))
	}
	if st.Type == imapv1.StatusRespOk {
		return nil
	}
	kind := errNoKind
	switch strings.ToUpper(string(st.Code)) {
	case "AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED":
		kind = tributary.ErrCredentialExpired
	case "UNAVAILABLE", "SERVERBUG", "INUSE", "LIMIT", "OVERQUOTA":
		kind = tributary.ErrTransient
	case "NOPERM", "PRIVACYREQUIRED":
		kind = tributary.ErrInsufficientPermissions
	case "NONEXISTENT", "TRYCREATE":
		kind = tributary.ErrNotFound
	}
	text := string(st.Type)
	if st.Code != "" {
		text += " [" + string(st.Code) + "]"
	}
	if st.Info != "" {
		text += " " + st.Info
	}
	return &tributary.Error{Op: op, Kind: kind, Err: errors.New(text)}
}

// dialError classifies a failure to reach or talk to the server: a
// refused address or certificate is a configuration error, anything else
// on the network is transient. Once ctx is done its error is the cause.
func dialError(op string, ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", op, ctx.Err())
	}
	var cv *tls.CertificateVerificationError
	var host x509.HostnameError
	switch {
	case errors.Is(err, httpx.ErrForbiddenAddress):
		return tributary.NewError(op, tributary.ErrInvalidConfig, err)
	case errors.As(err, &cv), errors.As(err, &host):
		return tributary.NewError(op, tributary.ErrInvalidConfig, fmt.Errorf("server certificate not trusted (set ca_certificate for a private authority): %w", err))
	}
	return tributary.NewError(op, tributary.ErrTransient, err)
}

// close ends the session without waiting for the server.
func (s *session) close() {
	if s.closeOnce {
		return
	}
	s.closeOnce = true
	s.stop()
	s.conn.Close()
}

// logout says goodbye and closes the connection.
func (s *session) logout() {
	if s.cl != nil && !s.closeOnce {
		s.cl.Timeout = 10 * time.Second
		s.cl.Logout() //nolint:errcheck // the connection closes either way
	}
	s.close()
}

// list returns the selectable mailboxes LIST shows.
func (s *session) list(ctx context.Context) ([]string, error) {
	ch := make(chan *imapv1.MailboxInfo, 16)
	done := make(chan []string)
	go func() {
		var names []string
		for mb := range ch {
			if !hasAttr(mb.Attributes, imapv1.NoSelectAttr) && !hasAttr(mb.Attributes, "\\NonExistent") {
				names = append(names, mb.Name)
			}
		}
		done <- names
	}()
	st, err := s.cl.Execute(&commands.List{Reference: "", Mailbox: "*"}, &responses.List{Mailboxes: ch})
	close(ch)
	names := <-done
	if err := s.answer(ctx, "imap: list mailboxes", st, err); err != nil {
		return nil, err
	}
	return names, nil
}

func hasAttr(attrs []string, a string) bool {
	for _, x := range attrs {
		if strings.EqualFold(x, a) {
			return true
		}
	}
	return false
}

// examine selects a mailbox read-only (EXAMINE) and notes its
// UIDVALIDITY and UIDNEXT.
func (s *session) examine(ctx context.Context, name string) error {
	s.selected = ""
	mbox := &imapv1.MailboxStatus{Name: name, Items: map[imapv1.StatusItem]any{}}
	st, err := s.cl.Execute(&commands.Select{Mailbox: name, ReadOnly: true}, &responses.Select{Mailbox: mbox})
	if err := s.answer(ctx, "imap: examine "+strconv.Quote(name), st, err); err != nil {
		return err
	}
	if mbox.UidValidity == 0 {
		return tributary.NewError("imap: examine "+strconv.Quote(name), tributary.ErrTransient, errors.New("server sent no UIDVALIDITY"))
	}
	s.cl.SetState(imapv1.SelectedState, mbox)
	s.selected, s.validity, s.uidNext, s.exists = name, mbox.UidValidity, mbox.UidNext, mbox.Messages
	return nil
}

// fetch runs UID FETCH for set and hands each message to each, which runs
// on another goroutine than the caller's but never concurrently with
// itself.
func (s *session) fetch(ctx context.Context, set *imapv1.SeqSet, items []imapv1.FetchItem, each func(*imapv1.Message)) error {
	return s.fetchAny(ctx, true, set, items, each)
}

// fetchSeq fetches the UIDs of the messages with the sequence numbers of set.
func (s *session) fetchSeq(ctx context.Context, set *imapv1.SeqSet, each func(*imapv1.Message)) error {
	return s.fetchAny(ctx, false, set, []imapv1.FetchItem{imapv1.FetchUid}, each)
}

func (s *session) fetchAny(ctx context.Context, uid bool, set *imapv1.SeqSet, items []imapv1.FetchItem, each func(*imapv1.Message)) error {
	ch := make(chan *imapv1.Message, 32)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m := range ch {
			each(m)
		}
	}()
	var cmd imapv1.Commander = &commands.Fetch{SeqSet: set, Items: items}
	if uid {
		cmd = &commands.Uid{Cmd: cmd}
	}
	st, err := s.cl.Execute(cmd, &responses.Fetch{Messages: ch, SeqSet: set, Uid: uid})
	close(ch)
	<-done
	return s.answer(ctx, "imap: fetch", st, err)
}

// search runs UID SEARCH.
func (s *session) search(ctx context.Context, c *imapv1.SearchCriteria) ([]uint32, error) {
	res := &responses.Search{}
	st, err := s.cl.Execute(&commands.Uid{Cmd: &commands.Search{Criteria: c}}, res)
	if err := s.answer(ctx, "imap: search", st, err); err != nil {
		return nil, err
	}
	return res.Ids, nil
}

// eofConn reads any failure as the end of the stream. go-imap's reader
// logs read errors other than io.EOF from a goroutine that starts before
// its error log can be set; a broken connection is reported to the
// command waiting on it all the same.
type eofConn struct{ net.Conn }

func (c eofConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		err = io.EOF
	}
	return n, err
}

// parseLog is go-imap's error log: the connector prints nothing, and
// notes that something was logged. go-imap's reader logs a response it
// could not parse (and drops it), or one a handler refused.
type parseLog struct{ bad atomic.Bool }

func (l *parseLog) Printf(string, ...any) { l.bad.Store(true) }
func (l *parseLog) Println(...any)        { l.bad.Store(true) }
