package sharepoint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// Groups lists the tenant's Entra ID groups (/groups) as "group:ID" with
// the addresses of their transitive members (nested groups expanded by
// Graph; mail, else a userPrincipalName that is an address), then the
// group "organization" that stands for everyone of the tenant, which
// organization-wide sharing links name when Settings.OrganizationLinksOpen
// is on. It needs GroupMember.Read.All.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		stopped := false
		link := c.client.graph + "/groups?$select=id,displayName,mail&$top=" + strconv.Itoa(c.settings.PageSize)
		err := c.list(ctx, link, PermGroups, func(raw json.RawMessage) error {
			var g apiGroup
			if err := json.Unmarshal(raw, &g); err != nil || !graphID.MatchString(g.ID) {
				return tributary.NewError("sharepoint: list groups", tributary.ErrMalformedResponse, errors.New("a group without a valid id"))
			}
			members, err := c.members(ctx, g.ID)
			if err != nil {
				return err
			}
			if !yield(tributary.ExternalGroup{ID: groupID(g.ID), Name: cmpOr(g.DisplayName, g.Mail, g.ID), MemberEmails: members}, nil) {
				stopped = true
				return errStop
			}
			return nil
		})
		switch {
		case stopped:
			return
		case err != nil:
			yield(tributary.ExternalGroup{}, fmt.Errorf("sharepoint: list groups: %w", err))
			return
		case ctx.Err() != nil:
			yield(tributary.ExternalGroup{}, ctx.Err())
			return
		}
		yield(tributary.ExternalGroup{ID: organizationGroup, Name: "Everyone in the organization", GivesAnyoneAccess: true}, nil)
	}
}

// errStop ends a listing the consumer stopped.
var errStop = errors.New("stopped")

// members returns the sorted, lower-cased addresses of a group's
// transitive members that are users.
func (c *Connector) members(ctx context.Context, id string) ([]string, error) {
	var out []string
	link := c.client.graph + "/groups/" + id + "/transitiveMembers/microsoft.graph.user?$select=mail,userPrincipalName&$top=" +
		strconv.Itoa(c.settings.PageSize)
	err := c.list(ctx, link, PermGroups, func(raw json.RawMessage) error {
		var m apiMember
		if err := json.Unmarshal(raw, &m); err != nil {
			return tributary.NewError("sharepoint: group members", tributary.ErrMalformedResponse, err)
		}
		switch {
		case strings.Contains(m.Mail, "@"):
			out = append(out, strings.ToLower(m.Mail))
		case strings.Contains(m.UPN, "@") && !strings.Contains(m.UPN, "#EXT#"):
			out = append(out, strings.ToLower(m.UPN))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("members of group %s: %w", id, err)
	}
	return sortedUnique(out), nil
}
