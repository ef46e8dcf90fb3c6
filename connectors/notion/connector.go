package notion

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source this package reads.
const Source = tributary.SourceNotion

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Notion",
		Category:    tributary.CategoryWiki,
		Description: "Pages and database rows of a Notion workspace shared with an integration, with " +
			"their nested blocks, headings as sections, authors and properties, read with an " +
			"integration token or an OAuth grant and kept current by polling.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/notion",
		OAuth:  &OAuth,
	}, New))
}

// Connector reads pages and database rows from Notion.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
	_ tributary.Refetcher           = (*Connector)(nil)
	_ tributary.Prober              = (*Connector)(nil)
	_ tributary.URLNormalizer       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go,
// zero values mean their defaults except IncludeDatabases, which must be
// set (SetDefaults sets every default).
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
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "notion: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, o)
	if err != nil {
		return nil, fmt.Errorf("notion: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// Source returns SourceNotion.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the token (GET /v1/users/me) and that the integration
// may read content (one search result). A rejected token fails with
// ErrCredentialExpired; an integration without the "Read content"
// capability with ErrInsufficientPermissions.
func (c *Connector) Validate(ctx context.Context) error {
	var me apiUser
	if err := c.client.get(ctx, "/users/me", nil, &me); err != nil {
		return fmt.Errorf("notion: validate token: %w", err)
	}
	var l apiList
	if err := c.client.post(ctx, "/search", searchBody("page", "descending", "", 1), &l); err != nil {
		return fmt.Errorf("notion: validate read access: %w", err)
	}
	return nil
}

// LoadFromCheckpoint yields the pages edited in [start, end), newest
// first, and then, database by database, each database's node and its
// rows edited in the window, oldest first; every page or row after the
// nodes of its ancestors, with a checkpoint after every page of results.
// See the package documentation for what a checkpoint holds.
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
// yield for [start, end), without reading their blocks. Any failure ends
// the listing with an error, so that pruning never acts on an incomplete
// listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("notion: slim listing", func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, yield, start, end, true)
		r.all(position{})
	})
}

func (c *Connector) newRun(ctx context.Context, yield func(tributary.Item, error) bool, start, end time.Time, slim bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion),
		nodes:   newRecent(1024), objects: newMemo[nodeInfo](1024), people: newMemo[*tributary.Person](1024)}
}

// searchBody is a search for pages or databases sorted by last edit.
func searchBody(object, direction, cursor string, size int) map[string]any {
	b := map[string]any{
		"filter":    map[string]any{"property": "object", "value": object},
		"sort":      map[string]any{"timestamp": "last_edited_time", "direction": direction},
		"page_size": size,
	}
	if cursor != "" {
		b["start_cursor"] = cursor
	}
	return b
}

// pathID escapes an object id for a path.
func pathID(id string) string { return url.PathEscape(id) }
