package bookstack

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/tributary-dev/tributary"
)

// RoleGroup is the group id of a BookStack role, which access names and
// Groups lists ("role:ID").
func RoleGroup(id int) string { return "role:" + strconv.Itoa(id) }

// errNoPermissions says the token may not read roles or content
// permissions: pages then carry no access for the run.
var errNoPermissions = errors.New("bookstack: the token may not read roles or content permissions")

// roleInfo is what decides a role's view of a page without permissions of
// its own: the admin role sees everything, other roles what their "View
// All" page permission allows. The public role stands for guests.
type roleInfo struct {
	id            int
	admin, public bool
	viewAllPages  bool
}

// rule is one item's own content permissions: the roles given or refused
// view, and for the other roles either inheritance or the fallback.
type rule struct {
	roles      map[int]bool
	inheriting bool
	fallback   bool
}

// permissions reads, for one run, the roles and the content permissions
// of books and chapters (bounded caches) that pages inherit.
type permissions struct {
	c        *Connector
	roles    []roleInfo
	loaded   bool
	books    *cache[*rule]
	chapters *cache[*rule]
}

func newPermissions(c *Connector) *permissions {
	return &permissions{c: c, books: newCache[*rule](4096), chapters: newCache[*rule](4096)}
}

// denied turns a refusal into errNoPermissions, logged once.
func (p *permissions) denied(err error) error {
	if !errors.Is(err, tributary.ErrInsufficientPermissions) {
		return err
	}
	if !p.c.noPermissions.Swap(true) {
		p.c.env.Log().Warn("bookstack: the token's user may not read roles or content permissions (it needs the Manage users " +
			"and Manage all permissions role permissions); pages carry no access")
	}
	return errNoPermissions
}

// loadRoles reads every role with its permissions.
func (p *permissions) loadRoles(r *run) error {
	if p.loaded {
		return nil
	}
	var ids []int
	err := all(r.ctx, p.c.client, "roles", url.Values{"sort": {"+id"}}, p.c.settings.PageSize, func(ro *apiRole) error {
		if ro.ID <= 0 {
			return malformed("roles", "role without an id")
		}
		ids = append(ids, ro.ID)
		return nil
	})
	if err != nil {
		return p.denied(err)
	}
	p.roles = p.roles[:0]
	for _, id := range ids {
		var ro apiRole
		if err := p.c.client.get(r.ctx, "roles/"+strconv.Itoa(id), nil, &ro); err != nil {
			return p.denied(fmt.Errorf("read role %d: %w", id, err))
		}
		p.roles = append(p.roles, roleInfo{id: id, admin: ro.SystemName == "admin", public: ro.SystemName == "public",
			viewAllPages: slices.Contains(ro.Permissions, "page-view-all")})
	}
	p.loaded = true
	return nil
}

// ruleOf reads an item's content permissions; nil when it inherits all.
func (p *permissions) ruleOf(r *run, kind string, id int) (*rule, error) {
	var a apiPermissions
	err := p.c.client.get(r.ctx, "content-permissions/"+kind+"/"+strconv.Itoa(id), nil, &a)
	if err != nil {
		return nil, p.denied(fmt.Errorf("permissions of %s %d: %w", kind, id, err))
	}
	if a.Fallback == nil {
		return nil, malformed("content-permissions", "%s %d answered without fallback permissions", kind, id)
	}
	ru := &rule{roles: map[int]bool{}, inheriting: a.Fallback.Inheriting}
	if !ru.inheriting {
		ru.fallback = a.Fallback.View != nil && *a.Fallback.View
	}
	for _, rp := range a.RolePermissions {
		ru.roles[rp.RoleID] = rp.View
	}
	return ru, nil
}

// cachedRule reads a book's or chapter's rule once a run. One the token
// cannot see (deleted meanwhile) inherits.
func (p *permissions) cachedRule(r *run, c *cache[*rule], kind string, id int) (*rule, error) {
	if ru, ok := c.get(id); ok {
		return ru, nil
	}
	ru, err := p.ruleOf(r, kind, id)
	if errors.Is(err, tributary.ErrNotFound) {
		ru, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.put(id, ru)
	return ru, nil
}

// pageAccess is who may view a page: the roles whose view its own
// permissions, its chapter's or its book's give, checked in that order,
// else the roles' own "View All" permission. Shelves' permissions do not
// pass down to books. Access names roles as RoleGroup ids, and is public
// when the guest role may view.
func (p *permissions) pageAccess(r *run, pg *apiPageItem) (*tributary.ExternalAccess, error) {
	if err := p.loadRoles(r); err != nil {
		return nil, err
	}
	own, err := p.ruleOf(r, "page", pg.ID)
	if err != nil {
		return nil, err
	}
	chain := []*rule{own}
	if pg.ChapterID > 0 {
		ch, err := p.cachedRule(r, p.chapters, "chapter", pg.ChapterID)
		if err != nil {
			return nil, err
		}
		chain = append(chain, ch)
	}
	book, err := p.cachedRule(r, p.books, "book", pg.BookID)
	if err != nil {
		return nil, err
	}
	chain = append(chain, book)
	a := &tributary.ExternalAccess{GroupIDs: []string{}}
	for _, ro := range p.roles {
		if view(ro, chain) {
			a.GroupIDs = append(a.GroupIDs, RoleGroup(ro.id))
			a.Public = a.Public || ro.public
		}
	}
	slices.Sort(a.GroupIDs)
	return a, nil
}

// view resolves a role's view of a page from its chain of rules.
func view(ro roleInfo, chain []*rule) bool {
	if ro.admin {
		return true
	}
	for _, ru := range chain {
		if ru == nil {
			continue
		}
		if v, ok := ru.roles[ro.id]; ok {
			return v
		}
		if !ru.inheriting {
			return ru.fallback
		}
	}
	return ro.viewAllPages
}
