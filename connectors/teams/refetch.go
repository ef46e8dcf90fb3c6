package teams

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads the threads with the ids again: the root message, its
// replies, and the team and channel they belong to (their nodes come
// first, once each). For each id it yields the thread's document, a
// deletion when Graph no longer has the root message (or shows it
// deleted), or a Failure under the id. An id that is not a thread of a
// team the settings read fails with ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, time.Time{}, time.Time{}, false, yield)
		if err := ctx.Err(); err != nil {
			r.Fail(err)
			return
		}
		seen := map[string]bool{}
		nodes := map[string]*refetched{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			if !r.refetch(id, nodes) {
				return
			}
		}
	}
}

// refetched is a channel read for Refetch, with its team.
type refetched struct {
	team    apiTeam
	channel apiChannel
	access  *tributary.ExternalAccess
	err     error
}

func (r *run) refetch(id string, nodes map[string]*refetched) bool {
	team, channel, root, ok := r.c.parseID(id)
	if !ok {
		err := tributary.NewError("teams: refetch", tributary.ErrForeignURL, fmt.Errorf("%s is not a thread of a team the settings read", id))
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	failed := func(err error) bool {
		if terminal(err) {
			return r.Fail(err)
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("teams: refetch %s: %w", id, err))))
	}
	key := team + "/" + channel
	n := nodes[key]
	if n == nil {
		n = r.c.refetchChannel(r.ctx, team, channel)
		nodes[key] = n
		if n.err == nil && !r.refetchNodes(n) {
			return false
		}
	}
	switch {
	case errors.Is(n.err, tributary.ErrNotFound):
		return r.Yield(tributary.DeletionItem(id)) // the team or channel is gone
	case n.err != nil:
		return failed(n.err)
	}
	var m apiMessage
	err := r.c.client.Get(r.ctx, r.c.threadID(team, channel, root), PermMessages, &m)
	switch {
	case errors.Is(err, tributary.ErrNotFound) || err == nil && m.gone():
		return r.Yield(tributary.DeletionItem(id))
	case err == nil && (m.ID != root || m.MessageType != "" && m.MessageType != "message"):
		return r.Yield(tributary.DeletionItem(id)) // no thread (a system event)
	case err != nil:
		return failed(err)
	}
	rs, errs := r.c.replies(r.ctx, team, channel, []apiMessage{m})
	if errs[0] != nil {
		return failed(errs[0])
	}
	return r.Yield(tributary.DocumentItem(r.c.document(n.team, n.channel, n.access, &m, rs[0])))
}

// refetchNodes yields the team's and the channel's nodes.
func (r *run) refetchNodes(n *refetched) bool {
	team := &tributary.HierarchyNode{ID: r.c.teamNodeID(n.team.ID), Name: n.team.DisplayName, Link: n.team.WebURL,
		Kind: tributary.NodeSpace, ExternalAccess: &tributary.ExternalAccess{GroupIDs: []string{groupID(n.team.ID)}}}
	ch := &tributary.HierarchyNode{ID: r.c.channelNodeID(n.team.ID, n.channel.ID), ParentID: team.ID, Name: n.channel.DisplayName,
		Link: n.channel.WebURL, Kind: tributary.NodeChannel, ExternalAccess: cloneAccess(n.access)}
	return r.Yield(tributary.NodeItem(team)) && r.Yield(tributary.NodeItem(ch))
}

// refetchChannel reads a team, one of its channels and the channel's
// access.
func (c *Connector) refetchChannel(ctx context.Context, team, channel string) *refetched {
	n := &refetched{}
	n.err = c.client.Get(ctx, c.teamNodeID(team)+"?$select=id,displayName,description,webUrl", PermTeams, &n.team)
	if n.err == nil {
		n.err = c.client.Get(ctx, c.channelNodeID(team, channel)+"?$select=id,displayName,description,membershipType,webUrl", PermChannels, &n.channel)
	}
	if n.err == nil && (!strings.EqualFold(n.team.ID, team) || n.channel.ID != channel) {
		n.err = tributary.NewError("teams: refetch", tributary.ErrMalformedResponse, errors.New("a team or channel of another id"))
	}
	if n.err == nil {
		n.access, n.err = c.channelAccess(ctx, team, n.channel)
	}
	return n
}

// parseID splits a thread id into team, channel and root message, for a
// team the settings read.
func (c *Connector) parseID(id string) (team, channel, root string, ok bool) {
	rest, ok := strings.CutPrefix(id, c.client.Root+"/teams/")
	if !ok {
		return "", "", "", false
	}
	team, channel, root, err := parseGraphPath(rest)
	if err != nil || root == "" || strings.Contains(rest, "/replies/") || c.threadID(team, channel, root) != id {
		return "", "", "", false
	}
	if len(c.settings.Teams) > 0 && !slices.ContainsFunc(c.settings.Teams, func(t string) bool { return strings.EqualFold(t, team) }) {
		return "", "", "", false
	}
	return team, channel, root, true
}
