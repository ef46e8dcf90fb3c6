package outline

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// errStopped ends a listing whose consumer stopped.
var errStopped = errors.New("outline: listing stopped")

// Groups yields every group a document's access may name: WorkspaceGroup
// (the members who are neither guests nor suspended), then
// "collection:UUID" for each collection read (its direct members and the
// members of its groups), then "group:UUID" for each of the workspace's
// groups. Addresses come from users.list, which shows them to admins
// only: with another user's key the groups list no members. It reads the
// users once a listing (its memory grows with the number of users, not of
// documents), then one request per page of each collection's and group's
// members. Any failed request ends the listing with its error.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		err := c.groups(ctx, func(g tributary.ExternalGroup) error {
			slices.Sort(g.MemberEmails)
			g.MemberEmails = slices.Compact(g.MemberEmails)
			if !yield(g, nil) {
				return errStopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopped) {
			yield(tributary.ExternalGroup{}, fmt.Errorf("outline: list groups: %w", err))
		}
	}
}

func (c *Connector) groups(ctx context.Context, yield func(tributary.ExternalGroup) error) error {
	m := &members{c: c, emails: map[string]string{}, groups: map[string][]string{}}
	workspace := tributary.ExternalGroup{ID: WorkspaceGroup, Name: "Workspace members"}
	err := all(ctx, c.client, "users.list", map[string]any{}, "", func(u *apiUser) error {
		e := lowerEmail(u.Email)
		m.emails[u.ID] = e
		if e != "" && u.Role != "guest" && !u.IsSuspended {
			workspace.MemberEmails = append(workspace.MemberEmails, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := yield(workspace); err != nil {
		return err
	}
	cols, err := c.listCollections(ctx, func(string, error) error { return nil })
	if err != nil {
		return err
	}
	for _, col := range cols {
		g, err := m.collection(ctx, col)
		if err != nil {
			return err
		}
		if err := yield(g); err != nil {
			return err
		}
	}
	return all(ctx, c.client, "groups.list", map[string]any{}, "groups", func(g *apiGroup) error {
		if !uuidPattern.MatchString(g.ID) {
			return malformed("groups.list", "group without an id")
		}
		emails, err := m.group(ctx, g.ID)
		if err != nil {
			return err
		}
		return yield(tributary.ExternalGroup{ID: groupPrefix + g.ID, Name: g.Name, MemberEmails: emails})
	})
}

// members reads the members of collections and groups, with the
// addresses of the users listing.
type members struct {
	c      *Connector
	emails map[string]string   // user id -> address, "" when hidden
	groups map[string][]string // group id -> member addresses, read once
}

// collection reads a collection's members: its users and the members of
// its groups.
func (m *members) collection(ctx context.Context, col *apiCollection) (tributary.ExternalGroup, error) {
	g := tributary.ExternalGroup{ID: CollectionGroup(col.ID), Name: col.Name}
	err := all(ctx, m.c.client, "collections.memberships", map[string]any{"id": col.ID}, "memberships", func(ms *apiMembership) error {
		if e := m.emails[ms.UserID]; e != "" {
			g.MemberEmails = append(g.MemberEmails, e)
		}
		return nil
	})
	if err != nil {
		return g, fmt.Errorf("members of collection %s: %w", col.ID, err)
	}
	var groupIDs []string
	err = all(ctx, m.c.client, "collections.group_memberships", map[string]any{"id": col.ID}, "groupMemberships", func(ms *apiMembership) error {
		if ms.GroupID != "" {
			groupIDs = append(groupIDs, ms.GroupID)
		}
		return nil
	})
	if err != nil {
		return g, fmt.Errorf("groups of collection %s: %w", col.ID, err)
	}
	for _, id := range groupIDs {
		emails, err := m.group(ctx, id)
		if err != nil {
			return g, err
		}
		g.MemberEmails = append(g.MemberEmails, emails...)
	}
	return g, nil
}

// group reads a group's members' addresses, once a listing.
func (m *members) group(ctx context.Context, id string) ([]string, error) {
	if emails, ok := m.groups[id]; ok {
		return emails, nil
	}
	emails := []string{}
	err := all(ctx, m.c.client, "groups.memberships", map[string]any{"id": id}, "groupMemberships", func(ms *apiMembership) error {
		if e := m.emails[ms.UserID]; e != "" {
			emails = append(emails, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("members of group %s: %w", id, err)
	}
	m.groups[id] = emails
	return emails, nil
}
