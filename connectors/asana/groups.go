package asana

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// Groups yields, for each workspace read, the group of its members
// ("workspace:WS_GID", from GET /workspaces/GID/users) and, in an
// organization, each of its teams ("team:TEAM_GID", from GET
// /teams/GID/users). Members whose e-mail Asana does not show are left
// out.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		fail := func(err error) { yield(tributary.ExternalGroup{}, fmt.Errorf("asana: groups: %w", err)) }
		if err := ctx.Err(); err != nil {
			fail(err)
			return
		}
		wss, err := c.workspaces(ctx)
		if err != nil {
			fail(err)
			return
		}
		for _, ws := range wss {
			emails, err := c.members(ctx, "/workspaces/"+ws.GID+"/users")
			if err != nil {
				fail(err)
				return
			}
			if !yield(tributary.ExternalGroup{ID: workspaceGroup(ws.GID), Name: cmp.Or(ws.Name, ws.GID) + " members", MemberEmails: emails}, nil) {
				return
			}
			if !ws.IsOrganization {
				continue
			}
			teams, err := listOf[ref](ctx, c.client, "/workspaces/"+ws.GID+"/teams", url.Values{"opt_fields": {"name"}}, c.settings.PageSize)
			if err != nil {
				fail(needs(err, "teams:read", "the teams of workspace "+ws.GID))
				return
			}
			for _, t := range teams {
				if !gidPattern.MatchString(t.GID) {
					fail(malformed("teams", "a team without a gid"))
					return
				}
				emails, err := c.members(ctx, "/teams/"+t.GID+"/users")
				if err != nil {
					fail(err)
					return
				}
				if !yield(tributary.ExternalGroup{ID: teamGroup(t.GID), Name: cmp.Or(t.Name, t.GID), MemberEmails: emails}, nil) {
					return
				}
			}
		}
	}
}

// members lists the e-mails of a listing of users, lower-cased, sorted,
// without duplicates.
func (c *Connector) members(ctx context.Context, path string) ([]string, error) {
	users, err := listOf[user](ctx, c.client, path, url.Values{"opt_fields": {userFields}}, c.settings.PageSize)
	if err != nil {
		return nil, needs(err, "users:read", "the users of "+strings.TrimPrefix(path, "/"))
	}
	var out []string
	for _, u := range users {
		if e := strings.ToLower(strings.TrimSpace(u.Email)); e != "" {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
