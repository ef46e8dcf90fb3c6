package zulip

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// missingRole is what Zulip refuses a guest: the user groups (and what
// else require_member_or_admin guards) need an organization member.
const missingRole = "organization member role (not a guest)"

// Probe reports what the account may do. Indexing is Validate: the API
// key (GET /users/me) and the stream list (GET /streams). Access sync reads
// the subscribers of one stream the account reads (GET
// /streams/{id}/members), a private one when there is one, as the access
// of private streams needs. Group sync reads the user groups (GET
// /user_groups), which Zulip refuses guests. Zulip has no scopes: an
// account reads what its role and subscriptions let it.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	return []tributary.ProbeResult{
		tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx)),
		tributary.ProbeOf(tributary.CapAccessSync, c.probeSubscribers(ctx), missingRole),
		tributary.ProbeOf(tributary.CapGroupSync, c.probeGroups(ctx), missingRole),
	}
}

func (c *Connector) probeSubscribers(ctx context.Context) error {
	streams, err := c.listStreams(ctx)
	if err != nil {
		return fmt.Errorf("zulip: probe: %w", err)
	}
	if len(streams) == 0 {
		return errors.New("zulip: probe: the account reads no stream whose subscribers could be read")
	}
	st := streams[0]
	for _, s := range streams {
		if s.InviteOnly {
			st = s
			break
		}
	}
	var subs apiSubscribers
	if err := c.get(ctx, "/streams/"+strconv.FormatInt(st.ID, 10)+"/members", nil, &subs); err != nil {
		return fmt.Errorf("zulip: probe subscribers of stream %d: %w", st.ID, err)
	}
	return nil
}

func (c *Connector) probeGroups(ctx context.Context) error {
	var gs apiUserGroups
	if err := c.get(ctx, "/user_groups", nil, &gs); err != nil {
		return fmt.Errorf("zulip: probe user groups: %w", err)
	}
	return nil
}
