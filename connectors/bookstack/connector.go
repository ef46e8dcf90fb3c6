package bookstack

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source this package reads.
const Source = tributary.SourceBookStack

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "BookStack",
		Category:    tributary.CategoryWiki,
		Description: "Pages of a self-hosted BookStack wiki, with shelves, books and chapters as hierarchy, HTML split " +
			"at headings, tags, authors, access from content permissions as roles and role membership for group " +
			"sync, read with an API token and kept current by polling, with deletions from the audit log.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/bookstack",
	}, New))
}

// Connector reads pages from BookStack.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
	// noAudit and noPermissions remember that the token may not read the
	// audit log or content permissions, so that it is logged once.
	noAudit, noPermissions atomic.Bool
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
	_ tributary.LoadConnector       = (*Connector)(nil)
	_ tributary.PollConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go,
// zero values mean their defaults. BookStack is self-hosted: an instance
// on a loopback or private address is reached only when
// Env.AllowPrivateNetwork is set.
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
		return nil, &tributary.Error{Op: "bookstack: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, o)
	if err != nil {
		return nil, fmt.Errorf("bookstack: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// Source returns SourceBookStack.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate lists one page. A token BookStack does not know, or whose secret
// is wrong, fails with ErrCredentialExpired; an expired token, or one whose
// user lacks the "Access System API" role permission, with
// ErrInsufficientPermissions.
func (c *Connector) Validate(ctx context.Context) error {
	_, _, err := c.client.list(ctx, "pages", url.Values{}, 0, 1)
	if errors.Is(err, tributary.ErrInsufficientPermissions) {
		return tributary.NewError("bookstack: validate token", tributary.ErrInsufficientPermissions,
			fmt.Errorf(`the token has expired, or its user lacks the "Access System API" role permission: %w`, err))
	}
	if err != nil {
		return fmt.Errorf("bookstack: validate token: %w", err)
	}
	return nil
}

// LoadFromCheckpoint yields the pages updated in [start, end), oldest
// update first, each after the nodes of its shelf, book and chapter, with
// a checkpoint after every listing request; in a window with a start, the
// deletions of pages the audit log records in the window follow. See the
// package documentation for what a checkpoint holds.
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

// LoadSlim yields the ids of exactly the pages LoadFromCheckpoint would
// yield for [start, end), with their parents, and their access when
// permissions are asked for, without reading their content. Any failure
// ends the listing with an error, so that pruning never acts on an
// incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("bookstack: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, yield, start, end, true).all(position{})
	})
}

// Load yields every page, or a Failure as the error.
func (c *Connector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return c.Poll(ctx, time.Time{}, time.Time{})
}

// Poll yields the pages updated in [start, end), with Failures as errors.
// Deletions, which only the checkpoint stream carries, are left out.
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
