package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// Source is the document source this package reads.
const Source = tributary.SourceGitHub

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "GitHub",
		Category:    tributary.CategoryCode,
		Description: "Pull requests and issues of GitHub or GitHub Enterprise Server repositories, " +
			"with their comments, labels and authors, read with a personal access token and kept " +
			"current by polling or by webhook deliveries.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/github",
		OAuth:  &OAuth,
	}, New))
}

// Connector reads pull requests and issues from GitHub.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
	// repos is the configured repositories, de-duplicated and sorted.
	repos         []string
	webhookSecret tributary.Secret
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
	_ tributary.EventConnector      = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go, an
// empty BaseURL, State or PerPage means its default; IncludePullRequests and
// IncludeIssues must be set (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	if err := errors.Join(tributary.PrefixFields("settings", s.Validate()), tributary.PrefixFields("credentials", c.Validate())); err != nil {
		return nil, &tributary.Error{Op: "github: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env)
	if err != nil {
		return nil, fmt.Errorf("github: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl, repos: sortedRepos(s.Repositories), webhookSecret: c.WebhookSecret}, nil
}

// sortedRepos returns the repositories sorted case-insensitively without
// duplicates, the order the stream visits them in.
func sortedRepos(in []string) []string {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return slices.CompactFunc(out, strings.EqualFold)
}

// Source returns SourceGitHub.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the token (GET /user), that every configured repository
// and the owner exist and can be seen, and that the token may list what
// the settings ask for (probed on the first repository: a token's
// permissions are the same for every repository it was granted). A
// rejected token fails with ErrCredentialExpired, a missing permission with
// ErrInsufficientPermissions, and a repository or owner that does not exist
// (or is hidden from the token, as GitHub hides private repositories) with
// ErrNotFound.
func (c *Connector) Validate(ctx context.Context) error {
	var me apiUser
	if err := c.client.get(ctx, c.client.url("/user", nil), &me); err != nil {
		return fmt.Errorf("github: validate token: %w", err)
	}
	for i, name := range c.repos {
		r, err := c.client.getRepo(ctx, name)
		if err != nil {
			return fmt.Errorf("github: validate: %w", err)
		}
		if i > 0 {
			continue
		}
		if err := c.probeListings(ctx, r); err != nil {
			return err
		}
	}
	if c.settings.Owner != "" {
		var owner apiUser
		if err := c.client.get(ctx, c.client.url("/users/"+url.PathEscape(c.settings.Owner), nil), &owner); err != nil {
			return fmt.Errorf("github: validate owner %s: %w", c.settings.Owner, err)
		}
	}
	return nil
}

// probeListings reads one item of each listing the settings ask for, so a
// token without the Issues or Pull requests permission fails now rather
// than halfway through a run.
func (c *Connector) probeListings(ctx context.Context, r *apiRepo) error {
	for _, k := range c.kindsOf(r) {
		var page []json.RawMessage
		u := c.client.url(repoPath(r.FullName)+"/"+k, url.Values{"per_page": {"1"}, "state": {"all"}})
		if err := c.client.get(ctx, u, &page); err != nil {
			return fmt.Errorf("github: validate %s of %s: %w", k, r.FullName, err)
		}
	}
	return nil
}

// kindsOf lists the listings to read in the repository: those the settings
// ask for, less the issues of a repository that turned them off (its issue
// listing answers 410 Gone).
func (c *Connector) kindsOf(r *apiRepo) []string {
	kinds := c.kinds()
	if r.HasIssues != nil && !*r.HasIssues {
		kinds = slices.DeleteFunc(kinds, func(k string) bool { return k == kindIssues })
	}
	return kinds
}

// kinds lists the listings to read in each repository, in stream order.
func (c *Connector) kinds() []string {
	var k []string
	if c.settings.IncludePullRequests {
		k = append(k, kindPulls)
	}
	if c.settings.IncludeIssues {
		k = append(k, kindIssues)
	}
	return k
}

func repoPath(fullName string) string {
	owner, name, _ := strings.Cut(fullName, "/")
	return "/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name)
}

// LoadFromCheckpoint yields, repository by repository, the repository's
// node and then its pull requests and issues updated in [start, end),
// newest first, with a checkpoint after every page. See the package
// documentation for the order and for what a checkpoint holds.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := c.decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		r := &run{c: c, ctx: ctx, start: start, end: end, Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
		r.all(pos)
	}
}

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint would
// yield for [start, end), without comments. Any failure ends the listing
// with an error, so that pruning never acts on an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("github: slim listing", func(yield func(tributary.Item, error) bool) {
		r := &run{c: c, ctx: ctx, start: start, end: end, slim: true}
		r.Yielder = tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)
		r.all(position{})
	})
}
