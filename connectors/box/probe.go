package box

import (
	"context"
	"errors"
	"net/url"

	"github.com/tributary-dev/tributary"
)

// Probe reports what the credentials allow: indexing as Validate finds
// it; access sync by reading a configured folder's collaborations (which
// root_readonly allows); group sync by reading one group, which needs
// manage_groups.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	index := c.Validate(ctx)
	access := index
	for _, id := range c.settings.FolderIDs {
		if id != "0" && index == nil {
			var pg markerPage[collaboration]
			access = c.client.get(ctx, "/folders/"+id+"/collaborations", url.Values{"limit": {"1"}}, &pg)
			break
		}
	}
	var pg offsetPage[group]
	groups := c.client.get(ctx, "/groups", url.Values{"limit": {"1"}}, &pg)
	var missing []string
	if errors.Is(groups, tributary.ErrInsufficientPermissions) {
		missing = []string{"manage_groups"}
	}
	var missingRead []string
	if errors.Is(index, tributary.ErrInsufficientPermissions) {
		missingRead = []string{"root_readonly"}
	}
	return []tributary.ProbeResult{
		tributary.ProbeOf(tributary.CapIndexing, index, missingRead...),
		tributary.ProbeOf(tributary.CapAccessSync, access, missingRead...),
		tributary.ProbeOf(tributary.CapGroupSync, groups, missing...),
	}
}
