package zendesk

import (
	"strconv"

	"github.com/tributary-dev/tributary"
)

// Group ids the connector names in ExternalAccess; Groups lists each.
const (
	// GroupAgents stands for every agent and admin of the account, who
	// see every ticket and every article, drafts and restricted ones
	// included.
	GroupAgents = "agents"
	// groupPrefix names a Zendesk group of agents: "group:123".
	groupPrefix = "group:"
	// segmentPrefix names a Help Center user segment: "segment:123".
	segmentPrefix = "segment:"
	// orgPrefix names an organization: "organization:123".
	orgPrefix = "organization:"
)

func groupID(id int64) string   { return groupPrefix + strconv.FormatInt(id, 10) }
func segmentID(id int64) string { return segmentPrefix + strconv.FormatInt(id, 10) }
func orgID(id int64) string     { return orgPrefix + strconv.FormatInt(id, 10) }

// articleAccess is who may see an article: everyone when no user segment
// restricts it; otherwise the segment's members and the agents; a draft
// only the agents. Nil when permissions were not asked for.
func (r *run) articleAccess(a *apiArticle) *tributary.ExternalAccess {
	if !r.c.env.WantPermissions {
		return nil
	}
	switch {
	case a.Draft:
		return &tributary.ExternalAccess{GroupIDs: []string{GroupAgents}}
	case a.UserSegmentID == nil || *a.UserSegmentID == 0:
		return &tributary.ExternalAccess{Public: true}
	}
	return &tributary.ExternalAccess{GroupIDs: []string{GroupAgents, segmentID(*a.UserSegmentID)}}
}

// ticketAccess is who may see a ticket: its requester (in the Help
// Center's requests), the agents, by name the group it is assigned to,
// for accounts that restrict agents to their groups' tickets, and the
// requester's organization, whose members see it when the organization
// shares its tickets (Groups lists nobody in one that does not). Nil when
// permissions were not asked for.
func (r *run) ticketAccess(t *apiTicket) *tributary.ExternalAccess {
	if !r.c.env.WantPermissions {
		return nil
	}
	a := &tributary.ExternalAccess{GroupIDs: []string{GroupAgents}}
	if p := r.people.get(t.RequesterID); p != nil && p.Email != "" {
		a.UserEmails = []string{p.Email}
	}
	if t.GroupID != 0 {
		a.GroupIDs = append(a.GroupIDs, groupID(t.GroupID))
	}
	if t.OrganizationID != 0 {
		a.GroupIDs = append(a.GroupIDs, orgID(t.OrganizationID))
	}
	return a
}
