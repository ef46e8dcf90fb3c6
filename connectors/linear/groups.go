package linear

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

const teamMembersQuery = `query TeamMembers($id: String!, $after: String) {
  team(id: $id) {
    id key name private
    members(first: 100, after: $after) { nodes { id email active } pageInfo { hasNextPage endCursor } }
  }
}`

// Groups yields every group a document's access may name: WorkspaceGroup
// (every member of the workspace) first, then "team:ID" for each private
// team the credentials can see, with the addresses of its active members.
// Public teams need no group: what they hold is open to the workspace. It
// sends one request per page of teams and one per 100 members of each
// private team; any failed request ends the listing with its error.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		if !yield(tributary.ExternalGroup{ID: WorkspaceGroup, Name: "Workspace members", GivesAnyoneAccess: true}, nil) {
			return
		}
		for t, err := range c.allTeams(ctx) {
			if err != nil {
				yield(tributary.ExternalGroup{}, fmt.Errorf("linear: list groups: %w", err))
				return
			}
			if !t.Private || !c.readsTeam(t.Key) {
				continue
			}
			g, err := c.teamGroup(ctx, t)
			if err != nil {
				yield(tributary.ExternalGroup{}, fmt.Errorf("linear: list groups: members of %s: %w", t.Key, err))
				return
			}
			if !yield(g, nil) {
				return
			}
		}
	}
}

// allTeams yields the teams the credentials can see.
func (c *Connector) allTeams(ctx context.Context) iter.Seq2[apiTeam, error] {
	return func(yield func(apiTeam, error) bool) {
		after := ""
		for {
			var v struct {
				Teams connection[apiTeam] `json:"teams"`
			}
			vars := map[string]any{"first": 100}
			if after != "" {
				vars["after"] = after
			}
			if err := c.client.query(ctx, "Teams", teamsQuery, vars, false, &v); err != nil {
				yield(apiTeam{}, fmt.Errorf("list teams: %w", err))
				return
			}
			for _, t := range v.Teams.Nodes {
				if !yield(t, nil) {
					return
				}
			}
			next, err := nextCursor("teams", v.Teams.PageInfo, after)
			if err != nil || next == "" {
				if err != nil {
					yield(apiTeam{}, err)
				}
				return
			}
			after = next
		}
	}
}

// teamGroup reads a team's members, every page.
func (c *Connector) teamGroup(ctx context.Context, t apiTeam) (tributary.ExternalGroup, error) {
	g := tributary.ExternalGroup{ID: teamGroup(t.ID), Name: cmp.Or(t.Name, t.Key)}
	after := ""
	for {
		var v struct {
			Team *struct {
				Members connection[apiUser] `json:"members"`
			} `json:"team"`
		}
		vars := map[string]any{"id": t.ID}
		if after != "" {
			vars["after"] = after
		}
		if err := c.client.query(ctx, "TeamMembers", teamMembersQuery, vars, true, &v); err != nil {
			return g, err
		}
		if v.Team == nil {
			return g, tributary.NewError("linear: team members", tributary.ErrMalformedResponse, fmt.Errorf("answer without team %s", t.Key))
		}
		for _, u := range v.Team.Members.Nodes {
			if u.Email != "" && (u.Active == nil || *u.Active) {
				g.MemberEmails = append(g.MemberEmails, strings.ToLower(u.Email))
			}
		}
		next, err := nextCursor("team members", v.Team.Members.PageInfo, after)
		if err != nil {
			return g, err
		}
		if next == "" {
			slices.Sort(g.MemberEmails)
			g.MemberEmails = slices.Compact(g.MemberEmails)
			return g, nil
		}
		after = next
	}
}
