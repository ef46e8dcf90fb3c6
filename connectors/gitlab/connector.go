package gitlab

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
const Source = tributary.SourceGitLab

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "GitLab",
		Category:    tributary.CategoryCode,
		Description: "Issues, merge requests and wiki pages of gitlab.com or self-managed GitLab projects, " +
			"listed by group (with subgroups) or by project, with their notes, labels, milestones and " +
			"authors, read with a personal, project or group access token.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/gitlab",
	}, New))
}

// Connector reads issues, merge requests and wiki pages from GitLab.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
	// projects and groups are the configured ones, de-duplicated and
	// sorted; a group inside another configured group is dropped when
	// subgroups are read, since the outer group covers it.
	projects []string
	groups   []string
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go, an
// empty BaseURL, State or PerPage means its default; the Include fields
// must be set (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	if err := errors.Join(tributary.PrefixFields("settings", s.Validate()), tributary.PrefixFields("credentials", c.Validate())); err != nil {
		return nil, &tributary.Error{Op: "gitlab: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env)
	if err != nil {
		return nil, fmt.Errorf("gitlab: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl, projects: sortedPaths(s.Projects),
		groups: outermost(sortedPaths(s.Groups), s.IncludeSubgroups)}, nil
}

// sortedPaths returns paths lower-cased, sorted and without duplicates:
// GitLab's paths are case-insensitive.
func sortedPaths(in []string) []string {
	out := make([]string, 0, len(in))
	for _, p := range in {
		out = append(out, strings.ToLower(p))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// outermost drops the groups inside another group of the sorted list when
// subgroups are read.
func outermost(groups []string, subgroups bool) []string {
	if !subgroups {
		return groups
	}
	var out []string
	for _, g := range groups {
		if len(out) > 0 && within(g, out[len(out)-1]) {
			continue
		}
		out = append(out, g)
	}
	return out
}

// within reports whether path lies inside group (is group or below it).
func within(path, group string) bool {
	return path == group || strings.HasPrefix(path, group+"/")
}

// Source returns SourceGitLab.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the token (GET /user), that every configured group and
// project exists and can be seen, and that the token may read what the
// settings ask for, probed on the first project. A rejected or expired
// token fails with ErrCredentialExpired, a token without the read_api scope
// or a listing the token may not read with ErrInsufficientPermissions, and
// a group or project that does not exist (or that GitLab hides from the
// token, as it hides private ones) with ErrNotFound.
func (c *Connector) Validate(ctx context.Context) error {
	var me apiUser
	if err := c.client.get(ctx, c.client.url("/user", nil), &me); err != nil {
		return fmt.Errorf("gitlab: validate token: %w", err)
	}
	var first *apiProject
	for _, g := range c.groups {
		var grp apiGroup
		if err := c.client.get(ctx, c.client.url("/groups/"+enc(g), nil), &grp); err != nil {
			return fmt.Errorf("gitlab: validate group %s: %w", g, err)
		}
	}
	for _, path := range c.projects {
		p, err := c.client.getProject(ctx, path)
		if err != nil {
			return fmt.Errorf("gitlab: validate: %w", err)
		}
		if first == nil {
			first = p
		}
	}
	if first == nil && len(c.groups) > 0 {
		var page []apiProject
		u := c.client.url("/groups/"+enc(c.groups[0])+"/projects", url.Values{"per_page": {"1"}, "include_subgroups": {"true"}})
		if err := c.client.get(ctx, u, &page); err != nil {
			return fmt.Errorf("gitlab: validate projects of %s: %w", c.groups[0], err)
		}
		if len(page) > 0 {
			first = &page[0]
		}
	}
	if first != nil {
		return c.probeListings(ctx, first)
	}
	return nil
}

// probeListings reads one item of each listing the settings ask for, so a
// token that may not read them fails now rather than halfway through a
// run.
func (c *Connector) probeListings(ctx context.Context, p *apiProject) error {
	for _, k := range c.kindsOf(p, true) {
		var page []json.RawMessage
		u := c.client.url(fmt.Sprintf("/projects/%d/%s", p.ID, k), url.Values{"per_page": {"1"}})
		if k == kindWiki {
			u = c.client.url(fmt.Sprintf("/projects/%d/wikis", p.ID), nil)
		}
		if err := c.client.get(ctx, u, &page); err != nil {
			return fmt.Errorf("gitlab: validate %s of %s: %w", k, p.PathWithNamespace, err)
		}
	}
	return nil
}

// LoadFromCheckpoint yields, project by project, the nodes of the
// project's groups and of the project, then its issues, merge requests
// and (over all time) wiki pages updated in [start, end), with a
// checkpoint after every page. See the package documentation for the
// order and for what a checkpoint holds.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := c.decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		r := c.newRun(ctx, start, end, false, yield)
		r.all(pos)
	}
}

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint would
// yield for [start, end), without notes. Any failure ends the listing with
// an error, so that pruning never acts on an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("gitlab: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, start, end, true, yield).all(position{})
	})
}

func (c *Connector) newRun(ctx context.Context, start, end time.Time, slim bool, yield func(tributary.Item, error) bool) *run {
	return &run{c: c, ctx: ctx, start: start, end: end, slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion), emails: map[int64]string{}}
}
