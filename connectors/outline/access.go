package outline

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Group ids that access names and Groups lists.
const (
	// WorkspaceGroup is every member of the workspace who is not a guest:
	// a collection whose permission is "read" or "read_write" is open to
	// them.
	WorkspaceGroup = "workspace"
	// collectionGroupPrefix names the members of one collection, direct
	// or through a group ("collection:UUID").
	collectionGroupPrefix = "collection:"
	// groupPrefix names an Outline group ("group:UUID").
	groupPrefix = "group:"
)

// CollectionGroup is the group id of a collection's members.
func CollectionGroup(id string) string { return collectionGroupPrefix + id }

// accessOf is who may read a document: the collection's members, the
// whole workspace when the collection is open to it, and the users and
// groups of the document's own memberships (inherited ones included).
func (r *run) accessOf(col *apiCollection, d *apiDocument) (*tributary.ExternalAccess, error) {
	a := &tributary.ExternalAccess{GroupIDs: []string{CollectionGroup(col.ID)}}
	if col.open() {
		a.GroupIDs = append(a.GroupIDs, WorkspaceGroup)
	}
	err := all(r.ctx, r.c.client, "documents.memberships", map[string]any{"id": d.ID}, "memberships", func(m *apiMembership) error {
		e, err := r.email(m.UserID)
		if e != "" {
			a.UserEmails = append(a.UserEmails, e)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = all(r.ctx, r.c.client, "documents.group_memberships", map[string]any{"id": d.ID}, "groupMemberships", func(m *apiMembership) error {
		if m.GroupID != "" {
			a.GroupIDs = append(a.GroupIDs, groupPrefix+m.GroupID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(a.UserEmails)
	a.UserEmails = slices.Compact(a.UserEmails)
	slices.Sort(a.GroupIDs)
	a.GroupIDs = slices.Compact(a.GroupIDs)
	return a, nil
}

// email returns a user's lower-cased address, "" when the key may not see
// it (Outline shows addresses to admins only), looked up once a run.
func (r *run) email(userID string) (string, error) {
	if e, ok := r.people.get(userID); ok {
		return e, nil
	}
	if !uuidPattern.MatchString(userID) {
		return "", nil
	}
	var out struct {
		Data apiUser `json:"data"`
	}
	err := r.c.client.call(r.ctx, "users.info", map[string]any{"id": userID}, &out)
	switch {
	case errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions):
		r.people.put(userID, "")
		return "", nil
	case err != nil:
		return "", fmt.Errorf("read user %s: %w", userID, err)
	}
	e := lowerEmail(out.Data.Email)
	r.people.put(userID, e)
	return e, nil
}

// person is an author or editor, with the address when the key may see
// it. A failed lookup leaves the address out.
func (r *run) person(u *apiUser) *tributary.Person {
	if u == nil || u.Name == "" && u.ID == "" {
		return nil
	}
	p := &tributary.Person{DisplayName: u.Name}
	if e, err := r.email(u.ID); err == nil {
		p.Email = e
	} else {
		r.c.env.Log().Debug("outline: author's address not read", "user", u.ID, "error", err)
	}
	return p
}

// lowerEmail returns an address lower-cased, or "" for a value that is not
// one.
func lowerEmail(e string) string {
	e = strings.ToLower(strings.TrimSpace(e))
	if i := strings.IndexByte(e, '@'); i <= 0 || i == len(e)-1 {
		return ""
	}
	return e
}
