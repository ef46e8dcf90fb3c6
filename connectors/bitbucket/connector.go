package bitbucket

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"time"

	"github.com/tributary-dev/tributary"
)

// Source is the document source this package reads.
const Source = tributary.SourceBitbucket

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Bitbucket Cloud",
		Category:    tributary.CategoryCode,
		Description: "Pull requests of Bitbucket Cloud workspaces and repositories, with their comments, reviewers " +
			"and branches, read with an app password or a repository, project or workspace access token.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/bitbucket",
	}, New))
}

// Connector reads pull requests from Bitbucket Cloud.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
	// repos ("workspace/slug") and workspaces are the configured ones,
	// lower-cased, de-duplicated and sorted.
	repos      []string
	workspaces []string
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go,
// empty URLs, States and PageLen mean their defaults; IncludeComments must
// be set (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	if err := errors.Join(tributary.PrefixFields("settings", s.Validate()), tributary.PrefixFields("credentials", c.Validate())); err != nil {
		return nil, &tributary.Error{Op: "bitbucket: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	s.States = sortedLower(s.States, false)
	cl, err := newClient(&s, &c, env)
	if err != nil {
		return nil, fmt.Errorf("bitbucket: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl, repos: sortedLower(s.Repositories, true),
		workspaces: sortedLower(s.Workspaces, true)}, nil
}

// sortedLower returns in sorted and without duplicates, lower-cased when
// asked: Bitbucket's slugs are case-insensitive.
func sortedLower(in []string, lowerCase bool) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		if lowerCase {
			v = lower(v)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Source returns SourceBitbucket.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks that every configured repository and workspace can be
// seen, and that the credentials may read the pull requests of the first
// repository. Rejected credentials fail with ErrCredentialExpired,
// credentials without the pull request scope with
// ErrInsufficientPermissions, and a repository or workspace that does not
// exist (or that Bitbucket hides, as it hides private ones) with
// ErrNotFound.
func (c *Connector) Validate(ctx context.Context) error {
	var first string
	for _, full := range c.repos {
		ws, slug, _ := splitRepo(full)
		var repo apiRepository
		if err := c.client.get(ctx, c.client.url("/repositories/"+url.PathEscape(ws)+"/"+url.PathEscape(slug), nil), &repo); err != nil {
			return fmt.Errorf("bitbucket: validate repository %s: %w", full, err)
		}
		if first == "" {
			first = full
		}
	}
	for _, ws := range c.workspaces {
		var page pageBody
		if err := c.client.get(ctx, c.client.url("/repositories/"+url.PathEscape(ws), url.Values{"pagelen": {"1"}}), &page); err != nil {
			return fmt.Errorf("bitbucket: validate workspace %s: %w", ws, err)
		}
		if first == "" && page.Values != nil && len(*page.Values) > 0 {
			var repo apiRepository
			if decodeRepo((*page.Values)[0], &repo) == nil {
				first = repo.fullName()
			}
		}
	}
	if first == "" {
		return nil
	}
	ws, slug, _ := splitRepo(first)
	var page pageBody
	u := c.client.url("/repositories/"+url.PathEscape(ws)+"/"+url.PathEscape(slug)+"/pullrequests", url.Values{"pagelen": {"1"}})
	if err := c.client.get(ctx, u, &page); err != nil {
		return fmt.Errorf("bitbucket: validate pull requests of %s: %w", first, err)
	}
	return nil
}

// LoadFromCheckpoint yields, repository by repository, the nodes of the
// workspace and of the repository, then its pull requests updated in
// [start, end), oldest first, with a checkpoint after every page. See the
// package documentation for the order and for what a checkpoint holds.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := c.decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		c.newRun(ctx, start, end, false, yield).all(pos)
	}
}

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint would
// yield for [start, end), without comments. Any failure ends the listing
// with an error, so that pruning never acts on an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("bitbucket: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, start, end, true, yield).all(position{})
	})
}
