package confluence

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/tributary-dev/tributary"
)

// levelAccess is who one page's own read restriction admits.
type levelAccess struct {
	restricted bool
	users      []string // e-mail addresses of the users listed
	groups     []string // group ids of the groups listed
}

// groupID is the id access and group sync give a Confluence group:
// "group:NAME", the form Jira uses for the groups of the same site.
func groupID(name string) string { return "group:" + name }

func readRestriction(r *apiRestriction) *levelAccess {
	la := &levelAccess{}
	if r == nil {
		return la
	}
	if l := r.Restrictions.User; l != nil {
		for _, u := range l.Results {
			la.restricted = true
			if u.Email != "" {
				la.users = append(la.users, u.Email)
			}
		}
	}
	if l := r.Restrictions.Group; l != nil {
		for _, g := range l.Results {
			la.restricted = true
			la.groups = append(la.groups, groupID(g.Name))
		}
	}
	return la
}

// spaceAccess returns who may read the space: the users (by visible
// e-mail) and groups ("group:NAME") its read permission names, and public
// when anonymous users may read it.
func spaceAccess(sp *apiSpace) *tributary.ExternalAccess {
	a := &tributary.ExternalAccess{}
	for _, p := range sp.Permissions {
		if p.Operation.Operation != "read" || p.Operation.TargetType != "space" {
			continue
		}
		if p.AnonymousAccess {
			a.Public = true
		}
		if p.Subjects == nil {
			continue
		}
		if p.Subjects.User != nil {
			for _, u := range p.Subjects.User.Results {
				if u.Email != "" {
					a.UserEmails = append(a.UserEmails, u.Email)
				}
			}
		}
		if p.Subjects.Group != nil {
			for _, g := range p.Subjects.Group.Results {
				a.GroupIDs = append(a.GroupIDs, groupID(g.Name))
			}
		}
	}
	a.UserEmails = sortedKeys(a.UserEmails)
	a.GroupIDs = sortedKeys(a.GroupIDs)
	return a
}

// pageAccess returns who may read a page. Confluence applies a page's own
// read restriction and those of all its ancestors; when none has one, the
// space's permission decides. When several do, only the users and groups
// named by every one of them are admitted: a user admitted by one level
// through a group and by another by name is left out, so the result may
// admit fewer people than Confluence does, never more.
func (r *run) pageAccess(p *apiContent, space *tributary.ExternalAccess) (*tributary.ExternalAccess, error) {
	var levels []*levelAccess
	for _, a := range p.Ancestors {
		la, err := r.ancestorRestriction(a.ID)
		if err != nil {
			return nil, err
		}
		if la.restricted {
			levels = append(levels, la)
		}
	}
	if p.Restrictions != nil {
		if la := readRestriction(p.Restrictions.Read); la.restricted {
			levels = append(levels, la)
		}
	}
	if len(levels) == 0 {
		return cloneAccess(space), nil
	}
	users, groups := levels[0].users, levels[0].groups
	for _, la := range levels[1:] {
		users = slices.DeleteFunc(slices.Clone(users), func(u string) bool { return !slices.Contains(la.users, u) })
		groups = slices.DeleteFunc(slices.Clone(groups), func(g string) bool { return !slices.Contains(la.groups, g) })
	}
	return &tributary.ExternalAccess{UserEmails: sortedKeys(users), GroupIDs: sortedKeys(groups)}, nil
}

// ancestorRestriction reads an ancestor page's own read restriction,
// through a cache bounded to a few thousand pages.
func (r *run) ancestorRestriction(id string) (*levelAccess, error) {
	if la, ok := r.restrictions[id]; ok {
		return la, nil
	}
	var res apiRestriction
	u := r.c.client.url("/content/"+url.PathEscape(id)+"/restriction/byOperation/read",
		url.Values{"expand": {"restrictions.user,restrictions.group"}})
	if err := r.c.client.get(r.ctx, u, &res); err != nil {
		return nil, fmt.Errorf("restrictions of ancestor %s: %w", id, err)
	}
	if len(r.restrictions) >= 4096 {
		clear(r.restrictions)
	}
	la := readRestriction(&res)
	r.restrictions[id] = la
	return la, nil
}

func cloneAccess(a *tributary.ExternalAccess) *tributary.ExternalAccess {
	if a == nil {
		return nil
	}
	return &tributary.ExternalAccess{UserEmails: slices.Clone(a.UserEmails), GroupIDs: slices.Clone(a.GroupIDs), Public: a.Public}
}
