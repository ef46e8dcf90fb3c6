package teams

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/graph"
)

// Source is the document source this package reads.
const Source = tributary.SourceTeams

// Application permissions, named in errors when Graph refuses a request.
const (
	PermTeams    = "Team.ReadBasic.All"
	PermChannels = "Channel.ReadBasic.All"
	PermMessages = "ChannelMessage.Read.All"
	PermMembers  = "ChannelMember.Read.All"
	PermGroups   = "GroupMember.Read.All"
)

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Microsoft Teams",
		Category:    tributary.CategoryChat,
		Description: "Threads of Microsoft Teams channels (standard, private and shared), a root message with its replies " +
			"per document, read through Microsoft Graph with an Entra ID app's application permissions (a client secret " +
			"or a certificate), kept current with each channel's delta query, with the team's group or the channel's " +
			"members as access and the teams' groups for group sync.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/teams",
	}, New))
}

// Connector reads Microsoft Teams through Microsoft Graph.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *graph.Client
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go,
// zero numbers and URLs mean their defaults.
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, httpx.RetryPolicy{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, retry httpx.RetryPolicy) (*Connector, error) {
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "teams: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := graph.New(graph.Options{Name: "teams", Env: env, Retry: retry, MaxBodyBytes: 16 << 20,
		GraphURL: s.GraphURL, LoginURL: s.LoginURL, Credentials: &c})
	if err != nil {
		return nil, fmt.Errorf("teams: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// Source returns SourceTeams.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks that the app gets a token (a secret or certificate the
// app does not have, or an unknown app, fail with ErrCredentialExpired; an
// unknown tenant with ErrInvalidConfig) and that it may read teams: the
// configured ones are read, else one page of the tenant's teams. A
// missing Team.ReadBasic.All fails with ErrInsufficientPermissions naming
// it, a configured team not found with ErrNotFound.
func (c *Connector) Validate(ctx context.Context) error {
	if len(c.settings.Teams) > 0 {
		for _, id := range c.settings.Teams {
			var t apiTeam
			if err := c.client.Get(ctx, c.client.Root+"/teams/"+url.PathEscape(id)+"?$select=id,displayName", PermTeams, &t); err != nil {
				return fmt.Errorf("teams: validate team %s: %w", id, err)
			}
		}
		return nil
	}
	var pg graph.Listing
	if err := c.client.Get(ctx, c.client.Root+"/teams?$select=id&$top=1", PermTeams, &pg); err != nil {
		return fmt.Errorf("teams: validate: %w", err)
	}
	return nil
}

// LoadFromCheckpoint yields, team by team in id order, the team's node,
// then for each channel (in id order) its node and one document per
// thread (a root message with its replies) whose last activity lies in
// [start, end), through the channel's delta query, with a checkpoint
// after every page. A poll window (start set) run under a host that keeps
// Values continues each channel's delta from the link the last run
// stored, so it also yields deletions, and threads whose root message
// changed (see the package documentation for what it cannot see).
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp)
		if err == nil && pos.Link != "" && !c.client.Within(pos.Link) {
			err = tributary.NewError("teams: decode checkpoint", tributary.ErrInvalidCheckpoint, errors.New("a link outside the Graph API"))
		}
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		c.newRun(ctx, start, end, false, yield).all(pos)
	}
}

// LoadSlim yields the ids of exactly the threads LoadFromCheckpoint would
// yield for [start, end), with their access, reading replies only when a
// window needs their times. Any failure ends the listing with an error,
// so that pruning never acts on an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("teams: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(tributary.WithValues(ctx, nil), start, end, true, yield).all(position{})
	})
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per thread.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, tributary.ErrInvalidConfig) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
