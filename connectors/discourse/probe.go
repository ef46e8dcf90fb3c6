package discourse

import (
	"context"
	"fmt"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// What Probe names when a capability is refused.
const (
	missingAdmin    = "admin (the key's user must be an admin to read users' e-mail addresses)"
	missingCategory = "category read access (the key's user must see the restricted categories)"
)

// Probe reports what the key allows. Indexing is Validate (the key and the
// category list). Access sync reads the permissions of the first
// read_restricted category (GET /c/{id}/show.json), and passes when there
// is none. Group sync reads the first page of groups and of the admin
// users list with addresses, which needs the key's user to be an admin
// (Discourse answers anyone else with 404) and a granular key to hold the
// users and groups scopes (403 otherwise).
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	return []tributary.ProbeResult{
		tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx)),
		tributary.ProbeOf(tributary.CapAccessSync, c.probeAccess(ctx), missingCategory),
		tributary.ProbeOf(tributary.CapGroupSync, c.probeGroups(ctx), missingAdmin),
	}
}

func (c *Connector) probeAccess(ctx context.Context) error {
	var cs apiCategories
	if err := c.get(ctx, "/categories.json?include_subcategories=true", &cs); err != nil {
		return fmt.Errorf("discourse: probe categories: %w", c.keyRejected(ctx, err))
	}
	if cs.CategoryList == nil {
		return malformed("probe categories", "no category_list")
	}
	for _, cat := range cs.CategoryList.Categories {
		if cat.ReadRestricted {
			r := &run{c: c, ctx: ctx}
			_, err := r.accessOf(cat)
			return err
		}
	}
	return nil
}

func (c *Connector) probeGroups(ctx context.Context) error {
	var l apiGroups
	if err := c.get(ctx, "/groups.json?page=0", &l); err != nil {
		return fmt.Errorf("discourse: probe groups: %w", c.keyRejected(ctx, err))
	}
	if l.Groups == nil {
		return malformed("probe groups", "no groups in the answer")
	}
	if _, err := c.adminUsers(ctx, 1); err != nil {
		return fmt.Errorf("discourse: probe: %w", err)
	}
	return nil
}
