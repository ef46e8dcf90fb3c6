package bitbucket

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// emailBatch is how many addresses Bitbucket filters members by at once.
const emailBatch = 90

// Groups yields every group the access of a document may name: for each
// workspace read (configured, or holding a configured repository), in slug
// order, WorkspaceGroup with the workspace's members, then RepositoryGroup
// for each of its private repositories whose permissions the credentials
// may read, with the users given a permission on it.
//
// Bitbucket shows no member's e-mail address in these listings. It only
// tells a workspace administrator (or an admin access token) which of a
// list of addresses belong to members, so members are named by the
// addresses of Settings.MemberEmails they match, looked up 90 at a time;
// members matching none are left out, and without MemberEmails every group
// is listed without members. Any failed request ends the listing with its
// error.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		for _, ws := range c.groupWorkspaces() {
			if err := c.workspaceGroups(ctx, ws, yield); err != nil {
				if !errors.Is(err, errStopped) {
					yield(tributary.ExternalGroup{}, fmt.Errorf("bitbucket: list groups: %w", err))
				}
				return
			}
		}
	}
}

// errStopped says the consumer stopped the listing.
var errStopped = errors.New("stopped")

// groupWorkspaces returns the configured workspaces and those of the
// configured repositories, sorted.
func (c *Connector) groupWorkspaces() []string {
	out := slices.Clone(c.workspaces)
	for _, full := range c.repos {
		ws, _, _ := splitRepo(full)
		out = append(out, ws)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// workspaceGroups yields one workspace's groups.
func (c *Connector) workspaceGroups(ctx context.Context, ws string, yield func(tributary.ExternalGroup, error) bool) error {
	emails, err := c.memberEmails(ctx, ws)
	if err != nil {
		return err
	}
	var w apiWorkspace
	if err := c.client.get(ctx, c.client.url("/workspaces/"+url.PathEscape(ws), nil), &w); err != nil {
		return fmt.Errorf("workspace %s: %w", ws, err)
	}
	g := tributary.ExternalGroup{ID: WorkspaceGroup(ws), Name: cmp.Or(w.Name, ws) + " members"}
	first := c.client.url("/workspaces/"+url.PathEscape(ws)+"/members", url.Values{"pagelen": {"100"}})
	for m, err := range each[apiMembership](ctx, c.client, first) {
		if err != nil {
			return fmt.Errorf("members of %s: %w", ws, err)
		}
		if m.User != nil && emails[m.User.UUID] != "" {
			g.MemberEmails = append(g.MemberEmails, emails[m.User.UUID])
		}
	}
	if !yield(finish(g), nil) {
		return errStopped
	}
	for repo, err := range c.privateRepos(ctx, ws) {
		if err != nil {
			return err
		}
		g, ok, err := c.repoGroup(ctx, repo, emails)
		if err != nil {
			return err
		}
		if ok && !yield(finish(g), nil) {
			return errStopped
		}
	}
	return nil
}

func finish(g tributary.ExternalGroup) tributary.ExternalGroup {
	slices.Sort(g.MemberEmails)
	g.MemberEmails = slices.Compact(g.MemberEmails)
	return g
}

// privateRepos yields the private repositories read in the workspace: all
// of them when it is configured, else the configured ones in it.
func (c *Connector) privateRepos(ctx context.Context, ws string) iter.Seq2[*apiRepository, error] {
	return func(yield func(*apiRepository, error) bool) {
		if slices.Contains(c.workspaces, ws) {
			for repo, err := range each[apiRepository](ctx, c.client, c.client.url("/repositories/"+url.PathEscape(ws),
				url.Values{"sort": {"slug"}, "pagelen": {"100"}, "q": {"is_private = true"}})) {
				if err == nil {
					err = repo.check()
				}
				if err != nil {
					yield(nil, fmt.Errorf("repositories of %s: %w", ws, err))
					return
				}
				if *repo.IsPrivate && !yield(repo, nil) {
					return
				}
			}
			return
		}
		for _, full := range c.repos {
			w, slug, _ := splitRepo(full)
			if w != ws {
				continue
			}
			var repo apiRepository
			err := c.client.get(ctx, c.client.url("/repositories/"+url.PathEscape(w)+"/"+url.PathEscape(slug), nil), &repo)
			if hidden(err) {
				continue // reported by the stream; no document names its group
			}
			if err == nil {
				err = repo.check()
			}
			if err != nil {
				yield(nil, fmt.Errorf("repository %s: %w", full, err))
				return
			}
			if *repo.IsPrivate && !yield(&repo, nil) {
				return
			}
		}
	}
}

// repoGroup reads the users with a permission on a repository. It reports
// ok false when the credentials may not read them: the repository's
// documents then name the workspace's group instead.
func (c *Connector) repoGroup(ctx context.Context, repo *apiRepository, emails map[string]string) (tributary.ExternalGroup, bool, error) {
	g := tributary.ExternalGroup{ID: RepositoryGroup(repo.fullName()), Name: cmp.Or(repo.FullName, repo.fullName())}
	for p, err := range each[apiRepoPermission](ctx, c.client, c.permissionsURL(repo, 100)) {
		if hidden(err) && len(g.MemberEmails) == 0 {
			return g, false, nil
		}
		if err != nil {
			return g, false, fmt.Errorf("permissions of %s: %w", repo.fullName(), err)
		}
		if p.User != nil && emails[p.User.UUID] != "" {
			g.MemberEmails = append(g.MemberEmails, emails[p.User.UUID])
		}
	}
	return g, true, nil
}

// memberEmails maps the UUIDs of the workspace's members to the addresses
// of Settings.MemberEmails they have. Credentials that may not filter
// members by address (only administrators may) give an empty map, with a
// warning.
func (c *Connector) memberEmails(ctx context.Context, ws string) (map[string]string, error) {
	out := map[string]string{}
	for batch := range slices.Chunk(c.settings.MemberEmails, emailBatch) {
		quoted := make([]string, len(batch))
		for i, e := range batch {
			quoted[i] = strconv.Quote(e)
		}
		q := url.Values{"q": {"user.email IN (" + strings.Join(quoted, ",") + ")"}, "fields": {"+values.user.email"}, "pagelen": {"100"}}
		for m, err := range each[apiMembership](ctx, c.client, c.client.url("/workspaces/"+url.PathEscape(ws)+"/members", q)) {
			if errors.Is(err, tributary.ErrInsufficientPermissions) {
				c.env.Log().Warn("bitbucket: the credentials may not look members up by e-mail address (a workspace admin may); "+
					"groups are listed without members", "workspace", ws)
				return map[string]string{}, nil
			}
			if err != nil {
				return nil, fmt.Errorf("members of %s by address: %w", ws, err)
			}
			if m.User != nil && m.User.UUID != "" && m.User.Email != "" {
				out[m.User.UUID] = lower(m.User.Email)
			}
		}
	}
	return out, nil
}
