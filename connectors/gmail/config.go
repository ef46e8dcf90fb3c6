package gmail

import (
	"errors"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/google"
)

// DefaultAPIURL is the root of the Gmail and Directory APIs.
const DefaultAPIURL = "https://www.googleapis.com"

// DefaultTokenURI is Google's token endpoint.
const DefaultTokenURI = google.DefaultTokenURI

// Settings say which mailboxes to read.
type Settings struct {
	// AdminEmail is a Workspace administrator that a service account
	// impersonates to list the domain's users. Required with a service
	// account unless UserEmails lists the mailboxes; ignored with OAuth
	// credentials, which read the consenting user's mailbox.
	AdminEmail string `json:"admin_email,omitempty" jsonschema:"title=Administrator,description=Administrator a service account impersonates to list the domain's users,format=email"`
	// UserEmails lists the mailboxes read; empty means every active user
	// of the domain (service account) or the consenting user.
	UserEmails []string `json:"user_emails,omitempty" jsonschema:"title=Mailboxes,description=Addresses of the users whose mail is read; empty reads every user"`
	// IncludeAttachments extracts the text of attachments (as sections of
	// their thread) up to MaxAttachmentSize; off by default, when
	// attachments are only named in the metadata.
	IncludeAttachments bool `json:"include_attachments,omitempty" jsonschema:"title=Attachments,description=Extract the text of attachments"`
	// MaxAttachmentSize bounds the bytes of one attachment read; larger
	// ones are named, not read. 10 MiB by default.
	MaxAttachmentSize int64 `json:"max_attachment_size,omitempty" jsonschema:"title=Largest attachment,description=Largest attachment in bytes that is read,minimum=1,default=10485760"`
	// IncludeDelegates adds the users a mailbox is delegated to (Gmail
	// delegation, accepted) to the access of its threads. It needs a
	// service account granted the gmail.settings.basic scope.
	IncludeDelegates bool `json:"include_delegates,omitempty" jsonschema:"title=Delegates,description=Give the users a mailbox is delegated to access to its threads"`
	// Concurrency is how many threads are read at once; 4 by default, at
	// most 16. At most twice as many are held ahead of the one being
	// yielded. Gmail's per-user quota allows about 25 thread reads a
	// second.
	Concurrency int `json:"concurrency,omitempty" jsonschema:"title=Concurrency,description=Threads read at once,minimum=1,maximum=16,default=4"`
	// RequestsPerSecond is the client's pace; 20 by default, under Gmail's
	// per-user quota of 250 units a second (a thread read costs 10), since
	// one mailbox is read at a time.
	RequestsPerSecond float64 `json:"requests_per_second,omitempty" jsonschema:"title=Requests per second,description=Client-side pace of requests,minimum=0.1,maximum=10000,default=20"`
	// PageSize is the number of threads per listing page, at most 500.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=500,default=100"`
	// APIURL is the root of the Gmail and Directory APIs, for a proxy or an
	// emulator; https://www.googleapis.com by default.
	APIURL string `json:"api_url,omitempty" jsonschema:"title=API URL,description=Root of the Gmail and Directory APIs,format=uri,default=https://www.googleapis.com"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.MaxAttachmentSize = 10 << 20
	s.PageSize = 100
	s.Concurrency = 4
	s.RequestsPerSecond = 20
	s.APIURL = DefaultAPIURL
}

// Validate reports every problem with the settings. Empty numbers and URL
// are given their defaults first.
func (s *Settings) Validate() error {
	var errs []error
	if s.MaxAttachmentSize == 0 {
		s.MaxAttachmentSize = 10 << 20
	}
	if s.PageSize == 0 {
		s.PageSize = 100
	}
	if s.Concurrency == 0 {
		s.Concurrency = 4
	}
	if s.RequestsPerSecond == 0 {
		s.RequestsPerSecond = 20
	}
	if s.APIURL == "" {
		s.APIURL = DefaultAPIURL
	}
	if s.AdminEmail != "" && !google.IsEmail(s.AdminEmail) {
		errs = append(errs, tributary.InvalidField("admin_email", "must be an e-mail address"))
	}
	for i, e := range s.UserEmails {
		if !google.IsEmail(e) {
			errs = append(errs, tributary.InvalidField("user_emails", "entry %d is not an e-mail address", i))
		}
	}
	if s.MaxAttachmentSize < 1 {
		errs = append(errs, tributary.InvalidField("max_attachment_size", "must be positive"))
	}
	if s.Concurrency < 1 || s.Concurrency > 16 {
		errs = append(errs, tributary.InvalidField("concurrency", "must be between 1 and 16"))
	}
	if !(s.RequestsPerSecond >= 0.1 && s.RequestsPerSecond <= 10000) {
		errs = append(errs, tributary.InvalidField("requests_per_second", "must be between 0.1 and 10000"))
	}
	if s.PageSize < 1 || s.PageSize > 500 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 500"))
	}
	if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		errs = append(errs, tributary.InvalidField("api_url", "must be an http or https URL without query, fragment or user"))
	}
	return errors.Join(errs...)
}

// validateFor reports settings the credentials cannot serve.
func (s *Settings) validateFor(mode string) error {
	var errs []error
	if mode == "service_account" && s.AdminEmail == "" && len(s.UserEmails) == 0 {
		errs = append(errs, tributary.InvalidField("admin_email", "required with a service account unless user_emails lists the mailboxes"))
	}
	if mode != "service_account" {
		if len(s.UserEmails) > 0 {
			errs = append(errs, tributary.InvalidField("user_emails", "reading other users' mail needs a service account with domain-wide delegation"))
		}
		if s.IncludeDelegates {
			errs = append(errs, tributary.InvalidField("include_delegates", "listing delegates needs a service account with domain-wide delegation"))
		}
	}
	return errors.Join(errs...)
}

func (s *Settings) api() string { return strings.TrimRight(s.APIURL, "/") }

// Credentials authenticate to Google: a service account's JSON key (with
// domain-wide delegation, to read every user's mailbox), or OAuth
// credentials of one user who consented (client id and secret, refresh
// token), or a bare access token. Mode names which of them they are.
type Credentials = google.Credentials
