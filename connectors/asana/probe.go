package asana

import (
	"context"
	"net/url"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the token allows. Indexing is Validate (the user,
// the projects, tasks and stories of a project). Access sync reads one
// user of each workspace (users:read, which shows members' e-mails);
// group sync also one team of each organization (teams:read).
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	err := c.validate(ctx)
	indexing := tributary.ProbeOf(tributary.CapIndexing, err, missingScope(err)...)
	aerr, gerr := err, err
	if err == nil {
		wss, werr := c.workspaces(ctx)
		aerr, gerr = werr, werr
		for _, ws := range wss {
			var p page
			if _, e := c.client.get(ctx, "/workspaces/"+ws.GID+"/users", url.Values{"limit": {"1"}}, &p); e != nil && aerr == nil {
				aerr = needs(e, "users:read", "the users of workspace "+ws.GID)
			}
			gerr = aerr
			if ws.IsOrganization && gerr == nil {
				if _, e := c.client.get(ctx, "/workspaces/"+ws.GID+"/teams", url.Values{"limit": {"1"}}, &p); e != nil {
					gerr = needs(e, "teams:read", "the teams of workspace "+ws.GID)
				}
			}
		}
	}
	return []tributary.ProbeResult{indexing, tributary.ProbeOf(tributary.CapAccessSync, aerr, missingScope(aerr)...),
		tributary.ProbeOf(tributary.CapGroupSync, gerr, missingScope(gerr)...)}
}
