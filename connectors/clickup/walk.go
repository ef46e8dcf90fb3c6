package clickup

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/tributary-dev/tributary"
)

// place is one list with where it is: the unit a stream reads.
type place struct {
	team   *apiTeam
	space  apiSpace
	folder *apiFolder // nil for a folderless list
	list   apiList
}

// private reports whether the list, its folder or its space is private,
// so that its members, not the workspace's, may see its tasks.
func (p *place) private() bool {
	return p.list.Private || p.space.Private || (p.folder != nil && p.folder.Private)
}

// workspaces returns the workspaces the settings read, in the order
// GET /team gives them. A configured workspace the token does not see is
// ErrInsufficientPermissions naming it.
func (c *Connector) workspaces(ctx context.Context) ([]apiTeam, error) {
	var a teamsAnswer
	if err := c.client.get(ctx, "/team", nil, &a); err != nil {
		return nil, fmt.Errorf("clickup: list workspaces: %w", err)
	}
	var out []apiTeam
	for _, t := range a.Teams {
		if t.ID == "" {
			return nil, malformed("list workspaces", "a workspace without an id")
		}
		if len(c.settings.Workspaces) == 0 || slices.Contains(c.settings.Workspaces, t.ID) {
			out = append(out, t)
		}
	}
	for _, id := range c.settings.Workspaces {
		if !slices.ContainsFunc(out, func(t apiTeam) bool { return t.ID == id }) {
			return nil, tributary.NewError("clickup: list workspaces", tributary.ErrInsufficientPermissions,
				fmt.Errorf("the token may not read workspace %s (not a member, or the OAuth app was not authorized for it)", id))
		}
	}
	if len(out) == 0 {
		return nil, tributary.NewError("clickup: list workspaces", tributary.ErrInsufficientPermissions,
			fmt.Errorf("the token may read no workspace"))
	}
	return out, nil
}

// walk lists every list the settings read, in a stable order: workspaces
// as GET /team gives them, their spaces, in each space its folders' lists
// and then its folderless lists. Archived spaces, folders and lists are
// left out, as ClickUp leaves their tasks out of searches.
func (c *Connector) walk(ctx context.Context) ([]*place, error) {
	teams, err := c.workspaces(ctx)
	if err != nil {
		return nil, err
	}
	var out []*place
	archived := url.Values{"archived": {"false"}}
	for i := range teams {
		t := &teams[i]
		var spaces spacesAnswer
		if err := c.client.get(ctx, "/team/"+url.PathEscape(t.ID)+"/space", archived, &spaces); err != nil {
			return nil, fmt.Errorf("clickup: list spaces of workspace %s: %w", t.ID, err)
		}
		for _, sp := range spaces.Spaces {
			if sp.ID == "" {
				return nil, malformed("list spaces", "a space without an id")
			}
			if len(c.settings.Spaces) > 0 && !slices.Contains(c.settings.Spaces, sp.ID) {
				continue
			}
			var folders foldersAnswer
			if err := c.client.get(ctx, "/space/"+url.PathEscape(sp.ID)+"/folder", archived, &folders); err != nil {
				return nil, fmt.Errorf("clickup: list folders of space %s: %w", sp.ID, err)
			}
			for j := range folders.Folders {
				f := &folders.Folders[j]
				if f.ID == "" {
					return nil, malformed("list folders", "a folder without an id")
				}
				var lists listsAnswer
				if err := c.client.get(ctx, "/folder/"+url.PathEscape(f.ID)+"/list", archived, &lists); err != nil {
					return nil, fmt.Errorf("clickup: list lists of folder %s: %w", f.ID, err)
				}
				for _, l := range lists.Lists {
					out = append(out, &place{team: t, space: sp, folder: f, list: l})
				}
			}
			var lists listsAnswer
			if err := c.client.get(ctx, "/space/"+url.PathEscape(sp.ID)+"/list", archived, &lists); err != nil {
				return nil, fmt.Errorf("clickup: list folderless lists of space %s: %w", sp.ID, err)
			}
			for _, l := range lists.Lists {
				out = append(out, &place{team: t, space: sp, list: l})
			}
		}
	}
	for _, p := range out {
		if p.list.ID == "" {
			return nil, malformed("list lists", "a list without an id")
		}
	}
	return out, nil
}

// The ids and links of nodes, on the web application's addresses.
const app = "https://app.clickup.com"

func workspaceID(team string) string      { return app + "/" + team }
func spaceID(team, space string) string   { return app + "/" + team + "/v/s/" + space }
func folderID(team, folder string) string { return app + "/" + team + "/v/f/" + folder }
func listID(team, list string) string     { return app + "/" + team + "/v/li/" + list }

// TaskID is the document id of the task with ClickUp id id.
func TaskID(id string) string { return app + "/t/" + id }

// nodes are the place's nodes, parents first.
func (p *place) nodes(access *tributary.ExternalAccess) []*tributary.HierarchyNode {
	t := p.team.ID
	ws, sa := workspaceAccess(t), spaceAccess(p)
	out := []*tributary.HierarchyNode{
		{ID: workspaceID(t), Name: p.team.Name, Link: workspaceID(t), Kind: tributary.NodeSite, ExternalAccess: ws},
		{ID: spaceID(t, p.space.ID), ParentID: workspaceID(t), Name: p.space.Name, Link: spaceID(t, p.space.ID), Kind: tributary.NodeSpace, ExternalAccess: sa},
	}
	parent := spaceID(t, p.space.ID)
	if p.folder != nil {
		fa := sa
		if p.folder.Private {
			fa = access // a private folder's members are not listed: its list's stand in
		}
		out = append(out, &tributary.HierarchyNode{ID: folderID(t, p.folder.ID), ParentID: parent, Name: p.folder.Name,
			Link: folderID(t, p.folder.ID), Kind: tributary.NodeFolder, ExternalAccess: fa})
		parent = folderID(t, p.folder.ID)
	}
	return append(out, &tributary.HierarchyNode{ID: listID(t, p.list.ID), ParentID: parent, Name: p.list.Name,
		Link: listID(t, p.list.ID), Kind: tributary.NodeProject, ExternalAccess: access})
}
