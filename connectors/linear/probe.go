package linear

import (
	"context"
	"errors"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the credentials allow: reading the workspace
// (indexing), reading the teams and whether they are private (access
// sync), and reading a team's members (group sync). It sends at most three
// requests. An OAuth token without the read scope fails each with
// "read" missing.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	missing := func(err error) []string {
		if errors.Is(err, tributary.ErrInsufficientPermissions) {
			return []string{"read"}
		}
		return nil
	}
	_, err := c.workspace(ctx)
	out := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, err, missing(err)...)}
	var first *apiTeam
	for t, terr := range c.allTeams(ctx) {
		if terr == nil {
			first = &t
		}
		err = terr
		break
	}
	out = append(out, tributary.ProbeOf(tributary.CapAccessSync, err, missing(err)...))
	if err == nil && first != nil {
		// One page of members tells; the rest would be a listing.
		var v struct {
			Team *struct{ ID string } `json:"team"`
		}
		err = c.client.query(ctx, "TeamMembers", teamMembersQuery, map[string]any{"id": first.ID}, true, &v)
	}
	return append(out, tributary.ProbeOf(tributary.CapGroupSync, err, missing(err)...))
}
