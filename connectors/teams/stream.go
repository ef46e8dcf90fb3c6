package teams

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graph"
)

const (
	checkpointKind    = "teams"
	checkpointVersion = 1
)

// channelPattern matches a channel id (19:...@thread.tacv2) and
// messagePattern a message id (milliseconds since the epoch): nothing
// that would end or split a URL path.
var (
	channelPattern = regexp.MustCompile(`^19:[A-Za-z0-9_.@-]{1,300}$`)
	messagePattern = regexp.MustCompile(`^[0-9]{1,20}$`)
)

// position is the checkpoint state: where the stream is, never what it
// has seen. Teams are read in id order, each team's channels in id order,
// each channel through one delta query.
type position struct {
	// Team and Channel are the team and channel in progress.
	Team    string `json:"team,omitempty"`
	Channel string `json:"channel,omitempty"`
	// Done says the channel is finished.
	Done bool `json:"done,omitempty"`
	// Link is the next page of the channel's delta query (or of its
	// message listing, with List).
	Link string `json:"link,omitempty"`
	// Inc says Link continues a delta from a stored delta link, so that
	// threads whose root changed are read whatever their time and deleted
	// roots are deletions.
	Inc bool `json:"inc,omitempty"`
	// List says the channel refused its delta query and Link pages its
	// message listing instead.
	List bool `json:"list,omitempty"`
	// Later says a thread active at or after the window's end was passed
	// over, so the channel's delta link must not be stored.
	Later bool `json:"later,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := len(pos.Link) > graph.MaxLink || pos.Team != "" && !guidPattern.MatchString(pos.Team) ||
		pos.Channel != "" && !channelPattern.MatchString(pos.Channel) ||
		pos.Team == "" && (pos.Channel != "" || pos.Link != "" || pos.Done) || pos.Channel == "" && (pos.Link != "" || pos.Done)
	if bad {
		return position{}, tributary.NewError("teams: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (team %q)", pos.Team))
	}
	return pos, nil
}

// run is one range over a stream for the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder
	values tributary.Values
}

func (c *Connector) newRun(ctx context.Context, start, end time.Time, slim bool, yield func(tributary.Item, error) bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion), values: tributary.ValuesFrom(ctx)}
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return !t.Before(r.start) && (r.end.IsZero() || t.Before(r.end))
}

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	teams, err := r.c.teams(r.ctx)
	if err != nil {
		r.Fail(err)
		return
	}
	for _, t := range teams {
		if pos.Team != "" && t.ID < pos.Team {
			continue
		}
		from := position{Team: t.ID}
		if t.ID == pos.Team {
			from = pos
		}
		if !r.team(t, from) {
			return
		}
	}
}

// entityFailed reports a failure of a team or channel, or ends the run
// when the error will fail everything after it too.
func (r *run) entityFailed(id, link string, err error) bool {
	if terminal(err) {
		return r.Fail(err)
	}
	f := tributary.EntityFailure(id, cmp.Or(link, id), err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// team reads one team's channels from pos.
func (r *run) team(t apiTeam, pos position) bool {
	node := &tributary.HierarchyNode{ID: r.c.teamNodeID(t.ID), Name: cmp.Or(t.DisplayName, t.ID), Link: t.WebURL,
		Kind: tributary.NodeSpace, ExternalAccess: &tributary.ExternalAccess{GroupIDs: []string{groupID(t.ID)}}}
	if !r.Yield(tributary.NodeItem(node)) {
		return false
	}
	channels, err := r.c.channels(r.ctx, t.ID)
	if err != nil {
		return r.entityFailed(node.ID, t.WebURL, err)
	}
	for _, ch := range channels {
		if pos.Channel != "" && (ch.ID < pos.Channel || ch.ID == pos.Channel && pos.Done) {
			continue
		}
		from := position{Team: t.ID, Channel: ch.ID}
		if ch.ID == pos.Channel {
			from = pos
		}
		if !r.channel(t, ch, from) {
			return false
		}
	}
	return true
}

// deltaKey is the Values key of a channel's delta link.
func deltaKey(team, channel string) string { return "delta:" + team + "/" + channel }

// storedDelta returns the delta link the last run stored for the channel,
// when the stream reads a poll window under a host that keeps Values.
func (r *run) storedDelta(team, channel string) (string, error) {
	if r.values == nil || r.slim || r.start.IsZero() {
		return "", nil
	}
	key := deltaKey(team, channel)
	got, err := r.values.Get(r.ctx, []string{key})
	if err != nil {
		return "", fmt.Errorf("teams: read the delta link: %w", err)
	}
	link := string(got[key])
	if len(link) > graph.MaxLink || !r.c.client.Within(link) {
		return "", nil
	}
	return link, nil
}

// refused reports a delta query Graph will not answer for the channel, so
// that its messages are listed instead.
func refused(err error) bool {
	switch graph.Status(err) {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return true
	}
	return false
}

// channel reads one channel from pos through its delta query.
func (r *run) channel(t apiTeam, ch apiChannel, pos position) bool {
	nodeID := r.c.channelNodeID(t.ID, ch.ID)
	access, err := r.c.channelAccess(r.ctx, t.ID, ch)
	if err != nil {
		return r.entityFailed(nodeID, ch.WebURL, err)
	}
	node := &tributary.HierarchyNode{ID: nodeID, ParentID: r.c.teamNodeID(t.ID), Name: cmp.Or(ch.DisplayName, ch.ID),
		Link: ch.WebURL, Kind: tributary.NodeChannel, ExternalAccess: access}
	if !r.Yield(tributary.NodeItem(node)) {
		return false
	}
	top := "?$top=" + strconv.Itoa(r.c.settings.PageSize)
	fresh := nodeID + "/messages/delta" + top
	if pos.Link == "" {
		stored, err := r.storedDelta(t.ID, ch.ID)
		if err != nil {
			return r.Fail(err)
		}
		pos.Link, pos.Inc = cmp.Or(stored, fresh), stored != ""
	}
	restarted := false
	for {
		var pg graph.Listing
		err := r.c.client.Get(r.ctx, pos.Link, PermMessages, &pg)
		switch {
		case err != nil && !pos.List && graph.Gone(err) && !restarted:
			// The delta token is too old: read the channel again. Deleted
			// threads in between are missed; a prune finds them.
			r.c.env.Log().Warn("teams: delta token expired; reading the channel again", "channel", ch.ID)
			pos = position{Team: t.ID, Channel: ch.ID, Link: fresh}
			restarted = true
			continue
		case err != nil && !pos.List && refused(err):
			r.c.env.Log().Info("teams: the channel refused its delta query; listing its messages", "channel", ch.ID, "error", err)
			pos = position{Team: t.ID, Channel: ch.ID, Link: nodeID + "/messages" + top, List: true}
			continue
		case err != nil:
			return r.entityFailed(nodeID, ch.WebURL, fmt.Errorf("teams: messages of channel %s: %w", ch.ID, err))
		}
		if !r.page(t, ch, access, &pos, pg.Value) {
			return false
		}
		done := position{Team: t.ID, Channel: ch.ID, Done: true}
		switch {
		case pg.NextLink != "":
			if err := r.c.client.CheckNext(pos.Link, pg.NextLink); err != nil {
				return r.entityFailed(nodeID, ch.WebURL, err)
			}
			pos.Link = pg.NextLink
			if !r.Checkpoint(pos) {
				return false
			}
		case pos.List:
			return r.Checkpoint(done)
		case pg.DeltaLink != "":
			if r.values != nil && !r.slim && !pos.Later && len(pg.DeltaLink) <= graph.MaxLink && r.c.client.Within(pg.DeltaLink) {
				r.values.Put(deltaKey(t.ID, ch.ID), []byte(pg.DeltaLink))
			}
			return r.Checkpoint(done)
		default:
			return r.entityFailed(nodeID, ch.WebURL, tributary.NewError("teams: messages of channel "+ch.ID,
				tributary.ErrMalformedResponse, errors.New("a page with neither @odata.nextLink nor @odata.deltaLink")))
		}
	}
}

// page yields the threads of a page of root messages.
func (r *run) page(t apiTeam, ch apiChannel, access *tributary.ExternalAccess, pos *position, raws []json.RawMessage) bool {
	var live []apiMessage
	for _, raw := range raws {
		var m apiMessage
		err := json.Unmarshal(raw, &m)
		if err != nil || !messagePattern.MatchString(m.ID) {
			err = tributary.NewError("teams: messages of channel "+ch.ID, tributary.ErrMalformedResponse, errors.New("a message without a valid id"))
			f := tributary.EntityFailure(r.c.channelNodeID(t.ID, ch.ID), ch.WebURL, err)
			if messagePattern.MatchString(m.ID) {
				f = tributary.DocumentFailure(r.c.threadID(t.ID, ch.ID, m.ID), m.WebURL, err)
			}
			if !r.Yield(tributary.FailureItem(f)) {
				return false
			}
			continue
		}
		switch {
		case m.MessageType != "" && m.MessageType != "message":
			continue // system events (members added, a channel renamed) are no thread
		case m.gone():
			if pos.Inc && !r.slim && !r.Yield(tributary.DeletionItem(r.c.threadID(t.ID, ch.ID, m.ID))) {
				return false
			}
			continue
		}
		live = append(live, m)
	}
	var replies [][]apiMessage
	var errs []error
	if !r.slim || !r.start.IsZero() || !r.end.IsZero() {
		replies, errs = r.c.replies(r.ctx, t.ID, ch.ID, live)
	}
	for i, m := range live {
		var rs []apiMessage
		if replies != nil {
			if err := errs[i]; err != nil {
				if terminal(err) {
					return r.Fail(err)
				}
				id := r.c.threadID(t.ID, ch.ID, m.ID)
				if r.slim {
					// The thread exists; its replies failed. A slim listing
					// admits it, as it admits a failed document.
					if !r.Yield(tributary.DocumentItem(&tributary.Document{ID: id, Source: Source, ParentID: r.c.channelNodeID(t.ID, ch.ID),
						ExternalAccess: cloneAccess(access)})) {
						return false
					}
					continue
				}
				if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, m.WebURL, fmt.Errorf("teams: replies of %s: %w", id, err)))) {
					return false
				}
				continue
			}
			rs = replies[i]
		}
		d := r.c.document(t, ch, access, &m, rs)
		if !r.end.IsZero() && !d.UpdatedAt.Before(r.end) {
			pos.Later = true
			continue
		}
		if !pos.Inc && !r.inWindow(d.UpdatedAt) {
			continue
		}
		if !r.Yield(tributary.DocumentItem(d)) {
			return false
		}
	}
	return true
}

// replies reads the replies of the roots: in $batch requests of twenty,
// each answer that came whole used as it is (its further pages followed),
// and each other one (throttled, failed, refused, cut short, or missing)
// asked for alone, through the stack's retries and classification.
func (c *Connector) replies(ctx context.Context, team, channel string, roots []apiMessage) ([][]apiMessage, []error) {
	out := make([][]apiMessage, len(roots))
	errs := make([]error, len(roots))
	done := make([]bool, len(roots))
	rel := func(m apiMessage) string {
		return "/teams/" + team + "/channels/" + url.PathEscape(channel) + "/messages/" + m.ID + "/replies?$top=" + strconv.Itoa(maxTop)
	}
	if len(roots) > 1 {
		paths := make([]string, len(roots))
		for i, m := range roots {
			paths[i] = rel(m)
		}
		answers, err := c.client.Batch(ctx, paths)
		if err != nil && ctx.Err() == nil {
			c.env.Log().Debug("teams: $batch of replies failed; asking one by one", "error", err)
		}
		for i, a := range answers {
			if a.Status != http.StatusOK || len(a.Body) == 0 {
				continue
			}
			var pg graph.Listing
			if json.Unmarshal(a.Body, &pg) != nil || pg.Value == nil || pg.NextLink != "" && !c.client.Within(pg.NextLink) {
				continue
			}
			msgs, err := decodeReplies(pg.Value)
			if err == nil && pg.NextLink != "" {
				var more []apiMessage
				more, err = c.listReplies(ctx, pg.NextLink)
				msgs = append(msgs, more...)
			}
			out[i], errs[i], done[i] = msgs, err, true
		}
	}
	for i, m := range roots {
		if !done[i] {
			out[i], errs[i] = c.listReplies(ctx, c.client.Root+rel(m))
		}
	}
	return out, errs
}

// listReplies reads every page of a replies listing from link.
func (c *Connector) listReplies(ctx context.Context, link string) ([]apiMessage, error) {
	var raws []json.RawMessage
	err := c.client.List(ctx, link, PermMessages, func(raw json.RawMessage) error {
		raws = append(raws, raw)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return decodeReplies(raws)
}

func decodeReplies(raws []json.RawMessage) ([]apiMessage, error) {
	out := make([]apiMessage, 0, len(raws))
	for _, raw := range raws {
		var m apiMessage
		if err := json.Unmarshal(raw, &m); err != nil || !messagePattern.MatchString(m.ID) {
			return nil, tributary.NewError("teams: replies", tributary.ErrMalformedResponse, errors.New("a reply without a valid id"))
		}
		out = append(out, m)
	}
	return out, nil
}

// teams returns the teams to read, in id order: the configured ones, or
// every team of the tenant.
func (c *Connector) teams(ctx context.Context) ([]apiTeam, error) {
	var out []apiTeam
	if len(c.settings.Teams) > 0 {
		for _, id := range c.settings.Teams {
			var t apiTeam
			if err := c.client.Get(ctx, c.teamNodeID(strings.ToLower(id))+"?$select=id,displayName,description,webUrl", PermTeams, &t); err != nil {
				return nil, fmt.Errorf("teams: team %s: %w", id, err)
			}
			out = append(out, t)
		}
	} else {
		err := c.client.List(ctx, c.client.Root+"/teams?$select=id,displayName,description&$top=100", PermTeams, func(raw json.RawMessage) error {
			var t apiTeam
			if err := json.Unmarshal(raw, &t); err != nil {
				return tributary.NewError("teams: list teams", tributary.ErrMalformedResponse, err)
			}
			out = append(out, t)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("teams: list teams: %w", err)
		}
	}
	for _, t := range out {
		if !guidPattern.MatchString(t.ID) {
			return nil, tributary.NewError("teams: list teams", tributary.ErrMalformedResponse, errors.New("a team without a valid id"))
		}
	}
	slices.SortFunc(out, func(a, b apiTeam) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b apiTeam) bool { return a.ID == b.ID }), nil
}

// channels returns a team's own channels the settings read, in id order.
// A shared channel is listed by its host team only (not through
// /allChannels of the teams it is shared with), so it is read once.
func (c *Connector) channels(ctx context.Context, team string) ([]apiChannel, error) {
	var out []apiChannel
	err := c.client.List(ctx, c.teamNodeID(team)+"/channels?$select=id,displayName,description,membershipType,webUrl", PermChannels,
		func(raw json.RawMessage) error {
			var ch apiChannel
			if err := json.Unmarshal(raw, &ch); err != nil || !channelPattern.MatchString(ch.ID) {
				return tributary.NewError("teams: list channels", tributary.ErrMalformedResponse, errors.New("a channel without a valid id"))
			}
			switch {
			case ch.MembershipType == "private" && c.settings.SkipPrivateChannels:
			case ch.MembershipType == "shared" && c.settings.SkipSharedChannels:
			default:
				out = append(out, ch)
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("teams: channels of team %s: %w", team, err)
	}
	slices.SortFunc(out, func(a, b apiChannel) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b apiChannel) bool { return a.ID == b.ID }), nil
}
