package sharepoint

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the app's permissions allow: indexing (Validate,
// Sites.Read.All), access sync (the permissions of the root folder of the
// first site's library, Sites.Read.All) and group sync (one page of
// /groups, GroupMember.Read.All).
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	out := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx), PermSites)}
	out = append(out, tributary.ProbeOf(tributary.CapAccessSync, c.probeAccess(ctx), PermSites))
	var pg listing
	err := c.client.get(ctx, c.client.graph+"/groups?$select=id&$top=1", PermGroups, &pg)
	out = append(out, tributary.ProbeOf(tributary.CapGroupSync, err, PermGroups))
	return out
}

// probeAccess reads the permissions of the first site's library root.
func (c *Connector) probeAccess(ctx context.Context) error {
	var site string
	if len(c.settings.Sites) > 0 {
		s, err := c.site(ctx, c.settings.Sites[0])
		if err != nil {
			return err
		}
		site = s.ID
	} else {
		var pg listing
		if err := c.client.get(ctx, c.client.graph+"/sites/getAllSites?$select=id&$top=1", PermSites, &pg); err != nil {
			return err
		}
		if len(pg.Value) == 0 {
			return nil // no site to read the permissions of
		}
		var s apiSite
		if json.Unmarshal(pg.Value[0], &s) != nil || !graphID.MatchString(s.ID) {
			return tributary.NewError("sharepoint: probe", tributary.ErrMalformedResponse, errors.New("a site without a valid id"))
		}
		site = s.ID
	}
	_, err := c.siteAccess(ctx, site)
	return err
}
