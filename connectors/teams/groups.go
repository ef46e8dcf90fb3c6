package teams

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// Groups lists the group of each team the settings read, "group:{team
// id}" as standard channels' access names it, with the addresses of its
// transitive members (nested groups expanded by Graph; mail, else a
// userPrincipalName that is an address; guests' #EXT# names left out).
// It needs GroupMember.Read.All.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(tributary.ExternalGroup{}, err)
			return
		}
		teams, err := c.teams(ctx)
		if err != nil {
			yield(tributary.ExternalGroup{}, err)
			return
		}
		for _, t := range teams {
			members, err := c.groupMembers(ctx, t.ID)
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				yield(tributary.ExternalGroup{}, err)
				return
			}
			if !yield(tributary.ExternalGroup{ID: groupID(t.ID), Name: cmp.Or(t.DisplayName, t.ID), MemberEmails: members}, nil) {
				return
			}
		}
	}
}

// groupMembers returns the sorted, lower-cased addresses of a group's
// transitive members that are users.
func (c *Connector) groupMembers(ctx context.Context, id string) ([]string, error) {
	out := []string{}
	link := c.client.Root + "/groups/" + id + "/transitiveMembers/microsoft.graph.user?$select=mail,userPrincipalName&$top=999"
	err := c.client.List(ctx, link, PermGroups, func(raw json.RawMessage) error {
		var m apiGroupMember
		if err := json.Unmarshal(raw, &m); err != nil {
			return tributary.NewError("teams: group members", tributary.ErrMalformedResponse, errors.New("a member that is no object"))
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
		return nil, fmt.Errorf("teams: members of team %s: %w", id, err)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
