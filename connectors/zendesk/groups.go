package zendesk

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// Groups yields the groups that documents' ExternalAccess names:
// GroupAgents (every agent and admin), each Zendesk group of agents
// ("group:ID") with its members, when tickets are read each organization
// ("organization:ID") with its users if it shares its tickets among them,
// and, when articles are read, each Help Center user segment
// ("segment:ID"). A segment of all signed-in users
// gives anyone access; a staff segment holds the agents; a segment
// restricted to groups holds their members. A segment that also
// restricts by organization or tag lists no members, since telling who
// matches would take reading every user: its articles stay open to the
// agents only.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		fail := func(err error) { yield(tributary.ExternalGroup{}, fmt.Errorf("zendesk: list groups: %w", err)) }
		agents, err := c.agentEmails(ctx)
		if err != nil {
			fail(err)
			return
		}
		if !yield(tributary.ExternalGroup{ID: GroupAgents, Name: "Agents and admins", MemberEmails: agents}, nil) {
			return
		}
		var groups []apiGroup // the account's groups of agents: a few hundred at most
		err = c.client.each(ctx, "list groups", "/groups", nil, "groups", func(raw json.RawMessage) error {
			var g apiGroup
			if err := json.Unmarshal(raw, &g); err != nil || g.ID == 0 {
				return malformed("list groups", "a group without an id")
			}
			groups = append(groups, g)
			return nil
		})
		if err != nil {
			fail(err)
			return
		}
		for _, g := range groups {
			members, err := c.groupEmails(ctx, g.ID)
			if err != nil {
				fail(err)
				return
			}
			if !yield(tributary.ExternalGroup{ID: groupID(g.ID), Name: g.Name, MemberEmails: members}, nil) {
				return
			}
		}
		if c.settings.IncludeTickets && !c.organizations(ctx, yield) {
			return
		}
		if !c.settings.IncludeArticles {
			return
		}
		var segments []apiSegment
		err = c.client.each(ctx, "list user segments", "/help_center/user_segments", nil, "user_segments", func(raw json.RawMessage) error {
			var s apiSegment
			if err := json.Unmarshal(raw, &s); err != nil || s.ID == 0 {
				return malformed("list user segments", "a user segment without an id")
			}
			segments = append(segments, s)
			return nil
		})
		if err != nil {
			fail(err)
			return
		}
		for _, s := range segments {
			g, err := c.segmentGroup(ctx, s, agents)
			if err != nil {
				fail(err)
				return
			}
			if !yield(g, nil) {
				return
			}
		}
	}
}

// organizations yields a group per organization ("organization:ID"): its
// users when it shares its tickets among them, else nobody. They are
// listed a page at a time, as an account may hold many; it reports
// whether the listing went on to its end.
func (c *Connector) organizations(ctx context.Context, yield func(tributary.ExternalGroup, error) bool) bool {
	stopped := errString("stopped")
	err := c.client.each(ctx, "list organizations", "/organizations", nil, "organizations", func(raw json.RawMessage) error {
		var o apiOrganization
		if err := json.Unmarshal(raw, &o); err != nil || o.ID == 0 {
			return malformed("list organizations", "an organization without an id")
		}
		g := tributary.ExternalGroup{ID: orgID(o.ID), Name: o.Name}
		if o.SharedTickets {
			var err error
			if g.MemberEmails, err = c.organizationEmails(ctx, o.ID); err != nil {
				return err
			}
		}
		if !yield(g, nil) {
			return stopped
		}
		return nil
	})
	if err != nil && err != stopped {
		yield(tributary.ExternalGroup{}, fmt.Errorf("zendesk: list groups: %w", err))
	}
	return err == nil
}

// organizationEmails lists the e-mails of an organization's users.
func (c *Connector) organizationEmails(ctx context.Context, id int64) ([]string, error) {
	var emails []string
	path := "/organizations/" + strconv.FormatInt(id, 10) + "/users"
	err := c.client.each(ctx, "list organization users", path, nil, "users", func(raw json.RawMessage) error {
		var u apiUser
		if err := json.Unmarshal(raw, &u); err != nil {
			return malformed("list organization users", "a user does not decode")
		}
		if u.Email != "" {
			emails = append(emails, u.Email)
		}
		return nil
	})
	return sortedUnique(emails), err
}

func (c *Connector) segmentGroup(ctx context.Context, s apiSegment, agents []string) (tributary.ExternalGroup, error) {
	g := tributary.ExternalGroup{ID: segmentID(s.ID), Name: s.Name}
	switch {
	case len(s.OrgIDs) > 0 || len(s.Tags) > 0:
	case len(s.GroupIDs) > 0:
		for _, id := range s.GroupIDs {
			members, err := c.groupEmails(ctx, id)
			if err != nil {
				return g, err
			}
			g.MemberEmails = append(g.MemberEmails, members...)
		}
		g.MemberEmails = sortedUnique(g.MemberEmails)
	case s.UserType == "staff":
		g.MemberEmails = agents
	case s.UserType == "signed_in_users":
		g.GivesAnyoneAccess = true
	}
	return g, nil
}

// agentEmails lists the e-mails of every agent and admin.
func (c *Connector) agentEmails(ctx context.Context) ([]string, error) {
	var emails []string
	q := url.Values{"role[]": {"agent", "admin"}}
	err := c.client.each(ctx, "list agents", "/users", q, "users", func(raw json.RawMessage) error {
		var u apiUser
		if err := json.Unmarshal(raw, &u); err != nil {
			return malformed("list agents", "a user does not decode")
		}
		if u.Email != "" {
			emails = append(emails, u.Email)
		}
		return nil
	})
	return sortedUnique(emails), err
}

// groupEmails lists the e-mails of a group's members.
func (c *Connector) groupEmails(ctx context.Context, id int64) ([]string, error) {
	var users []int64
	path := "/groups/" + strconv.FormatInt(id, 10) + "/memberships"
	err := c.client.each(ctx, "list group memberships", path, nil, "group_memberships", func(raw json.RawMessage) error {
		var m apiMembership
		if err := json.Unmarshal(raw, &m); err != nil || m.UserID == 0 {
			return malformed("list group memberships", "a membership without a user")
		}
		users = append(users, m.UserID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	p := newPeople(c.client)
	var emails []string
	for chunk := range slices.Chunk(users, 100) {
		if err := p.want(ctx, chunk...); err != nil {
			return nil, err
		}
		for _, id := range chunk {
			if u := p.get(id); u != nil && u.Email != "" {
				emails = append(emails, u.Email)
			}
		}
		clear(p.memo)
	}
	return sortedUnique(emails), nil
}

func sortedUnique(emails []string) []string {
	for i, e := range emails {
		emails[i] = strings.ToLower(e)
	}
	slices.Sort(emails)
	return slices.Compact(emails)
}
