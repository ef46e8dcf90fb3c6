package outline

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the key allows. Indexing is Validate. Access sync
// reads the memberships of the first collection and the key's user's
// role: documents' access names users by address, which Outline shows to
// admins only. Group sync reads one group and one user the same way.
// A key whose user is not an admin fails both, missing "admin role".
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	results := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx))}
	role, err := c.role(ctx)
	if err == nil {
		err = c.probeMemberships(ctx)
	}
	if err == nil && role != "admin" {
		err = tributary.NewError("outline: probe", tributary.ErrInsufficientPermissions,
			fmt.Errorf("the key's user is %q, and only admins see members' e-mail addresses", role))
	}
	results = append(results, tributary.ProbeOf(tributary.CapAccessSync, err, "admin role"))
	if err == nil {
		_, err = c.client.list(ctx, "groups.list", map[string]any{}, "groups", 0, 1)
	}
	return append(results, tributary.ProbeOf(tributary.CapGroupSync, err, "admin role"))
}

// role returns the role of the key's user.
func (c *Connector) role(ctx context.Context) (string, error) {
	var me apiAuthInfo
	if err := c.client.call(ctx, "auth.info", map[string]any{}, &me); err != nil {
		return "", fmt.Errorf("outline: probe: %w", err)
	}
	return me.Data.User.Role, nil
}

// probeMemberships reads one membership of the first collection.
func (c *Connector) probeMemberships(ctx context.Context) error {
	var id string
	if len(c.settings.Collections) > 0 {
		id = c.settings.Collections[0]
	} else {
		raws, err := c.client.list(ctx, "collections.list", map[string]any{}, "", 0, 1)
		if err != nil || len(raws) == 0 {
			return err
		}
		var col apiCollection
		if err := json.Unmarshal(raws[0], &col); err != nil || col.ID == "" {
			return malformed("collections.list", "collection without an id")
		}
		id = col.ID
	}
	if _, err := c.client.list(ctx, "collections.memberships", map[string]any{"id": id}, "memberships", 0, 1); err != nil {
		return fmt.Errorf("outline: probe: %w", err)
	}
	return nil
}
