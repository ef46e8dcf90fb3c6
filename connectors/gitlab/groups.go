package gitlab

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// Groups yields every group the access of a document may name: InternalGroup
// (every signed-in user) first, then "group:PATH" for the group of each
// project read and for each group a project is shared with, in path order.
// A group's members are those of /groups/:id/members/all (inherited ones
// included), with the addresses the members API shows administrators or,
// else, the users' public profile addresses; a member whose address is
// hidden is left out. It lists the projects first to find the groups, so
// it sends as many requests as there are pages of projects, plus one per
// group and per member whose address must be looked up. Any failed
// request ends the listing with its error.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		if !yield(tributary.ExternalGroup{ID: InternalGroup, Name: "Signed-in users", GivesAnyoneAccess: true}, nil) {
			return
		}
		paths, err := c.accessGroups(ctx)
		if err != nil {
			yield(tributary.ExternalGroup{}, fmt.Errorf("gitlab: list groups: %w", err))
			return
		}
		emails := map[int64]string{}
		for _, path := range paths {
			g, err := c.groupMembers(ctx, path, emails)
			if err != nil {
				yield(tributary.ExternalGroup{}, fmt.Errorf("gitlab: list groups: %w", err))
				return
			}
			if !yield(g, nil) {
				return
			}
		}
	}
}

// accessGroups returns the lower-cased full paths of the groups of the
// projects read and of the groups they are shared with, sorted.
func (c *Connector) accessGroups(ctx context.Context) ([]string, error) {
	set := map[string]bool{}
	add := func(p *apiProject) {
		if p.Namespace.Kind == "group" && p.Namespace.FullPath != "" {
			set[lower(p.Namespace.FullPath)] = true
		}
		for _, sh := range p.SharedWithGroups {
			if sh.GroupFullPath != "" {
				set[lower(sh.GroupFullPath)] = true
			}
		}
	}
	for _, path := range c.projects {
		p, err := c.client.getProject(ctx, path)
		if err != nil {
			return nil, err
		}
		add(p)
	}
	for _, g := range c.groups {
		for p, err := range c.groupProjectList(ctx, g) {
			if err != nil {
				return nil, fmt.Errorf("projects of %s: %w", g, err)
			}
			add(p)
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out, nil
}

// groupProjectList lists a group's projects by keyset pagination, or by
// page number when the instance refuses keyset pagination there.
func (c *Connector) groupProjectList(ctx context.Context, g string) iter.Seq2[*apiProject, error] {
	return func(yield func(*apiProject, error) bool) {
		q := url.Values{"order_by": {"id"}, "sort": {"asc"}, "per_page": {strconv.Itoa(maxPerPage)}, "with_shared": {"false"},
			"include_subgroups": {strconv.FormatBool(c.settings.IncludeSubgroups)}, "pagination": {"keyset"}}
		for attempt := 0; attempt < 2; attempt++ {
			first := true
			for p, err := range each[apiProject](ctx, c.client, c.client.url("/groups/"+enc(g)+"/projects", q)) {
				if err != nil && first && attempt == 0 && status(err) == http.StatusMethodNotAllowed {
					break
				}
				first = false
				if err == nil {
					err = p.check()
				}
				if !yield(p, err) || err != nil {
					return
				}
			}
			if !first {
				return
			}
			q.Del("pagination")
		}
	}
}

// groupMembers reads one group's members with their addresses.
func (c *Connector) groupMembers(ctx context.Context, path string, emails map[int64]string) (tributary.ExternalGroup, error) {
	var grp apiGroup
	err := c.client.get(ctx, c.client.url("/groups/"+enc(path), nil), &grp)
	switch {
	case errors.Is(err, tributary.ErrNotFound):
		// A private group a project is shared with, which the token may
		// not see: it is listed without members, so it admits nobody.
		c.env.Log().Warn("gitlab: a group the token cannot see is listed without members", "group", path)
		return tributary.ExternalGroup{ID: groupPrefix + path, Name: path}, nil
	case err != nil:
		return tributary.ExternalGroup{}, fmt.Errorf("group %s: %w", path, err)
	}
	g := tributary.ExternalGroup{ID: groupPrefix + path, Name: cmp.Or(grp.FullName, grp.Name, path)}
	first := c.client.url("/groups/"+enc(path)+"/members/all", url.Values{"per_page": {"100"}})
	for m, err := range each[apiUser](ctx, c.client, first) {
		if err != nil {
			return g, fmt.Errorf("members of %s: %w", path, err)
		}
		if m.AccessLevel < guestLevel {
			continue // minimal access sees no project's documents
		}
		e, err := memberEmail(ctx, c.client, m, emails)
		if err != nil {
			return g, fmt.Errorf("members of %s: %w", path, err)
		}
		if e != "" {
			g.MemberEmails = append(g.MemberEmails, e)
		}
	}
	slices.Sort(g.MemberEmails)
	g.MemberEmails = slices.Compact(g.MemberEmails)
	return g, nil
}
