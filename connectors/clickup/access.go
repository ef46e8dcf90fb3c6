package clickup

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Group ids in ExternalAccess and Groups: the members of a workspace,
// and a user group ("team" in ClickUp's interface).
func workspaceGroup(team string) string { return "workspace:" + team }
func userGroup(id string) string        { return "group:" + id }

// workspaceAccess is the access of what every member of the workspace
// sees: public spaces, folders and lists.
func workspaceAccess(team string) *tributary.ExternalAccess {
	return &tributary.ExternalAccess{GroupIDs: []string{workspaceGroup(team)}}
}

// emails are the users' addresses, lower-cased, sorted, without
// repeats; users whose address ClickUp hides are left out.
func emails(users []apiUser) []string {
	var out []string
	for _, u := range users {
		if e := strings.ToLower(strings.TrimSpace(u.Email)); e != "" {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// listAccess is who may see the place's tasks: the workspace's members
// for a public list in a public folder and space, else the users GET
// /list/{id}/member names (those with access to the list).
func (c *Connector) listAccess(ctx context.Context, p *place) (*tributary.ExternalAccess, error) {
	if !p.private() {
		return workspaceAccess(p.team.ID), nil
	}
	var a membersAnswer
	if err := c.client.get(ctx, "/list/"+url.PathEscape(p.list.ID)+"/member", nil, &a); err != nil {
		return nil, fmt.Errorf("clickup: members of list %s: %w", p.list.ID, err)
	}
	return &tributary.ExternalAccess{UserEmails: emails(a.Members)}, nil
}

// spaceAccess is who may see the space's node: the workspace, or a
// private space's members.
func spaceAccess(p *place) *tributary.ExternalAccess {
	if !p.space.Private {
		return workspaceAccess(p.team.ID)
	}
	users := make([]apiUser, 0, len(p.space.Members))
	for _, m := range p.space.Members {
		users = append(users, m.User)
	}
	return &tributary.ExternalAccess{UserEmails: emails(users)}
}

var _ tributary.GroupSyncer = (*Connector)(nil)

// Groups yields, for each workspace read, its members (workspace:ID,
// from GET /team) and its user groups (group:ID, from GET
// /group?team_id=ID).
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(tributary.ExternalGroup{}, err)
			return
		}
		teams, err := c.workspaces(ctx)
		if err != nil {
			yield(tributary.ExternalGroup{}, fmt.Errorf("clickup: list groups: %w", err))
			return
		}
		for _, t := range teams {
			users := make([]apiUser, 0, len(t.Members))
			for _, m := range t.Members {
				users = append(users, m.User)
			}
			if !yield(tributary.ExternalGroup{ID: workspaceGroup(t.ID), Name: "Members of " + t.Name, MemberEmails: emails(users)}, nil) {
				return
			}
			var a groupsAnswer
			if err := c.client.get(ctx, "/group", url.Values{"team_id": {t.ID}}, &a); err != nil {
				yield(tributary.ExternalGroup{}, fmt.Errorf("clickup: list user groups of workspace %s: %w", t.ID, err))
				return
			}
			for _, g := range a.Groups {
				if g.ID == "" {
					yield(tributary.ExternalGroup{}, malformed("list user groups", "a group without an id"))
					return
				}
				if !yield(tributary.ExternalGroup{ID: userGroup(g.ID), Name: g.Name, MemberEmails: emails(g.Members)}, nil) {
					return
				}
			}
		}
	}
}
