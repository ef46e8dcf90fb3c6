package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// channelAccess is who may read a channel's threads: a standard channel's
// are the team's, named by the team's group; a private or shared
// channel's are its own members, named by their addresses (members whose
// address Graph does not show are left out, never guessed). Reading the
// members needs ChannelMember.Read.All.
func (c *Connector) channelAccess(ctx context.Context, team string, ch apiChannel) (*tributary.ExternalAccess, error) {
	if ch.MembershipType == "" || ch.MembershipType == "standard" {
		return &tributary.ExternalAccess{GroupIDs: []string{groupID(team)}}, nil
	}
	emails, err := c.channelMembers(ctx, team, ch.ID)
	if err != nil {
		return nil, err
	}
	return &tributary.ExternalAccess{UserEmails: emails}, nil
}

// channelMembers returns the sorted, lower-cased addresses of a channel's
// members.
func (c *Connector) channelMembers(ctx context.Context, team, channel string) ([]string, error) {
	out := []string{}
	err := c.client.List(ctx, c.channelNodeID(team, channel)+"/members", PermMembers, func(raw json.RawMessage) error {
		var m apiMember
		if err := json.Unmarshal(raw, &m); err != nil {
			return tributary.NewError("teams: channel members", tributary.ErrMalformedResponse, err)
		}
		if strings.Contains(m.Email, "@") {
			out = append(out, strings.ToLower(m.Email))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("teams: members of channel %s: %w", channel, err)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
