package gmail

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
const Source = tributary.SourceGmail

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Gmail",
		Category:    tributary.CategoryEmail,
		Description: "Mail of Gmail: one document per thread with its messages as sections, from every user's " +
			"mailbox (a service account with domain-wide delegation) or one user's (OAuth consent), spam and " +
			"trash left out, attachments extracted when asked, kept current by polling with the history API, " +
			"with the mailbox owner and its delegates as access.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/gmail",
		OAuth:  &OAuth,
	}, New))
}

// Connector reads threads from Gmail.
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
// zero numbers and URL mean their defaults.
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, httpx.RetryPolicy{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, retry httpx.RetryPolicy) (*Connector, error) {
	if err := google.Check("gmail", &s, &c, s.validateFor); err != nil {
		return nil, err
	}
	cl, err := newClient(&s, &c, env, retry)
	if err != nil {
		return nil, fmt.Errorf("gmail: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// Source returns SourceGmail.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// admin returns whom a service account acts as to list users, or "".
func (c *Connector) admin() string {
	if c.client.mode == "service_account" {
		return c.settings.AdminEmail
	}
	return ""
}

// Validate checks that the credentials read a mailbox (the profile of the
// first configured user, of the administrator, or of the consenting user)
// and, with a service account reading every user, that the administrator
// may list the users. Rejected credentials fail with ErrCredentialExpired,
// a missing scope or delegation with ErrInsufficientPermissions.
func (c *Connector) Validate(ctx context.Context) error {
	who := c.admin()
	if len(c.settings.UserEmails) > 0 && c.client.mode == "service_account" {
		who = google.SortedLower(c.settings.UserEmails)[0]
	}
	if _, err := c.profile(google.As(ctx, who, ScopeGmailReadonly)); err != nil {
		return fmt.Errorf("gmail: validate credentials: %w", err)
	}
	if c.client.mode == "service_account" && len(c.settings.UserEmails) == 0 {
		q := url.Values{"customer": {"my_customer"}, "maxResults": {"1"}, "fields": {"users(primaryEmail)"}}
		if err := c.client.get(google.As(ctx, c.admin(), ScopeUserReadonly), join(c.client.admin, "/users", q), &userList{}); err != nil {
			return fmt.Errorf("gmail: validate listing users as %s: %w", c.admin(), err)
		}
	}
	return nil
}

// profile reads the mailbox's profile (its address and history id).
func (c *Connector) profile(ctx context.Context) (*apiProfile, error) {
	var p apiProfile
	if err := c.client.get(ctx, join(c.client.gmail, "/me/profile", nil), &p); err != nil {
		return nil, err
	}
	if p.EmailAddress == "" || p.HistoryID == "" {
		return nil, tributary.NewError("gmail: profile", tributary.ErrMalformedResponse, errors.New("answer without emailAddress or historyId"))
	}
	return &p, nil
}

// LoadFromCheckpoint yields, mailbox by mailbox in address order, each
// mailbox's node and the threads whose latest message (spam and trash
// left out) was received in [start, end), with a checkpoint after every
// page. A poll window (start set) run under a host that keeps Values also
// reads the mailbox's history and yields deletions (see the package
// documentation).
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

// LoadSlim yields the ids of exactly the threads LoadFromCheckpoint would
// yield for [start, end), with their access, reading no message content.
// Any failure ends the listing with an error, so that pruning never acts
// on an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("gmail: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(tributary.WithValues(ctx, nil), start, end, true, yield).all(position{})
	})
}
