package bookstack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Role permissions the optional capabilities need, as BookStack's role
// settings name them.
const (
	permManageUsers       = `"Manage users"`
	permManagePermissions = `"Manage all book, chapter & page permissions"`
)

// Probe reports what the token allows. Indexing is Validate. Access sync
// reads one role and the content permissions of the first page, which
// need "Manage users" and "Manage all book, chapter & page permissions";
// group sync reads one user and one role, which need "Manage users".
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	results := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx))}
	_, _, rolesErr := c.client.list(ctx, "roles", url.Values{}, 0, 1)
	err := rolesErr
	if err == nil {
		err = c.probePermissions(ctx)
	}
	results = append(results, tributary.ProbeOf(tributary.CapAccessSync, wrapProbe(err), permManageUsers, permManagePermissions))
	err = rolesErr
	if err == nil {
		_, _, err = c.client.list(ctx, "users", url.Values{}, 0, 1)
	}
	return append(results, tributary.ProbeOf(tributary.CapGroupSync, wrapProbe(err), permManageUsers))
}

func wrapProbe(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("bookstack: probe: %w", err)
}

// probePermissions reads the content permissions of the first page.
func (c *Connector) probePermissions(ctx context.Context) error {
	raws, _, err := c.client.list(ctx, "pages", url.Values{"sort": {"+id"}}, 0, 1)
	if err != nil || len(raws) == 0 {
		return err
	}
	var p struct {
		ID int `json:"id"`
	}
	if err := json.Unmarshal(raws[0], &p); err != nil || p.ID <= 0 {
		return malformed("pages", "page without an id")
	}
	var a apiPermissions
	return c.client.get(ctx, "content-permissions/page/"+strconv.Itoa(p.ID), nil, &a)
}
