package gitlab

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// InternalGroup is the group id that stands for every signed-in user of
// the instance: the access of an internal project's documents.
const InternalGroup = "visibility:internal"

// groupPrefix begins the group ids of access and group sync:
// "group:acme/backend".
const groupPrefix = "group:"

// maxEmailCache bounds how many members' e-mail addresses one run
// remembers, so memory does not grow with the size of the instance.
const maxEmailCache = 4096

// projectAccess is who may see a project's documents, read once per
// project when the host asked for permissions.
type projectAccess struct {
	want       bool
	failed     bool // the members could not be read: documents admit nobody
	visibility string
	members    []member // direct members with a known address
	groups     []string // the namespace's group and the groups shared with
	p          *apiProject
}

type member struct {
	email string
	level int
}

// projectAccess reads who may see the project's documents, or returns a
// projectAccess that gives none when permissions were not asked for.
//
// A public project's documents are public and an internal one's are open
// to InternalGroup. A private project's (and the documents of a feature a
// public project keeps to its members) are open to the project's direct
// members whose address is known, to "group:PATH" of the project's group
// (whose members, inherited ones included, group sync lists), and to the
// groups the project is shared with. A confidential issue is open only to
// the direct members who are Reporters or above: GitLab also admits the
// author, the assignees and inherited Reporters, so the access is never
// wider than GitLab's. A token that may not list the members gets a
// failure for the project and documents that admit nobody.
func (r *run) projectAccess(p *apiProject) (*projectAccess, bool) {
	pa := &projectAccess{want: r.c.env.WantPermissions, visibility: p.Visibility, p: p}
	if !pa.want {
		return pa, true
	}
	if p.Namespace.Kind == "group" && p.Namespace.FullPath != "" {
		pa.groups = append(pa.groups, groupPrefix+lower(p.Namespace.FullPath))
	}
	for _, sh := range p.SharedWithGroups {
		if sh.GroupFullPath != "" {
			pa.groups = append(pa.groups, groupPrefix+lower(sh.GroupFullPath))
		}
	}
	slices.Sort(pa.groups)
	pa.groups = slices.Compact(pa.groups)
	members, err := r.directMembers(p)
	switch {
	case err == nil:
		pa.members = members
		return pa, true
	case errors.Is(err, tributary.ErrInsufficientPermissions), errors.Is(err, tributary.ErrNotFound):
		pa.failed = true
		f := tributary.EntityFailure(p.WebURL, p.WebURL,
			fmt.Errorf("gitlab: read who may see %s (documents admit nobody): %w", p.PathWithNamespace, err))
		return pa, r.Yield(tributary.FailureItem(f))
	default:
		return nil, r.Fail(fmt.Errorf("gitlab: read who may see %s: %w", p.PathWithNamespace, err))
	}
}

// directMembers lists the project's direct members with their addresses.
func (r *run) directMembers(p *apiProject) ([]member, error) {
	first := r.c.client.url(fmt.Sprintf("/projects/%d/members", p.ID), url.Values{"per_page": {"100"}})
	var out []member
	for m, err := range each[apiUser](r.ctx, r.c.client, first) {
		if err != nil {
			return nil, err
		}
		e, err := memberEmail(r.ctx, r.c.client, m, r.emails)
		if err != nil {
			return nil, err
		}
		if e != "" {
			out = append(out, member{email: e, level: m.AccessLevel})
		}
	}
	return out, nil
}

// emails returns the sorted addresses of members at level or above.
func (pa *projectAccess) emails(level int) []string {
	var out []string
	for _, m := range pa.members {
		if m.level >= level {
			out = append(out, m.email)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// base returns the access of documents of a feature whose access level is
// featureLevel ("private" keeps it to members even in a public project).
func (pa *projectAccess) base(featureLevel string) *tributary.ExternalAccess {
	switch {
	case !pa.want:
		return nil
	case pa.failed:
		return &tributary.ExternalAccess{}
	case featureLevel == "private" || pa.visibility == "private" || (pa.visibility != "public" && pa.visibility != "internal"):
		return &tributary.ExternalAccess{UserEmails: pa.emails(guestLevel), GroupIDs: slices.Clone(pa.groups)}
	case pa.visibility == "internal":
		return &tributary.ExternalAccess{GroupIDs: []string{InternalGroup}}
	}
	return &tributary.ExternalAccess{Public: true}
}

// GitLab's access levels the connector compares with.
const (
	guestLevel    = 10
	reporterLevel = 20
)

func (pa *projectAccess) nodeAccess() *tributary.ExternalAccess { return pa.base("") }

func (pa *projectAccess) forWiki() *tributary.ExternalAccess { return pa.base(pa.p.WikiAccessLevel) }

func (pa *projectAccess) forItem(it *apiItem, mr bool) *tributary.ExternalAccess {
	if mr {
		return pa.base(pa.p.MergeRequestsAccessLevel)
	}
	if it.Confidential && pa.want && !pa.failed {
		return &tributary.ExternalAccess{UserEmails: pa.emails(reporterLevel)}
	}
	return pa.base(pa.p.IssuesAccessLevel)
}

// memberEmail returns the lower-cased address of a member: the email
// GitLab shows administrators, else the public address of the user's
// profile (one GET /users/:id per member, cached), else "".
func memberEmail(ctx context.Context, c *client, m *apiUser, cache map[int64]string) (string, error) {
	if e := normEmail(cmp.Or(m.Email, m.PublicEmail)); e != "" {
		return e, nil
	}
	if m.ID <= 0 {
		return "", nil
	}
	if e, ok := cache[m.ID]; ok {
		return e, nil
	}
	var u apiUser
	err := c.get(ctx, c.url(fmt.Sprintf("/users/%d", m.ID), nil), &u)
	switch {
	case errors.Is(err, tributary.ErrNotFound):
	case err != nil:
		return "", fmt.Errorf("look up user %d: %w", m.ID, err)
	}
	if len(cache) >= maxEmailCache {
		clear(cache)
	}
	e := normEmail(cmp.Or(u.PublicEmail, u.Email))
	cache[m.ID] = e
	return e, nil
}

// normEmail lower-cases an address and drops what is not one.
func normEmail(e string) string {
	e = strings.ToLower(strings.TrimSpace(e))
	if !strings.Contains(e, "@") {
		return ""
	}
	return e
}
