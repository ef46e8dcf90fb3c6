package imap

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// Source is the source this package registers.
const Source = tributary.SourceIMAP

// Failure kinds from extraction, re-exported so that callers can match
// them with errors.Is on a *tributary.Failure.
var (
	ErrUndecodable = extract.ErrUndecodable // a malformed message
	ErrTooLarge    = extract.ErrTooLarge    // over max_message_size or an extraction bound
)

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "IMAP",
		Category:    tributary.CategoryEmail,
		Description: "Messages of an IMAP mail account (Gmail, Outlook, Fastmail, Dovecot and any IMAP4rev1 server): " +
			"every mailbox or those listed, one document per message with sender and recipients, resumable by UID.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/imap",
	}, New))
}

// Connector reads the mailboxes of one IMAP account. It is safe for
// concurrent use: each range over one of its iterators has a connection
// of its own.
type Connector struct {
	s    Settings // resolved
	cred Credentials
	env  tributary.Env
	lim  extract.Limits
	// account is the id of the account's node ("imap://ada%40example.com@imap.example.com/").
	account string
	access  *tributary.ExternalAccess
	// dial, when set, replaces the network dial (tests reach an emulator in memory).
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

var (
	_ tributary.LoadConnector       = (*Connector)(nil)
	_ tributary.PollConnector       = (*Connector)(nil)
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the account. It checks the configuration and
// connects to nothing; Validate logs in.
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	op := "imap: new connector"
	err := errors.Join(tributary.PrefixFields("settings", s.validate()), tributary.PrefixFields("credentials", c.Validate()))
	if err == nil {
		err = tributary.PrefixFields("settings", s.checkSecurity(c))
	}
	if err != nil {
		return nil, &tributary.Error{Op: op, Kind: tributary.ErrInvalidConfig, Err: err}
	}
	s = s.resolved()
	address := s.Address
	if address == "" {
		address = c.Username
	}
	return &Connector{s: s, cred: c, env: env,
		lim:     extract.Limits{MaxText: s.MaxMessageSize * 4, MaxPart: s.MaxMessageSize * 4},
		account: accountID(c.Username, s),
		access:  &tributary.ExternalAccess{UserEmails: []string{strings.ToLower(address)}},
	}, nil
}

// checkSecurity refuses plain text to a public host without
// allow_insecure, and asks for the address when the username is not one.
func (s *Settings) checkSecurity(c Credentials) error {
	var errs []error
	if s.Security == SecurityPlain && !s.AllowInsecure && !localHost(s.Host) {
		errs = append(errs, tributary.InvalidField("security", "plain text to %s sends the password in the clear; use tls or starttls, or set allow_insecure", s.Host))
	}
	if s.Address == "" && !isAddress(c.Username) {
		errs = append(errs, tributary.InvalidField("address", "required when the username is not an e-mail address: documents are visible to the mailbox owner alone"))
	}
	return errors.Join(errs...)
}

// localHost reports whether host is this machine or a private address,
// where plain text does not cross a public network.
func localHost(host string) bool {
	h := strings.ToLower(strings.Trim(host, "[]"))
	if h == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && (ip.IsLoopback() || ip.IsPrivate())
}

func isAddress(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " <>")
}

// Source returns tributary.SourceIMAP.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate logs in and examines each configured mailbox: it fails with
// ErrCredentialExpired when the server refuses the login, with ErrNotFound
// for a configured mailbox that does not exist, and with ErrInvalidConfig
// for an address the guard refuses or a certificate it cannot trust.
func (c *Connector) Validate(ctx context.Context) error {
	s, err := c.connect(ctx)
	if err != nil {
		return fmt.Errorf("imap: validate: %w", err)
	}
	defer s.logout()
	for _, name := range c.s.Mailboxes {
		if err := s.examine(ctx, name); err != nil {
			return fmt.Errorf("imap: validate: %w", err)
		}
	}
	return nil
}

// checkpointKind and checkpointVersion identify this package's checkpoints.
const (
	checkpointKind    = "imap"
	checkpointVersion = 1
)

// checkpointItems is how many items pass between checkpoints inside a
// page of UIDs; a checkpoint also follows every page that yielded one.
var checkpointItems = 32

// position is the checkpoint: the mailbox being read (mailboxes go in
// byte order of their names), its UIDVALIDITY, and the last UID finished
// in it. A UIDVALIDITY the mailbox no longer has voids the UID, and the
// mailbox is read again from its start.
type position struct {
	Mailbox  string `json:"mailbox,omitempty"`
	Validity uint32 `json:"uidvalidity,omitempty"`
	After    uint32 `json:"after,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	p, _, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err == nil && p.Mailbox == "" && (p.Validity != 0 || p.After != 0) {
		err = tributary.NewError("imap: resume", tributary.ErrInvalidCheckpoint, errors.New("checkpoint has a UID but no mailbox"))
	}
	return p, err
}

// LoadFromCheckpoint yields, mailbox by mailbox in name order and message
// by message in UID order, the account's and mailboxes' nodes and the
// documents of the messages whose INTERNALDATE is in [start, end) (zero
// bounds are open), with checkpoints along the way. A message that cannot
// be read is a Failure under its document id.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		r := &run{c: c, ctx: ctx, start: start, end: end, Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
		r.all(pos)
	}
}

// Load yields a document, or a Failure as the error, for every message of
// the mailboxes read.
func (c *Connector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return c.Poll(ctx, time.Time{}, time.Time{})
}

// Poll yields the documents of the messages whose INTERNALDATE is in
// [start, end), with Failures as errors.
func (c *Connector) Poll(ctx context.Context, start, end time.Time) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for it, err := range c.LoadFromCheckpoint(ctx, start, end, nil) {
			ok := true
			switch {
			case err != nil:
				ok = yield(nil, err)
			case it.Document != nil:
				ok = yield(it.Document, nil)
			case it.Failure != nil:
				ok = yield(nil, it.Failure)
			}
			if !ok {
				return
			}
		}
	}
}

// LoadSlim yields the ids of exactly the documents and Failures
// LoadFromCheckpoint would yield for [start, end), from UIDs, dates and
// sizes alone: no message is downloaded. Messages expunged since the last
// run are missing from it, which is how the runner's prune finds them.
// Any error ends the listing, so that pruning never acts on a listing
// with a hole.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("imap: slim listing", func(yield func(tributary.Item, error) bool) {
		r := &run{c: c, ctx: ctx, start: start, end: end, slim: true}
		r.Yielder = tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)
		r.all(position{})
	})
}

// admitMailbox reports whether a listed mailbox is read.
func (c *Connector) admitMailbox(name string) bool {
	return !slices.ContainsFunc(c.s.Exclude, func(x string) bool { return sameMailbox(x, name) })
}

// sameMailbox compares names, INBOX in any case being INBOX (RFC 3501).
func sameMailbox(a, b string) bool {
	if strings.EqualFold(a, "INBOX") && strings.EqualFold(b, "INBOX") {
		return true
	}
	return a == b
}

// accountID is the id of the account's node: an IMAP URL (RFC 5092) of
// the user at the server, the port left out when it is the usual one for
// the security chosen.
func accountID(user string, s Settings) string {
	host := strings.ToLower(strings.Trim(s.Host, "[]"))
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if !(s.Port == 993 && s.Security == SecurityTLS || s.Port == 143 && s.Security != SecurityTLS) {
		host += ":" + strconv.Itoa(s.Port)
	}
	return "imap://" + escape(user, false) + "@" + host + "/"
}

// mailboxID is the id of a mailbox's node.
func (c *Connector) mailboxID(name string) string { return c.account + escape(name, true) }

// docID is the id of a message: its mailbox's URL with the UIDVALIDITY
// and UID, as RFC 5092 names one message.
func (c *Connector) docID(name string, validity, uid uint32) string {
	return c.mailboxID(name) + ";UIDVALIDITY=" + strconv.FormatUint(uint64(validity), 10) + "/;UID=" + strconv.FormatUint(uint64(uid), 10)
}

// escape percent-encodes everything but RFC 3986's unreserved characters
// and sub-delimiters other than ";" (which separates URL parameters), and
// "/" too when slash is set.
func escape(s string, slash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			strings.IndexByte("-._~!$&'()*+,=", ch) >= 0, slash && ch == '/':
			b.WriteByte(ch)
		default:
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}
