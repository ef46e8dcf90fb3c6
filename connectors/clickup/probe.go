package clickup

import (
	"context"
	"net/url"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the token allows. Indexing and access sync need the
// token's user (GET /user) and the workspaces the settings name (GET
// /team); ClickUp has no scopes, so a workspace the token may not read
// is what a failure names. Group sync reads the first workspace's user
// groups (GET /group).
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	var u userAnswer
	err := c.client.get(ctx, "/user", nil, &u)
	var teams []apiTeam
	if err == nil {
		teams, err = c.workspaces(ctx)
	}
	var missing []string
	if err != nil && len(c.settings.Workspaces) > 0 {
		for _, id := range c.settings.Workspaces {
			missing = append(missing, "workspace "+id)
		}
	}
	gerr := err
	if gerr == nil {
		var g groupsAnswer
		gerr = c.client.get(ctx, "/group", url.Values{"team_id": {teams[0].ID}}, &g)
	}
	return []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, err, missing...),
		tributary.ProbeOf(tributary.CapAccessSync, err, missing...), tributary.ProbeOf(tributary.CapGroupSync, gerr)}
}
