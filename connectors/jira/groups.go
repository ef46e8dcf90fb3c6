package jira

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// maxPickedGroups is how many groups Server's group picker is asked for; a
// site with more cannot be listed completely and fails rather than listing
// some.
const maxPickedGroups = 1000

type apiGroupName struct {
	Name string `json:"name"`
}

type apiMemberPage struct {
	IsLast *bool     `json:"isLast"`
	Total  int       `json:"total"`
	Values []apiUser `json:"values"`
}

type apiAppRole struct {
	Key    string   `json:"key"`
	Name   string   `json:"name"`
	Groups []string `json:"groups"`
}

// Groups yields the site's groups as "group:NAME" and its application
// roles as "application-role:KEY", the ids documents' access names, with
// their members' e-mail addresses where profiles show them. A role's
// members are those of its groups. "application-role:any" (a grant to any
// product's users) is yielded with GivesAnyoneAccess. Project roles are
// not groups here: access names a role's users and groups themselves.
// Listing groups and members needs the Browse users and groups global
// permission; application roles need Administer Jira, as reading access
// does. On Cloud groups are paged (/group/bulk); on Server they come from
// the group picker, and a site with more than 1,000 groups fails with
// ErrNotSupported rather than listing part of them. Any failed request
// ends the listing with its error.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		for name, err := range c.groupNames(ctx) {
			var g tributary.ExternalGroup
			if err == nil {
				g.ID, g.Name = "group:"+name, name
				g.MemberEmails, err = c.members(ctx, []string{name})
			}
			if err != nil {
				yield(tributary.ExternalGroup{}, fmt.Errorf("jira: list groups: %w", err))
				return
			}
			if !yield(g, nil) {
				return
			}
		}
		var roles []apiAppRole
		if err := c.client.get(ctx, c.client.url("/applicationrole", nil), &roles); err != nil {
			yield(tributary.ExternalGroup{}, fmt.Errorf("jira: list application roles: %w", err))
			return
		}
		for _, r := range roles {
			if r.Key == "" {
				continue
			}
			emails, err := c.members(ctx, r.Groups)
			if err != nil {
				yield(tributary.ExternalGroup{}, fmt.Errorf("jira: list application role %s: %w", r.Key, err))
				return
			}
			if !yield(tributary.ExternalGroup{ID: "application-role:" + r.Key, Name: cmpOr(r.Name, r.Key), MemberEmails: emails}, nil) {
				return
			}
		}
		yield(tributary.ExternalGroup{ID: "application-role:any", Name: "Any application role", GivesAnyoneAccess: true}, nil)
	}
}

// groupNames yields the names of the site's groups.
func (c *Connector) groupNames(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if c.settings.Deployment == Server {
			var picked struct {
				Total  int            `json:"total"`
				Groups []apiGroupName `json:"groups"`
			}
			err := c.client.get(ctx, c.client.url("/groups/picker", url.Values{"maxResults": {strconv.Itoa(maxPickedGroups)}}), &picked)
			if err == nil && picked.Total > len(picked.Groups) {
				err = tributary.NewError("jira: list groups", tributary.ErrNotSupported,
					fmt.Errorf("the site has %d groups; the group picker lists at most %d", picked.Total, len(picked.Groups)))
			}
			if err != nil {
				yield("", err)
				return
			}
			for _, g := range picked.Groups {
				if !yieldName(yield, g.Name) {
					return
				}
			}
			return
		}
		for start := 0; ; {
			var page struct {
				IsLast *bool          `json:"isLast"`
				Values []apiGroupName `json:"values"`
			}
			q := url.Values{"startAt": {strconv.Itoa(start)}, "maxResults": {"50"}}
			if err := c.client.get(ctx, c.client.url("/group/bulk", q), &page); err != nil {
				yield("", err)
				return
			}
			for _, g := range page.Values {
				if !yieldName(yield, g.Name) {
					return
				}
			}
			if page.IsLast == nil || *page.IsLast {
				return
			}
			if len(page.Values) == 0 {
				yield("", tributary.NewError("jira: list groups", tributary.ErrMalformedResponse, errors.New("an empty page that is not the last")))
				return
			}
			start += len(page.Values)
		}
	}
}

// yieldName yields a group's name, or an error for a group without one.
func yieldName(yield func(string, error) bool, name string) bool {
	if name == "" {
		yield("", tributary.NewError("jira: list groups", tributary.ErrMalformedResponse, errors.New("a group without a name")))
		return false
	}
	return yield(name, nil)
}

// members returns the lower-cased visible e-mail addresses of the active
// members of the groups, sorted, without duplicates.
func (c *Connector) members(ctx context.Context, groups []string) ([]string, error) {
	var emails []string
	for _, name := range groups {
		for start := 0; ; {
			q := url.Values{"groupname": {name}, "startAt": {strconv.Itoa(start)}, "maxResults": {"50"}, "includeInactiveUsers": {"false"}}
			var page apiMemberPage
			if err := c.client.get(ctx, c.client.url("/group/member", q), &page); err != nil {
				return nil, fmt.Errorf("members of %s: %w", name, err)
			}
			for _, u := range page.Values {
				if u.EmailAddress != "" {
					emails = append(emails, strings.ToLower(u.EmailAddress))
				}
			}
			if page.IsLast == nil || *page.IsLast {
				break
			}
			if len(page.Values) == 0 {
				return nil, tributary.NewError("jira: members of "+name, tributary.ErrMalformedResponse, errors.New("an empty page that is not the last"))
			}
			start += len(page.Values)
		}
	}
	slices.Sort(emails)
	return slices.Compact(emails), nil
}

// probeGroups reads one group and one of its members, which needs Browse
// users and groups, and the application roles, which need Administer Jira.
func (c *Connector) probeGroups(ctx context.Context) tributary.ProbeResult {
	var name string
	var err error
	for n, e := range c.groupNames(ctx) {
		name, err = n, e
		break
	}
	if err != nil {
		return tributary.ProbeOf(tributary.CapGroupSync, err, "USER_PICKER")
	}
	if name != "" {
		var page apiMemberPage
		err = c.client.get(ctx, c.client.url("/group/member", url.Values{"groupname": {name}, "maxResults": {"1"}}), &page)
		if err != nil {
			return tributary.ProbeOf(tributary.CapGroupSync, err, "USER_PICKER")
		}
	}
	var roles []apiAppRole
	err = c.client.get(ctx, c.client.url("/applicationrole", nil), &roles)
	return tributary.ProbeOf(tributary.CapGroupSync, err, "ADMINISTER")
}
