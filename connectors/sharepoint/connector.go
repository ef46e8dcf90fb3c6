package sharepoint

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source this package reads.
const Source = tributary.SourceSharePoint

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "SharePoint",
		Category:    tributary.CategoryStorage,
		Description: "Files of SharePoint Online document libraries and the sites' modern pages, read through " +
			"Microsoft Graph with an Entra ID app's application permissions (a client secret or a certificate), " +
			"kept current with each library's delta query, with sharing as access and Entra ID groups.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/sharepoint",
	}, New))
}

// Connector reads SharePoint Online through Microsoft Graph.
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
// zero numbers and URLs mean their defaults; the Include fields must be
// set (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, httpx.RetryPolicy{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, retry httpx.RetryPolicy) (*Connector, error) {
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "sharepoint: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, retry)
	if err != nil {
		return nil, fmt.Errorf("sharepoint: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// Source returns SourceSharePoint.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks that the app gets a token (a secret or certificate the
// app does not have, or an unknown app, fail with ErrCredentialExpired; an
// unknown tenant with ErrInvalidConfig) and that it may read sites: the
// configured ones are resolved, else one page of the tenant's sites is
// read. A missing Sites.Read.All fails with ErrInsufficientPermissions
// naming it, a configured site not found with ErrNotFound.
func (c *Connector) Validate(ctx context.Context) error {
	if len(c.settings.Sites) > 0 {
		for _, raw := range c.settings.Sites {
			if _, err := c.site(ctx, raw); err != nil {
				return fmt.Errorf("sharepoint: validate: %w", err)
			}
		}
		return nil
	}
	var pg listing
	if err := c.client.get(ctx, c.client.graph+"/sites/getAllSites?$select=id&$top=1", PermSites, &pg); err != nil {
		return fmt.Errorf("sharepoint: validate: %w", err)
	}
	return nil
}

// LoadFromCheckpoint yields, site by site, the site's node and its pages
// modified in [start, end), then for each document library its node, its
// folders' nodes and the documents of its files modified in [start, end),
// through the library's delta query, with a checkpoint after every page.
// A poll window (start set) run under a host that keeps Values continues
// each library's delta from the link the last run stored, so it also
// yields deletions and files moved, renamed or shared without a new
// modification time (see the package documentation).
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp)
		if err == nil && pos.Link != "" && !c.client.within(pos.Link) {
			err = tributary.NewError("sharepoint: decode checkpoint", tributary.ErrInvalidCheckpoint, errors.New("a link outside the Graph API"))
		}
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
	return tributary.StrictSlim("sharepoint: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(tributary.WithValues(ctx, nil), start, end, true, yield).all(position{})
	})
}
