package imap

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Security is how the connection is protected.
type Security string

// The ways to connect.
const (
	// SecurityTLS is IMAP over TLS from the first byte (imaps, port 993).
	SecurityTLS Security = "tls"
	// SecurityStartTLS connects in plain text and upgrades with STARTTLS
	// before logging in (port 143); a server that does not offer it is
	// refused.
	SecurityStartTLS Security = "starttls"
	// SecurityPlain sends everything, the password too, in plain text
	// (port 143). It is refused for hosts other than loopback and private
	// addresses unless AllowInsecure is set.
	SecurityPlain Security = "plain"
)

// Defaults for Settings fields left zero.
const (
	DefaultMaxMessageSize = 25 << 20
	DefaultPageSize       = 200
)

// Settings say which account to read and how.
type Settings struct {
	// Host is the IMAP server's name (imap.gmail.com, outlook.office365.com).
	Host string `json:"host" jsonschema:"title=Host,description=Name of the IMAP server,required"`
	// Port is the server's port: 993 for tls and 143 for starttls and plain
	// when zero.
	Port int `json:"port,omitempty" jsonschema:"title=Port,description=Port of the IMAP server (993 for tls and 143 otherwise),minimum=0,maximum=65535"`
	// Security is tls (the default), starttls or plain.
	Security Security `json:"security,omitempty" jsonschema:"title=Security,enum=tls,enum=starttls,enum=plain,default=tls"`
	// AllowInsecure permits plain-text IMAP to a public host, which sends
	// the password in the clear.
	AllowInsecure bool `json:"allow_insecure,omitempty" jsonschema:"title=Allow plain text,description=Permit plain-text IMAP (the password in the clear) to a public host"`
	// CACertificate is a PEM certificate authority to trust besides the
	// system's, for a server with a private certificate.
	CACertificate string `json:"ca_certificate,omitempty" jsonschema:"title=CA certificate,description=PEM certificate authority to trust besides the system's"`
	// Mailboxes lists the mailboxes to read ("INBOX", "Archive/2024");
	// empty means every mailbox LIST shows that can be selected.
	Mailboxes []string `json:"mailboxes,omitempty" jsonschema:"title=Mailboxes,description=Mailboxes to read; empty means all"`
	// Exclude lists mailboxes to leave out when Mailboxes is empty
	// ("[Gmail]/Spam", "Trash").
	Exclude []string `json:"exclude,omitempty" jsonschema:"title=Exclude,description=Mailboxes to leave out when reading all"`
	// Address is the account's e-mail address, the one user documents are
	// visible to. Empty means Username when it is an address.
	Address string `json:"address,omitempty" jsonschema:"title=Address,description=The mailbox owner's e-mail address (default: the username when it is one),format=email"`
	// Threads makes one document of each thread of a mailbox (messages
	// joined by References and In-Reply-To) rather than one per message.
	Threads bool `json:"threads,omitempty" jsonschema:"title=One document per thread,description=Join the messages of a thread (References and In-Reply-To) into one document"`
	// Attachments extracts the text of attachments (PDF, Office, text)
	// into the message's document; otherwise only their names are kept.
	Attachments bool `json:"attachments,omitempty" jsonschema:"title=Extract attachments"`
	// MaxMessageSize is the largest message read, in bytes (RFC822.SIZE);
	// larger messages are failures without being downloaded. Default 25 MiB.
	MaxMessageSize int64 `json:"max_message_size,omitempty" jsonschema:"title=Largest message,description=Largest message read in bytes (default 25 MiB),minimum=0"`
	// PageSize is how many UIDs one FETCH of message data covers (default
	// 200, at most 5000).
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=5000,default=200"`
}

// Credentials log in to the account. For Gmail and Outlook.com accounts
// with two-step verification the password is an app password.
type Credentials struct {
	// Username is the login name, usually the e-mail address.
	Username string `json:"username" jsonschema:"title=Username,required"`
	// Password is the account's password or app password.
	Password tributary.Secret `json:"password" jsonschema:"title=Password,description=Password or app password,required"`
}

// Validate reports missing credentials.
func (c *Credentials) Validate() error {
	var errs []error
	if strings.TrimSpace(c.Username) == "" {
		errs = append(errs, tributary.InvalidField("username", "required"))
	} else if strings.ContainsAny(c.Username, "\r\n\x00") {
		errs = append(errs, tributary.InvalidField("username", "must not contain line breaks"))
	}
	switch p := c.Password.Reveal(); {
	case p == "":
		errs = append(errs, tributary.InvalidField("password", "required"))
	case strings.ContainsAny(p, "\r\n\x00"):
		errs = append(errs, tributary.InvalidField("password", "must not contain line breaks"))
	}
	return errors.Join(errs...)
}

// validate reports every problem with the settings.
func (s *Settings) validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, tributary.InvalidField(field, format, args...))
	}
	if h := s.Host; h == "" || strings.ContainsAny(h, " /:@\r\n\t") && net.ParseIP(strings.Trim(h, "[]")) == nil {
		bad("host", "%q is not a host name", s.Host)
	}
	if s.Port < 0 || s.Port > 65535 {
		bad("port", "must be between 1 and 65535")
	}
	switch s.Security {
	case "", SecurityTLS, SecurityStartTLS, SecurityPlain:
	default:
		bad("security", "%q is not tls, starttls or plain", s.Security)
	}
	if s.CACertificate != "" && !x509.NewCertPool().AppendCertsFromPEM([]byte(s.CACertificate)) {
		bad("ca_certificate", "holds no PEM certificate")
	}
	for field, names := range map[string][]string{"mailboxes": s.Mailboxes, "exclude": s.Exclude} {
		for i, n := range names {
			if n == "" || strings.ContainsAny(n, "\r\n\x00") {
				bad(fmt.Sprintf("%s[%d]", field, i), "must be a mailbox name")
			}
		}
	}
	if s.Address != "" {
		if a, err := mail.ParseAddress(s.Address); err != nil || a.Address != s.Address {
			bad("address", "%q is not an e-mail address", s.Address)
		}
	}
	if s.MaxMessageSize < 0 {
		bad("max_message_size", "must not be negative")
	}
	if s.PageSize < 0 || s.PageSize > 5000 {
		bad("page_size", "must be between 1 and 5000")
	}
	return errors.Join(errs...)
}

// resolved returns the settings with defaults filled in.
func (s Settings) resolved() Settings {
	if s.Security == "" {
		s.Security = SecurityTLS
	}
	if s.Port == 0 {
		s.Port = 143
		if s.Security == SecurityTLS {
			s.Port = 993
		}
	}
	if s.MaxMessageSize == 0 {
		s.MaxMessageSize = DefaultMaxMessageSize
	}
	if s.PageSize == 0 {
		s.PageSize = DefaultPageSize
	}
	return s
}
