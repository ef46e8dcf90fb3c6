package linear

import (
	"slices"

	"github.com/tributary-dev/tributary"
)

// WorkspaceGroup is the group id that stands for every member of the
// workspace: what a public team's issues, and a document outside any
// project, are open to.
const WorkspaceGroup = "workspace"

// teamGroup is the group id of a private team's members.
func teamGroup(teamID string) string { return "team:" + teamID }

// access says who may see an item of the given teams: the workspace when
// one of them is public (or it has none), else the members of each.
// It is nil when permissions were not asked for.
func (c *Connector) access(teams []apiTeam) *tributary.ExternalAccess {
	if !c.env.WantPermissions {
		return nil
	}
	var groups []string
	for _, t := range teams {
		if !t.Private {
			return &tributary.ExternalAccess{GroupIDs: []string{WorkspaceGroup}}
		}
		groups = append(groups, teamGroup(t.ID))
	}
	if len(groups) == 0 {
		return &tributary.ExternalAccess{GroupIDs: []string{WorkspaceGroup}}
	}
	slices.Sort(groups)
	return &tributary.ExternalAccess{GroupIDs: slices.Compact(groups)}
}

func (c *Connector) issueAccess(is *apiIssue) *tributary.ExternalAccess {
	if is.Team == nil {
		return c.access(nil)
	}
	return c.access([]apiTeam{*is.Team})
}

func (c *Connector) documentAccess(doc *apiDocument) *tributary.ExternalAccess {
	if doc.Project == nil {
		return c.access(nil)
	}
	return c.access(teamsOf(doc.Project.Teams))
}
