package outline

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source this package reads.
const Source = tributary.SourceOutline

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Outline",
		Category:    tributary.CategoryWiki,
		Description: "Documents of an Outline knowledge base (cloud or self-hosted), collection by collection, " +
			"with their nested documents as hierarchy, markdown split at headings, authors, and access from " +
			"collection and document memberships, read with an API key and kept current by polling.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/outline",
	}, New))
}

// Connector reads documents from Outline.
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
// zero values mean their defaults.
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
	if err := errors.Join(tributary.PrefixFields("settings", s.Validate()), tributary.PrefixFields("credentials", c.Validate())); err != nil {
		return nil, &tributary.Error{Op: "outline: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, o)
	if err != nil {
		return nil, fmt.Errorf("outline: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// Source returns SourceOutline.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the API key (auth.info), that every configured
// collection exists and may be read, and that documents can be listed. A
// rejected, revoked or expired key fails with ErrCredentialExpired, a key
// whose user may not read a collection (or whose scopes leave a method
// out) with ErrInsufficientPermissions, and a collection that does not
// exist with ErrNotFound.
func (c *Connector) Validate(ctx context.Context) error {
	var me apiAuthInfo
	if err := c.client.call(ctx, "auth.info", map[string]any{}, &me); err != nil {
		return fmt.Errorf("outline: validate key: %w", err)
	}
	if me.Data.User.ID == "" {
		return malformed("auth.info", "answer without the key's user")
	}
	if team := strings.TrimRight(me.Data.Team.URL, "/"); team != "" && !strings.EqualFold(team, c.settings.web()) {
		c.env.Log().Warn("outline: base_url is not the workspace's own address; document ids and links name base_url",
			"base_url", c.settings.web(), "workspace", team)
	}
	first := ""
	for _, id := range c.settings.Collections {
		col, err := c.collection(ctx, id)
		if err != nil {
			return fmt.Errorf("outline: validate: %w", err)
		}
		first = cmp.Or(first, col.ID)
	}
	if len(c.settings.Collections) == 0 {
		raws, err := c.client.list(ctx, "collections.list", map[string]any{}, "", 0, 1)
		if err != nil {
			return fmt.Errorf("outline: validate: list collections: %w", err)
		}
		if len(raws) == 0 {
			return nil
		}
		var col apiCollection
		if err := json.Unmarshal(raws[0], &col); err != nil || col.ID == "" {
			return malformed("collections.list", "collection without an id")
		}
		first = col.ID
	}
	if _, err := c.client.list(ctx, "documents.list", map[string]any{"collectionId": first}, "", 0, 1); err != nil {
		return fmt.Errorf("outline: validate: list documents: %w", err)
	}
	return nil
}

// collection reads one collection by id or urlId.
func (c *Connector) collection(ctx context.Context, id string) (*apiCollection, error) {
	var out struct {
		Data apiCollection `json:"data"`
	}
	if err := c.client.call(ctx, "collections.info", map[string]any{"id": id}, &out); err != nil {
		return nil, fmt.Errorf("collection %s: %w", id, err)
	}
	if !uuidPattern.MatchString(out.Data.ID) || out.Data.Name == "" {
		return nil, malformed("collections.info", "collection %s lacks its id or name", id)
	}
	return &out.Data, nil
}

// listCollections returns the collections to read, in id order: the
// configured ones, or every one the key's user may read. A configured one
// that does not exist (any more) is handed to missing, and left out unless
// missing returns an error.
func (c *Connector) listCollections(ctx context.Context, missing func(id string, err error) error) ([]*apiCollection, error) {
	byID := map[string]*apiCollection{}
	if len(c.settings.Collections) == 0 {
		err := all(ctx, c.client, "collections.list", map[string]any{}, "", func(col *apiCollection) error {
			if !uuidPattern.MatchString(col.ID) || col.Name == "" {
				return malformed("collections.list", "collection without an id or name")
			}
			byID[col.ID] = col
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, id := range c.settings.Collections {
		col, err := c.collection(ctx, id)
		if errors.Is(err, tributary.ErrNotFound) {
			if err := missing(id, err); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		byID[col.ID] = col
	}
	return slices.SortedFunc(maps.Values(byID), func(a, b *apiCollection) int { return cmp.Compare(a.ID, b.ID) }), nil
}

// LoadFromCheckpoint yields, collection by collection in id order, the
// collection's node and its documents updated in [start, end), newest
// first, each after the nodes of its parent documents, with a checkpoint
// after every page; in a window with a start, deletions of the documents
// that left the collection in the window follow. See the package
// documentation for what a checkpoint holds.
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

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint would
// yield for [start, end), with their access when permissions are asked
// for, without sections or owners. Any failure ends the listing with an
// error, so that pruning never acts on an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("outline: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, yield, start, end, true).all(position{})
	})
}

var (
	_ tributary.LoadConnector = (*Connector)(nil)
	_ tributary.PollConnector = (*Connector)(nil)
)

// Load yields every document, or a Failure as the error, collection by
// collection.
func (c *Connector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return c.Poll(ctx, time.Time{}, time.Time{})
}

// Poll yields the documents updated in [start, end), with Failures as
// errors. Deletions, which only the checkpoint stream carries, are left
// out.
func (c *Connector) Poll(ctx context.Context, start, end time.Time) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for it, err := range c.LoadFromCheckpoint(ctx, start, end, nil) {
			ok := true
			switch {
			case err != nil:
				ok = yield(nil, err)
			case it.Document != nil:
				ok = yield(it.Document, nil)
			case it.Failure != nil:
				ok = yield(nil, it.Failure)
			}
			if !ok {
				return
			}
		}
	}
}
