package clickup

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/tributary-dev/tributary"
)

// Source is the document source this package reads.
const Source = tributary.SourceClickUp

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "ClickUp",
		Category:    tributary.CategoryTicketing,
		Description: "Tasks of ClickUp workspaces (descriptions and comments) in their spaces, folders and lists, " +
			"read with a personal API token or an OAuth token by update time, with private lists' members as " +
			"access, workspace members and user groups as groups.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/clickup",
	}, New))
}

// Connector reads tasks from ClickUp.
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
// zero numbers mean their defaults but the Include fields must be set
// (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, options{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, o options) (*Connector, error) {
	s.Workspaces, s.Spaces = slices.Clone(s.Workspaces), slices.Clone(s.Spaces)
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "clickup: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, o)
	if err != nil {
		return nil, fmt.Errorf("clickup: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// Source returns SourceClickUp.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the token (GET /user) and that it may read the
// workspaces the settings name (GET /team). A rejected token (OAUTH_019,
// OAUTH_025 ...) fails with ErrCredentialExpired; a workspace the token
// may not read fails with ErrInsufficientPermissions naming it.
func (c *Connector) Validate(ctx context.Context) error {
	var u userAnswer
	if err := c.client.get(ctx, "/user", nil, &u); err != nil {
		return fmt.Errorf("clickup: validate credentials: %w", err)
	}
	if u.User == nil || u.User.ID == 0 {
		return malformed("validate credentials", "GET /user names no user")
	}
	if _, err := c.workspaces(ctx); err != nil {
		return fmt.Errorf("clickup: validate credentials: %w", err)
	}
	return nil
}

// LoadFromCheckpoint yields, list by list, the tasks updated in
// [start, end), oldest first, each list after its nodes, with a
// checkpoint after every page. See the package documentation for what a
// checkpoint holds.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		c.newRun(ctx, yield, start, end, false).all(pos)
	}
}

// LoadSlim yields the ids of exactly the tasks LoadFromCheckpoint would
// yield for [start, end), with their access, without their comments.
// Any failure ends the listing with an error, so that pruning never acts
// on an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("clickup: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, yield, start, end, true).all(position{})
	})
}
