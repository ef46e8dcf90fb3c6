package linear

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// Source is the document source this package reads.
const Source = tributary.SourceLinear

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Linear",
		Category:    tributary.CategoryTicketing,
		Description: "Issues with their comments, projects and documents of a Linear workspace, under " +
			"team and project nodes, with private teams' members as access groups, read through " +
			"Linear's GraphQL API with a personal API key or an OAuth access token.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/linear",
		OAuth:  &OAuth,
	}, New))
}

// Connector reads a Linear workspace.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
	// teams are the configured team keys, upper-cased and sorted; nil
	// reads every team.
	teams []string
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go,
// an empty APIURL or PageSize means its default; the Include fields must
// be set (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	if err := errors.Join(tributary.PrefixFields("settings", s.Validate()), tributary.PrefixFields("credentials", c.Validate())); err != nil {
		return nil, &tributary.Error{Op: "linear: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env)
	if err != nil {
		return nil, fmt.Errorf("linear: new connector: %w", err)
	}
	c2 := &Connector{settings: s, env: env, client: cl}
	for _, k := range s.Teams {
		c2.teams = append(c2.teams, strings.ToUpper(k))
	}
	if c2.teams != nil {
		slices.Sort(c2.teams)
		c2.teams = slices.Compact(c2.teams)
	}
	return c2, nil
}

// Source returns SourceLinear.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate reads the viewer and the workspace, one request, and when the
// settings name teams, the teams (one request a hundred teams). A rejected
// or revoked key or token fails with ErrCredentialExpired, an OAuth token
// without the read scope with ErrInsufficientPermissions, and a configured
// team the credentials cannot see (or that does not exist) with
// ErrNotFound.
func (c *Connector) Validate(ctx context.Context) error {
	if _, err := c.workspace(ctx); err != nil {
		return fmt.Errorf("linear: validate: %w", err)
	}
	if c.teams == nil {
		return nil
	}
	missing := slices.Clone(c.teams)
	for t, err := range c.allTeams(ctx) {
		if err != nil {
			return fmt.Errorf("linear: validate: %w", err)
		}
		missing = slices.DeleteFunc(missing, func(k string) bool { return k == t.Key })
	}
	if len(missing) > 0 {
		return tributary.NewError("linear: validate", tributary.ErrNotFound,
			fmt.Errorf("no team %s that the credentials can see", strings.Join(missing, ", ")))
	}
	return nil
}

// readsTeam reports whether the settings read the team with key.
func (c *Connector) readsTeam(key string) bool {
	return c.teams == nil || slices.Contains(c.teams, key)
}

// readsProject reports whether the settings read a project of teams.
func (c *Connector) readsProject(teams []apiTeam) bool {
	return c.teams == nil || slices.ContainsFunc(teams, func(t apiTeam) bool { return slices.Contains(c.teams, t.Key) })
}

// LoadFromCheckpoint yields the team nodes, then every project's node (and
// the documents of the projects updated in [start, end)), then the issues
// and the documents updated in [start, end), newest first, with a
// checkpoint after every page. See the package documentation for what a
// checkpoint holds.
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

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint would
// yield for [start, end), without bodies or comments. Any failure ends the
// listing with an error, so that pruning never acts on an incomplete
// listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("linear: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, start, end, true, yield).all(position{})
	})
}
