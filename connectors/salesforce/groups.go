package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// groupTypes are the Group types synced: public groups, roles (their
// users by UserRoleId) and queues.
var groupTypes = []string{"Regular", "Role", "RoleAndSubordinates", "Queue"}

// Groups yields "users", every active user of the org (the access of
// public-read objects), then every public group, role and queue as
// group:ID (the id a queue-owned record's access names), each with the
// e-mail addresses of its active users: a group's own members
// (GroupMember), those of the groups nested in it, and for a role the
// users who hold it. A role's subordinate roles are not added (fewer
// members, never more). It reads User, Group and GroupMember through
// SOQL, keeping the org's active users' addresses and the memberships in
// memory.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		fail := func(err error) { yield(tributary.ExternalGroup{}, fmt.Errorf("salesforce: list groups: %w", err)) }
		emails := map[string]string{}   // user id -> address, active users
		byRole := map[string][]string{} // role id -> user ids
		err := c.each(ctx, "SELECT Id, Email, IsActive, UserRoleId FROM User", func(raw json.RawMessage) error {
			var u struct {
				ID       string  `json:"Id"`
				Email    string  `json:"Email"`
				IsActive bool    `json:"IsActive"`
				RoleID   *string `json:"UserRoleId"`
			}
			if err := json.Unmarshal(raw, &u); err != nil || u.ID == "" {
				return malformed("list users", "a user without an Id")
			}
			if u.IsActive && u.Email != "" {
				emails[u.ID] = strings.ToLower(u.Email)
				if u.RoleID != nil && *u.RoleID != "" {
					byRole[*u.RoleID] = append(byRole[*u.RoleID], u.ID)
				}
			}
			return nil
		})
		if err != nil {
			fail(err)
			return
		}
		type group struct{ id, name, typ, related string }
		var groups []group
		q := "SELECT Id, Name, DeveloperName, Type, RelatedId FROM Group WHERE Type IN ('" + strings.Join(groupTypes, "', '") + "') ORDER BY Id"
		err = c.each(ctx, q, func(raw json.RawMessage) error {
			var g struct {
				ID        string  `json:"Id"`
				Name      *string `json:"Name"`
				Developer string  `json:"DeveloperName"`
				Type      string  `json:"Type"`
				Related   *string `json:"RelatedId"`
			}
			if err := json.Unmarshal(raw, &g); err != nil || !recordIDPattern.MatchString(g.ID) {
				return malformed("list groups", "a group without an Id")
			}
			name := g.Developer
			if g.Name != nil && *g.Name != "" {
				name = *g.Name
			}
			related := ""
			if g.Related != nil {
				related = *g.Related
			}
			groups = append(groups, group{g.ID, name, g.Type, related})
			return nil
		})
		if err != nil {
			fail(err)
			return
		}
		members := map[string][]string{} // group id -> user or group ids
		err = c.each(ctx, "SELECT GroupId, UserOrGroupId FROM GroupMember", func(raw json.RawMessage) error {
			var m struct {
				Group  string `json:"GroupId"`
				Member string `json:"UserOrGroupId"`
			}
			if err := json.Unmarshal(raw, &m); err != nil || m.Group == "" || m.Member == "" {
				return malformed("list group members", "a member without GroupId or UserOrGroupId")
			}
			members[m.Group] = append(members[m.Group], m.Member)
			return nil
		})
		if err != nil {
			fail(err)
			return
		}
		everyone := make([]string, 0, len(emails))
		for _, e := range emails {
			everyone = append(everyone, e)
		}
		if !yield(tributary.ExternalGroup{ID: GroupUsers, Name: "All active users", MemberEmails: sortedSet(everyone), GivesAnyoneAccess: true}, nil) {
			return
		}
		roleOf := map[string]string{}
		for _, g := range groups {
			if g.typ == "Role" || g.typ == "RoleAndSubordinates" {
				roleOf[g.id] = g.related
			}
		}
		for _, g := range groups {
			var out []string
			seen := map[string]bool{}
			var walk func(id string)
			walk = func(id string) {
				if seen[id] {
					return
				}
				seen[id] = true
				for _, u := range byRole[roleOf[id]] {
					out = append(out, emails[u])
				}
				for _, m := range members[id] {
					if e, ok := emails[m]; ok {
						out = append(out, e)
					} else if strings.HasPrefix(m, "00G") {
						walk(m)
					}
				}
			}
			walk(g.id)
			if err := ctx.Err(); err != nil {
				fail(err)
				return
			}
			if !yield(tributary.ExternalGroup{ID: groupID(g.id), Name: g.name, MemberEmails: sortedSet(out)}, nil) {
				return
			}
		}
	}
}

func sortedSet(s []string) []string {
	s = slices.DeleteFunc(s, func(e string) bool { return e == "" })
	slices.Sort(s)
	return slices.Compact(s)
}

// each runs a query and hands each record to fn, batch by batch through
// nextRecordsUrl. An error of the query, of fn or a listing that
// contradicts itself ends it.
func (c *Connector) each(ctx context.Context, soql string, fn func(json.RawMessage) error) error {
	path := "/query?" + url.Values{"q": {soql}}.Encode()
	for {
		var page queryAnswer
		if err := c.client.get(ctx, path, &page); err != nil {
			return err
		}
		for _, raw := range page.Records {
			if err := fn(raw); err != nil {
				return err
			}
		}
		if page.Done {
			return nil
		}
		if !validNext(page.NextRecordsURL) {
			return malformed("query", "a batch that is not done without a nextRecordsUrl under /services/data/")
		}
		path = page.NextRecordsURL
	}
}

// validNext reports whether a nextRecordsUrl is a path of the API.
func validNext(next string) bool {
	return strings.HasPrefix(next, "/services/data/") && !strings.ContainsAny(next, "?#") && !strings.Contains(next, "..")
}
