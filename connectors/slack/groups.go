package slack

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

type userGroup struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Handle string `json:"handle"`
}

type userGroupsList struct {
	envelope
	UserGroups []userGroup `json:"usergroups"`
}

type userGroupUsers struct {
	envelope
	Users []string `json:"users"`
}

// Groups yields the workspace's enabled user groups as
// "usergroup:ID" with their members' e-mail addresses: usergroups.list
// names the groups, usergroups.users.list the members of each, and one
// pass over users.list their addresses (users:read.email). A member whose
// profile shows no address, a bot or a deactivated account is left out.
// Private channels' documents name their members by e-mail rather than by
// a group, so no document's access depends on these groups yet; they let
// a backend resolve user-group mentions and sharing. A workspace whose
// plan has no user groups (plan_upgrade_required) has none to list. Needs
// usergroups:read; any failed call ends the listing with its error.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		var list userGroupsList
		err := c.api.call(ctx, "usergroups.list", url.Values{}, &list)
		if slackCode(err) == "plan_upgrade_required" {
			return
		}
		if err != nil {
			yield(tributary.ExternalGroup{}, fmt.Errorf("slack: list user groups: %w", err))
			return
		}
		if len(list.UserGroups) == 0 {
			return
		}
		emails, err := c.memberEmails(ctx)
		if err != nil {
			yield(tributary.ExternalGroup{}, err)
			return
		}
		for _, ug := range list.UserGroups {
			g, ok, err := c.userGroup(ctx, ug, emails)
			if err != nil {
				yield(tributary.ExternalGroup{}, err)
				return
			}
			if ok && !yield(g, nil) {
				return
			}
		}
	}
}

// userGroup reads the members of one user group. A group deleted since
// the listing (no_such_subteam) is left out.
func (c *Connector) userGroup(ctx context.Context, ug userGroup, emails map[string]string) (tributary.ExternalGroup, bool, error) {
	if ug.ID == "" {
		return tributary.ExternalGroup{}, false, tributary.NewError("slack: list user groups", tributary.ErrMalformedResponse,
			errors.New("a user group without an id"))
	}
	var users userGroupUsers
	err := c.api.call(ctx, "usergroups.users.list", url.Values{"usergroup": {ug.ID}}, &users)
	if slackCode(err) == "no_such_subteam" {
		return tributary.ExternalGroup{}, false, nil
	}
	if err != nil {
		return tributary.ExternalGroup{}, false, fmt.Errorf("slack: list members of user group %s: %w", ug.ID, err)
	}
	g := tributary.ExternalGroup{ID: "usergroup:" + ug.ID, Name: firstNonEmpty(ug.Name, ug.Handle, ug.ID)}
	for _, id := range users.Users {
		if e := emails[id]; e != "" {
			g.MemberEmails = append(g.MemberEmails, e)
		}
	}
	slices.Sort(g.MemberEmails)
	g.MemberEmails = slices.Compact(g.MemberEmails)
	return g, true, nil
}

// memberEmails maps the workspace's people to their lower-cased e-mail
// addresses, from users.list, leaving out bots, deactivated accounts and
// hidden addresses.
func (c *Connector) memberEmails(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	q := url.Values{"limit": {"200"}}
	for {
		var page usersList
		if err := c.api.call(ctx, "users.list", q, &page); err != nil {
			return nil, fmt.Errorf("slack: list users: %w", err)
		}
		for _, u := range page.Members {
			if u.ID != "" && !u.IsBot && !u.Deleted && u.Profile.Email != "" {
				out[u.ID] = strings.ToLower(u.Profile.Email)
			}
		}
		next := page.Metadata.NextCursor
		if next == "" {
			return out, nil
		}
		if next == q.Get("cursor") {
			return nil, tributary.NewError("slack: list users", tributary.ErrMalformedResponse,
				errors.New("users.list returned the same cursor twice"))
		}
		q.Set("cursor", next)
	}
}

// probeGroups reads usergroups.list, which needs usergroups:read.
func (c *Connector) probeGroups(ctx context.Context) tributary.ProbeResult {
	var list userGroupsList
	err := c.api.call(ctx, "usergroups.list", url.Values{}, &list)
	if slackCode(err) == "plan_upgrade_required" {
		err = nil
	}
	var missing []string
	if e, ok := errors.AsType[*APIError](err); ok && e.Needed != "" {
		missing = []string{e.Needed}
	}
	return tributary.ProbeOf(tributary.CapGroupSync, err, missing...)
}
