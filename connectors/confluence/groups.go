package confluence

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

// Groups yields the site's groups as "group:NAME", the ids documents'
// access names, with the e-mail addresses of their members where
// Confluence shows them (a member whose privacy settings hide the address
// is left out; Server and Data Center show no addresses at all, so there
// groups come without members, as access names no users by e-mail
// there). Groups and members are paged by offset (/group, and
// /group/member?name= on Cloud or /group/NAME/member on Server and Data
// Center). Any failed request ends the listing with its error.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		first := c.client.url("/group", url.Values{"limit": {"200"}})
		for g, err := range each[apiGroup](ctx, c.client, first) {
			var eg tributary.ExternalGroup
			if err == nil {
				eg, err = c.group(ctx, g.Name)
			}
			if err != nil {
				yield(tributary.ExternalGroup{}, fmt.Errorf("confluence: list groups: %w", err))
				return
			}
			if !yield(eg, nil) {
				return
			}
		}
	}
}

// group reads the members of the named group.
func (c *Connector) group(ctx context.Context, name string) (tributary.ExternalGroup, error) {
	if name == "" {
		return tributary.ExternalGroup{}, tributary.NewError("confluence: list groups", tributary.ErrMalformedResponse,
			errors.New("a group without a name"))
	}
	g := tributary.ExternalGroup{ID: groupID(name), Name: name}
	for u, err := range each[apiUser](ctx, c.client, c.membersURL(name, 200)) {
		if err != nil {
			return g, fmt.Errorf("members of %s: %w", name, err)
		}
		if u.Email != "" {
			g.MemberEmails = append(g.MemberEmails, strings.ToLower(u.Email))
		}
	}
	slices.Sort(g.MemberEmails)
	g.MemberEmails = slices.Compact(g.MemberEmails)
	return g, nil
}

func (c *Connector) membersURL(name string, limit int) string {
	q := url.Values{"limit": {fmt.Sprint(limit)}}
	if c.settings.Deployment == DeploymentServer {
		return c.client.url("/group/"+url.PathEscape(name)+"/member", q)
	}
	q.Set("name", name)
	return c.client.url("/group/member", q)
}

// probeGroups reads one group and one of its members.
func (c *Connector) probeGroups(ctx context.Context) tributary.ProbeResult {
	var l apiList[apiGroup]
	err := c.client.get(ctx, c.client.url("/group", url.Values{"limit": {"1"}}), &l)
	if err == nil && len(l.Results) > 0 && l.Results[0].Name != "" {
		var m apiList[apiUser]
		err = c.client.get(ctx, c.membersURL(l.Results[0].Name, 1), &m)
	}
	if err != nil {
		err = fmt.Errorf("confluence: probe groups: %w", err)
	}
	return tributary.ProbeOf(tributary.CapGroupSync, err, "permission to view groups")
}
