package jira

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source this package reads.
const Source = tributary.SourceJira

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Jira",
		Category:    tributary.CategoryTicketing,
		Description: "Issues of Jira Cloud, Server or Data Center projects, with their descriptions, " +
			"comments, people, status and labels, read with an API token (Cloud) or a personal " +
			"access token (Server and Data Center) and kept current by polling or by webhook deliveries.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/jira",
	}, New))
}

// Connector reads issues from Jira.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
	projects []string // configured keys, sorted; empty means every visible project
	// webhookSecret verifies webhook deliveries.
	webhookSecret tributary.Secret
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
	_ tributary.EventConnector      = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go, an
// empty Deployment or PageSize means its default; IncludeComments must be
// set (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, httpx.RetryPolicy{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, retry httpx.RetryPolicy) (*Connector, error) {
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.validateFor(s.Deployment))
	}
	if err != nil {
		return nil, &tributary.Error{Op: "jira: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, retry)
	if err != nil {
		return nil, fmt.Errorf("jira: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl, projects: s.projectKeys(), webhookSecret: c.WebhookSecret}, nil
}

// Source returns SourceJira.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the credentials (GET /myself), that every configured
// project exists (ErrNotFound; Jira answers the same for a project hidden
// from the account) and that the account may browse it
// (ErrInsufficientPermissions, from /mypermissions), and that Jira accepts
// the JQL filter (ErrInvalidConfig). Rejected credentials fail with
// ErrCredentialExpired.
func (c *Connector) Validate(ctx context.Context) error {
	var me apiUser
	if err := c.client.get(ctx, c.client.url("/myself", nil), &me); err != nil {
		return fmt.Errorf("jira: validate credentials: %w", err)
	}
	for _, key := range c.projects {
		var p apiProject
		if err := c.client.get(ctx, c.client.url("/project/"+url.PathEscape(key), nil), &p); err != nil {
			return fmt.Errorf("jira: validate project %s: %w", key, err)
		}
		var perms apiPermissions
		q := url.Values{"projectKey": {key}, "permissions": {"BROWSE_PROJECTS"}}
		if err := c.client.get(ctx, c.client.url("/mypermissions", q), &perms); err != nil {
			return fmt.Errorf("jira: validate permissions on %s: %w", key, err)
		}
		if !perms.Permissions["BROWSE_PROJECTS"].HavePermission {
			return tributary.NewError("jira: validate project "+key, tributary.ErrInsufficientPermissions,
				errors.New("the account lacks the Browse projects permission"))
		}
	}
	if c.settings.JQL != "" {
		return c.validateJQL(ctx)
	}
	return nil
}

// validateJQL runs the filter once for one issue.
func (c *Connector) validateJQL(ctx context.Context) error {
	jql := "(" + c.settings.JQL + ")"
	if len(c.projects) > 0 {
		jql += " AND " + projectClause(c.projects[0])
	}
	_, err := c.searchPage(ctx, jql, "", 0, 1, []string{"updated"})
	if badRequest(err) {
		return tributary.NewError("jira: validate jql", tributary.ErrInvalidConfig, err)
	}
	if err != nil {
		return fmt.Errorf("jira: validate jql: %w", err)
	}
	return nil
}

// LoadFromCheckpoint yields, project by project in key order, the
// project's node and then its issues updated in [start, end), oldest first,
// with a checkpoint after every page. See the package documentation for
// what a checkpoint holds.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		r := &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
		r.all(pos)
	}
}

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint would
// yield for [start, end), without comments. Any failure ends the listing
// with an error, so that pruning never acts on an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("jira: slim listing", func(yield func(tributary.Item, error) bool) {
		r := &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: true}
		r.Yielder = tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)
		r.all(position{})
	})
}
