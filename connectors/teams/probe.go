package teams

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graph"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the app's permissions allow, with a request or two
// for each: indexing (Validate, Team.ReadBasic.All; the first team's
// channels, Channel.ReadBasic.All; one message of its first channel,
// ChannelMessage.Read.All), access sync (the members of that channel,
// ChannelMember.Read.All) and group sync (the members of the first team's
// group, GroupMember.Read.All). A missing permission is named in the
// result's Missing.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	team, channel, err := c.probeIndexing(ctx)
	out := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, err, missingOf(err)...)}
	access, groups := err, err
	if err == nil && team != "" {
		access, groups = nil, nil
		if channel != "" {
			var pg graph.Listing
			access = c.client.Get(ctx, c.channelNodeID(team, channel)+"/members?$top=1", PermMembers, &pg)
		}
		var pg graph.Listing
		groups = c.client.Get(ctx, c.client.Root+"/groups/"+team+"/transitiveMembers/microsoft.graph.user?$select=mail&$top=1", PermGroups, &pg)
	}
	out = append(out, tributary.ProbeOf(tributary.CapAccessSync, access, PermMembers))
	out = append(out, tributary.ProbeOf(tributary.CapGroupSync, groups, PermGroups))
	return out
}

// probeIndexing validates, then reads the first team's channels and one
// message of its first channel. It returns the team and channel it read.
func (c *Connector) probeIndexing(ctx context.Context) (team, channel string, err error) {
	if err := c.Validate(ctx); err != nil {
		return "", "", permErr{err, PermTeams}
	}
	if len(c.settings.Teams) > 0 {
		team = c.settings.Teams[0]
	} else {
		var pg graph.Listing
		if err := c.client.Get(ctx, c.client.Root+"/teams?$select=id&$top=1", PermTeams, &pg); err != nil {
			return "", "", permErr{err, PermTeams}
		}
		if len(pg.Value) == 0 {
			return "", "", nil // no team to read the channels of
		}
		var t apiTeam
		if json.Unmarshal(pg.Value[0], &t) != nil || !guidPattern.MatchString(t.ID) {
			return "", "", tributary.NewError("teams: probe", tributary.ErrMalformedResponse, errors.New("a team without a valid id"))
		}
		team = t.ID
	}
	var chs graph.Listing
	if err := c.client.Get(ctx, c.teamNodeID(team)+"/channels?$select=id", PermChannels, &chs); err != nil {
		return "", "", permErr{err, PermChannels}
	}
	if len(chs.Value) == 0 {
		return team, "", nil
	}
	var ch apiChannel
	if json.Unmarshal(chs.Value[0], &ch) != nil || !channelPattern.MatchString(ch.ID) {
		return "", "", tributary.NewError("teams: probe", tributary.ErrMalformedResponse, errors.New("a channel without a valid id"))
	}
	var pg graph.Listing
	err = c.client.Get(ctx, c.channelNodeID(team, ch.ID)+"/messages?$top=1", PermMessages, &pg)
	if err != nil {
		return "", "", permErr{err, PermMessages}
	}
	return team, ch.ID, nil
}

// permErr is a probe's error with the permission its request needs.
type permErr struct {
	error
	perm string
}

func (e permErr) Unwrap() error { return e.error }

// missingOf names the permission a refused probe lacks.
func missingOf(err error) []string {
	if pe, ok := errors.AsType[permErr](err); ok && errors.Is(err, tributary.ErrInsufficientPermissions) {
		return []string{pe.perm}
	}
	return nil
}
