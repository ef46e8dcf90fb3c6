package zulip

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "zulip"
	checkpointVersion = 1
)

// position is a checkpoint: the stream being read and the last topic of it
// finished (topics are read in name order). Its size does not depend on
// the organization's.
//
// A poll (a window with a start) reads each stream's messages in id order
// instead, and its checkpoint is the stream and the last message id read
// in it (After).
type position struct {
	Stream int64  `json:"stream,omitempty"`
	Topic  string `json:"topic,omitempty"`
	After  int64  `json:"after,omitempty"`
	Done   bool   `json:"done,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	if pos.Stream < 0 || pos.After < 0 || len(pos.Topic) > 1024 || ((pos.Topic != "" || pos.After > 0) && pos.Stream == 0) ||
		(pos.Topic != "" && pos.After > 0) {
		return position{}, tributary.NewError("zulip: decode checkpoint", tributary.ErrInvalidCheckpoint, fmt.Errorf("bad position"))
	}
	return pos, nil
}

type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder
	// streams are the streams the account reads, by id.
	streams map[int64]*apiStream
	// nodes are the streams whose node a poll has yielded.
	nodes map[int64]bool
	// seen are the topics a poll has read in this run: how far each got.
	seen map[topicKey]seenAs
}

func (c *Connector) newRun(ctx context.Context, yield func(tributary.Item, error) bool, start, end time.Time, slim bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion),
		streams: map[int64]*apiStream{}, nodes: map[int64]bool{}, seen: map[topicKey]seenAs{}}
}

func (r *run) inWindow(t time.Time) bool {
	return !t.Before(r.start) && (r.end.IsZero() || t.Before(r.end))
}

func (r *run) all(pos position) {
	if pos.Done {
		return
	}
	streams, err := r.c.listStreams(r.ctx)
	if err != nil {
		r.Fail(fmt.Errorf("zulip: %w", err))
		return
	}
	for i := range streams {
		r.streams[streams[i].ID] = &streams[i]
	}
	for i := range streams {
		st := &streams[i]
		if st.ID < pos.Stream {
			continue
		}
		var resume position
		if st.ID == pos.Stream {
			resume = pos
		}
		ok := false
		if r.start.IsZero() {
			ok = r.stream(st, resume.Topic)
		} else {
			ok = r.pollStream(st, resume.After)
		}
		if !ok {
			return
		}
	}
	r.Checkpoint(position{Done: true})
}

// streamNodeID is a stream's node id: its narrow URL by id, which stays
// the same when the stream is renamed.
func (c *Connector) streamNodeID(id int64) string {
	return c.site + "/#narrow/channel/" + strconv.FormatInt(id, 10)
}

// topicID is a topic's document id: the stream's narrow URL and the topic
// name encoded as Zulip's web app encodes it (percent-encoding with "."
// for "%").
func (c *Connector) topicID(stream int64, topic string) string {
	return c.streamNodeID(stream) + "/topic/" + encodeHash(topic)
}

func encodeHash(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(url.PathEscape(s), ".", "%2E"), "%", ".")
}

func (r *run) stream(st *apiStream, after string) bool {
	var ts apiTopics
	path := "/users/me/" + strconv.FormatInt(st.ID, 10) + "/topics"
	if err := r.c.get(r.ctx, path, nil, &ts); err != nil {
		return r.Fail(fmt.Errorf("zulip: list topics of stream %d: %w", st.ID, err))
	}
	slices.SortFunc(ts.Topics, func(a, b apiTopic) int { return strings.Compare(a.Name, b.Name) })
	node := r.node(st)
	nodeSent := false
	for _, t := range ts.Topics {
		if t.Name <= after {
			continue
		}
		d, err := r.topic(st, t.Name)
		id := r.c.topicID(st.ID, t.Name)
		switch {
		case err != nil && terminal(err):
			return r.Fail(fmt.Errorf("zulip: topic %s: %w", id, err))
		case err != nil:
			if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err))) {
				return false
			}
		case d != nil:
			if !nodeSent {
				nodeSent = true
				if !r.Yield(tributary.NodeItem(node)) {
					return false
				}
			}
			if !r.Yield(tributary.DocumentItem(d)) {
				return false
			}
		}
		if !r.Checkpoint(position{Stream: st.ID, Topic: t.Name}) {
			return false
		}
	}
	return true
}

// node is a stream's hierarchy node.
func (r *run) node(st *apiStream) *tributary.HierarchyNode {
	return &tributary.HierarchyNode{ID: r.c.streamNodeID(st.ID), Name: st.Name, Link: r.c.streamNodeID(st.ID),
		Kind: tributary.NodeChannel, ExternalAccess: r.access(st)}
}

// access is who may see a stream's topics: anyone for a web-public stream,
// the organization's members for a public one, the subscribers of a
// private one. Nil when permissions were not asked for.
func (r *run) access(st *apiStream) *tributary.ExternalAccess {
	if !r.c.env.WantPermissions {
		return nil
	}
	switch {
	case st.WebPublic:
		return &tributary.ExternalAccess{Public: true}
	case st.InviteOnly:
		return &tributary.ExternalAccess{GroupIDs: []string{streamGroup(st.ID)}}
	}
	return &tributary.ExternalAccess{GroupIDs: []string{GroupOrg}}
}

// GroupOrg stands for every member of the organization (guests excluded),
// who may read every public stream.
const GroupOrg = "org"

func streamGroup(id int64) string { return "stream:" + strconv.FormatInt(id, 10) }

// messages reads a topic's newest messages, at most the settings' cap,
// oldest first.
func (r *run) messages(st *apiStream, topic string) ([]apiMessage, error) {
	narrow, _ := json.Marshal([]narrowTerm{{"channel", st.ID}, {"topic", topic}})
	limit := r.c.settings.MaxMessagesPerTopic
	var out []apiMessage
	anchor := "newest"
	for len(out) < limit {
		n := min(r.c.settings.PageSize, limit-len(out))
		q := url.Values{"anchor": {anchor}, "num_before": {strconv.Itoa(n)}, "num_after": {"0"},
			"narrow": {string(narrow)}, "apply_markdown": {"false"}}
		if anchor != "newest" {
			q.Set("include_anchor", "false")
		}
		var page apiMessages
		if err := r.c.get(r.ctx, "/messages", q, &page); err != nil {
			return nil, fmt.Errorf("read messages: %w", err)
		}
		if page.Messages == nil {
			return nil, malformed("messages", "the answer has no messages")
		}
		for i := range page.Messages {
			m := &page.Messages[i]
			if m.ID == 0 || m.Timestamp == 0 {
				return nil, malformed("messages", "a message without its id or time")
			}
			if len(out) > 0 && m.ID >= out[0].ID {
				return nil, malformed("messages", "the messages are not older than the anchor")
			}
		}
		out = append(slices.Clone(page.Messages), out...)
		if page.FoundOldest {
			break
		}
		if len(page.Messages) == 0 {
			return nil, malformed("messages", "an empty page that has not found the oldest message")
		}
		anchor = strconv.FormatInt(out[0].ID, 10)
	}
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out, nil
}

// topic makes a topic's document, or nil when it falls outside the window
// or has no message.
func (r *run) topic(st *apiStream, topic string) (*tributary.Document, error) {
	ms, err := r.messages(st, topic)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	return r.document(st, topic, ms, false), nil
}

// document makes a topic's document from its messages, oldest first; nil
// when it falls outside the window, unless anyTime is set.
func (r *run) document(st *apiStream, topic string, ms []apiMessage, anyTime bool) *tributary.Document {
	id := r.c.topicID(st.ID, topic)
	var updated time.Time
	for _, m := range ms {
		updated = maxTime(updated, time.Unix(m.Timestamp, 0), time.Unix(m.LastEdit, 0), time.Unix(m.LastMoved, 0))
	}
	updated = updated.UTC()
	if !anyTime && !r.inWindow(updated) {
		return nil
	}
	d := &tributary.Document{ID: id, Source: Source, Title: topic, SemanticID: "#" + st.Name + " > " + topic,
		ParentID: r.c.streamNodeID(st.ID), UpdatedAt: updated, ExternalAccess: r.access(st)}
	if r.slim {
		return d
	}
	// The creation time is the first message's when the topic's oldest
	// message was read; a capped topic has none.
	if len(ms) < r.c.settings.MaxMessagesPerTopic {
		d.CreatedAt = time.Unix(ms[0].Timestamp, 0).UTC()
	}
	owners := map[string]bool{}
	for _, m := range ms {
		link := id + "/near/" + strconv.FormatInt(m.ID, 10)
		d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionText, Link: link, Heading: m.SenderName, Text: m.Content})
		if m.SenderEmail != "" && !owners[m.SenderEmail] {
			owners[m.SenderEmail] = true
			p := tributary.Person{Email: m.SenderEmail, DisplayName: m.SenderName}
			if len(d.PrimaryOwners) == 0 {
				d.PrimaryOwners = append(d.PrimaryOwners, p)
			} else if len(d.SecondaryOwners) < 20 {
				d.SecondaryOwners = append(d.SecondaryOwners, p)
			}
		}
	}
	m := tributary.Metadata{}
	m.Add("stream", st.Name)
	m.Add("stream_id", strconv.FormatInt(st.ID, 10))
	m.Add("topic", topic)
	m.Add("messages", strconv.Itoa(len(ms)))
	d.Metadata = m
	return d
}

func maxTime(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.Unix() > 0 && t.After(out) {
			out = t
		}
	}
	return out
}
