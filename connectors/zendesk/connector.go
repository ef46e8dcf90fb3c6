package zendesk

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source this package reads.
const Source = tributary.SourceZendesk

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Zendesk",
		Category:    tributary.CategoryTicketing,
		Description: "Help Center articles of a Zendesk account in the chosen locales, under their " +
			"categories and sections, and tickets with their comments, read with an API token or " +
			"an OAuth token and kept current through the incremental ticket export, deletions included.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/zendesk",
	}, New))
}

// Connector reads Help Center articles and tickets from Zendesk.
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
// zero sizes mean their defaults but the Include fields must be set
// (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, options{})
}

// options are what tests change beyond the settings: a faster retry
// policy, and a client-side pace above what the settings allow.
type options struct {
	retry httpx.RetryPolicy
	rate  float64
}

func newConnector(s Settings, c Credentials, env tributary.Env, o options) (*Connector, error) {
	s.Locales = append([]string(nil), s.Locales...)
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "zendesk: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, o)
	if err != nil {
		return nil, fmt.Errorf("zendesk: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// Source returns SourceZendesk.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the credentials (GET /api/v2/users/me) and that the user
// may read what the settings ask: reading tickets through the incremental
// export needs an admin, reading articles an agent or admin. Rejected
// credentials fail with ErrCredentialExpired, a user whose role is too
// low with ErrInsufficientPermissions.
func (c *Connector) Validate(ctx context.Context) error {
	me, err := c.me(ctx)
	if err != nil {
		return fmt.Errorf("zendesk: validate credentials: %w", err)
	}
	if err := c.roleAllows(me); err != nil {
		return fmt.Errorf("zendesk: validate credentials: %w", err)
	}
	return nil
}

func (c *Connector) me(ctx context.Context) (*apiUser, error) {
	var ans struct {
		User *apiUser `json:"user"`
	}
	if err := c.client.get(ctx, c.client.url("/users/me", nil), &ans); err != nil {
		return nil, err
	}
	if ans.User == nil || ans.User.ID == 0 {
		// Zendesk answers an anonymous user for requests it could not
		// authenticate on some hosts.
		return nil, tributary.NewError("zendesk", tributary.ErrCredentialExpired, errString("the credentials name no user"))
	}
	return ans.User, nil
}

// roleAllows says whether the user's role may read what the settings ask.
func (c *Connector) roleAllows(me *apiUser) error {
	switch {
	case c.settings.IncludeTickets && me.Role != "admin":
		return tributary.NewError("zendesk", tributary.ErrInsufficientPermissions,
			fmt.Errorf("user %d is %s: exporting tickets needs an admin", me.ID, me.Role))
	case me.Role != "admin" && me.Role != "agent":
		return tributary.NewError("zendesk", tributary.ErrInsufficientPermissions,
			fmt.Errorf("user %d is %s: reading the Help Center's sections, drafts and restricted articles needs an agent or admin", me.ID, me.Role))
	}
	return nil
}

type errString string

func (e errString) Error() string { return string(e) }

// LoadFromCheckpoint yields, locale by locale, the Help Center articles
// updated in [start, end), oldest first, each after the nodes of its
// category and sections, then the tickets updated in the window from the
// incremental ticket export with their comments, and a deletion for each
// ticket deleted in it; a checkpoint follows every page. See the package
// documentation for what a checkpoint holds.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		r := c.newRun(ctx, yield, start, end, false)
		r.all(pos)
	}
}

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint would
// yield for [start, end), without reading ticket comments. Any failure ends
// the listing with an error, so that pruning never acts on an incomplete
// listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("zendesk: slim listing", func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, yield, start, end, true)
		r.all(position{})
	})
}
