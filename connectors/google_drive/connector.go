package googledrive

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/google"
)

// Source is the document source this package reads.
const Source = tributary.SourceGoogleDrive

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Google Drive",
		Category:    tributary.CategoryStorage,
		Description: "Files of Google Drive: users' My Drives, shared drives, folders and files shared " +
			"with users, with Google Docs, Sheets and Slides exported and other files extracted as text, " +
			"read with a service account using domain-wide delegation or with one user's OAuth consent, " +
			"kept current by polling, with sharing as access and Google groups.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/google_drive",
		OAuth:  &OAuth,
	}, New))
}

// Connector reads files from Google Drive.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go,
// zero numbers and URL mean their defaults; the Include fields must be set
// (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, httpx.RetryPolicy{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, retry httpx.RetryPolicy) (*Connector, error) {
	if err := google.Check("google_drive", &s, &c, s.validateFor); err != nil {
		return nil, err
	}
	cl, err := newClient(&s, &c, env, retry)
	if err != nil {
		return nil, fmt.Errorf("google_drive: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// validateFor reports settings the credentials cannot serve.
func (s *Settings) validateFor(mode string) error {
	var errs []error
	if mode == "service_account" && s.AdminEmail == "" {
		errs = append(errs, tributary.InvalidField("admin_email", "required with a service account: the administrator to act as"))
	}
	if mode != "service_account" {
		for _, e := range s.MyDriveEmails {
			errs = append(errs, tributary.InvalidField("my_drive_emails", "%q: reading other users' drives needs a service account with domain-wide delegation", e))
			break
		}
	}
	return errors.Join(errs...)
}

// Source returns SourceGoogleDrive.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks that the credentials work (about.get, as the
// administrator with a service account), that the configured shared
// drives and folders can be read, and with a service account that the
// administrator may list users when every user's drive is read. Rejected
// credentials fail with ErrCredentialExpired, a missing scope or
// delegation with ErrInsufficientPermissions, and a drive or folder not
// found with ErrNotFound.
func (c *Connector) Validate(ctx context.Context) error {
	admin := ""
	if c.client.mode == "service_account" {
		admin = c.settings.AdminEmail
	}
	actx := google.As(ctx, admin, ScopeDriveReadonly)
	var about struct {
		User apiUser `json:"user"`
	}
	if err := c.client.get(actx, join(c.client.drive, "/about", url.Values{"fields": {"user(emailAddress)"}}), &about); err != nil {
		return fmt.Errorf("google_drive: validate credentials: %w", err)
	}
	dq := url.Values{"fields": {"id"}}
	if c.client.mode == "service_account" {
		dq.Set("useDomainAdminAccess", "true") // the administrator need not be a member
	}
	for _, id := range sortedIDs(c.settings.SharedDriveIDs) {
		if err := c.client.get(actx, join(c.client.drive, "/drives/"+url.PathEscape(id), dq), &apiDrive{}); err != nil {
			return fmt.Errorf("google_drive: validate shared drive %s: %w", id, err)
		}
	}
	for _, id := range sortedIDs(c.settings.FolderIDs) {
		f, err := c.getFile(actx, id)
		if err != nil {
			return fmt.Errorf("google_drive: validate folder %s: %w", id, err)
		}
		if f.MimeType != mimeFolder {
			return tributary.NewError("google_drive: validate folder "+id, tributary.ErrInvalidConfig, errors.New("not a folder"))
		}
	}
	if c.client.mode == "service_account" && (c.settings.IncludeMyDrives || c.settings.IncludeSharedWithMe) && len(c.settings.MyDriveEmails) == 0 {
		q := url.Values{"customer": {"my_customer"}, "maxResults": {"1"}, "fields": {"users(primaryEmail)"}}
		if err := c.client.get(google.As(ctx, admin, ScopeUserReadonly), join(c.client.admin, "/users", q), &userList{}); err != nil {
			return fmt.Errorf("google_drive: validate listing users as %s: %w", admin, err)
		}
	}
	return nil
}

// LoadFromCheckpoint yields, pass by pass (shared drives, My Drives,
// shared-with-me files, folders), the nodes and documents of the files
// modified in [start, end), with a checkpoint after every page. A poll
// window (start set) run under a host that keeps Values also reads the
// Changes API and yields deletions (see the package documentation).
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		c.newRun(ctx, start, end, false, yield).all(pos)
	}
}

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint
// would yield for [start, end), with their access when the host asked
// for permissions, without reading any content. Any failure ends the
// listing with an error, so that pruning never acts on an incomplete
// listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("google_drive: slim listing", func(yield func(tributary.Item, error) bool) {
		r := c.newRun(tributary.WithValues(ctx, nil), start, end, true, yield)
		r.all(position{})
	})
}
