package zulip

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// narrowTerm is one term of a GET /messages narrow.
type narrowTerm struct {
	Operator string `json:"operator"`
	Operand  any    `json:"operand"`
}

func streamNarrow(id int64) string {
	b, _ := json.Marshal([]narrowTerm{{"channel", id}})
	return string(b)
}

// topicKey names a topic: Zulip compares topic names without case.
type topicKey struct {
	stream int64
	topic  string
}

func keyOf(stream int64, topic string) topicKey {
	return topicKey{stream: stream, topic: strings.ToLower(topic)}
}

// seenAs is how far a poll got with a topic it read.
type seenAs int

const (
	seenRead    seenAs = iota + 1 // read, outside the window
	seenYielded                   // yielded, as a document or a deletion
)

// maxSeen bounds the topics a poll remembers having read; past it, a topic
// touched again may be read and yielded again, which costs a request but
// loses nothing.
const maxSeen = 10000

// touch is a topic that a message touched in the window: a message of it
// was sent, edited or moved into it then, or (moved) a message left it.
type touch struct {
	stream int64
	topic  string
	moved  bool
}

// pollStream reads the messages of one stream that a window with a start
// may have touched: those sent since the window's start less the edit
// lookback, in id order from after (the last one read, or else the
// boundary it finds), and re-reads the topics they touch, each in full as
// Load reads it. A checkpoint follows every page of messages.
func (r *run) pollStream(st *apiStream, after int64) bool {
	narrow := streamNarrow(st.ID)
	fail := func(err error) bool {
		return r.Fail(fmt.Errorf("zulip: read the new messages of stream %d: %w", st.ID, err))
	}
	if after == 0 {
		b, head, whole, err := r.boundary(narrow)
		if err != nil {
			return fail(err)
		}
		if whole {
			if _, ok := r.touchPage(st, head); !ok {
				return false
			}
			if len(head) == 0 {
				return true
			}
			return r.Checkpoint(position{Stream: st.ID, After: head[len(head)-1].ID})
		}
		after = b
	}
	for {
		q := url.Values{"anchor": {strconv.FormatInt(after, 10)}, "include_anchor": {"false"}, "num_before": {"0"},
			"num_after": {strconv.Itoa(r.c.settings.PageSize)}, "narrow": {narrow}, "apply_markdown": {"false"}}
		var page apiMessages
		if err := r.c.get(r.ctx, "/messages", q, &page); err != nil {
			return fail(err)
		}
		if err := checkAscending(page.Messages, after); err != nil {
			return fail(err)
		}
		past, ok := r.touchPage(st, page.Messages)
		if !ok {
			return false
		}
		if n := len(page.Messages); n > 0 {
			after = page.Messages[n-1].ID
			if !r.Checkpoint(position{Stream: st.ID, After: after}) {
				return false
			}
		}
		switch {
		case page.FoundNewest || past:
			return true
		case len(page.Messages) == 0:
			return fail(malformed("messages", "an empty page that has not found the newest message"))
		}
	}
}

// checkAscending reports a page of messages that is not in id order after
// the anchor, or a message without its id or time.
func checkAscending(ms []apiMessage, after int64) error {
	if ms == nil {
		return malformed("messages", "the answer has no messages")
	}
	prev := after
	for _, m := range ms {
		if m.ID == 0 || m.Timestamp == 0 {
			return malformed("messages", "a message without its id or time")
		}
		if m.ID <= prev {
			return malformed("messages", "the messages are not in id order after the anchor")
		}
		prev = m.ID
	}
	return nil
}

// boundary finds where a poll starts reading a stream: the newest message
// sent before the window's start less the edit lookback (zero when there
// is none), reading backwards from the newest message. When the first
// page reaches back that far, its newer messages are all the stream has
// after the boundary: boundary returns them, and whole is set.
func (r *run) boundary(narrow string) (after int64, head []apiMessage, whole bool, err error) {
	from := r.start.Add(-r.c.settings.editLookback())
	anchor := "newest"
	var oldest int64
	for first := true; ; first = false {
		q := url.Values{"anchor": {anchor}, "num_before": {strconv.Itoa(r.c.settings.PageSize)}, "num_after": {"0"},
			"narrow": {narrow}, "apply_markdown": {"false"}}
		if !first {
			q.Set("include_anchor", "false")
		}
		var page apiMessages
		if err := r.c.get(r.ctx, "/messages", q, &page); err != nil {
			return 0, nil, false, err
		}
		ms := page.Messages
		if err := checkAscending(ms, 0); err != nil {
			return 0, nil, false, err
		}
		if !first && len(ms) > 0 && ms[len(ms)-1].ID >= oldest {
			return 0, nil, false, malformed("messages", "the messages are not older than the anchor")
		}
		j := len(ms) - 1
		for j >= 0 && !time.Unix(ms[j].Timestamp, 0).Before(from) {
			j--
		}
		switch {
		case j >= 0 && first:
			return ms[j].ID, ms[j+1:], true, nil
		case j >= 0:
			return ms[j].ID, nil, false, nil
		case page.FoundOldest:
			return 0, ms, first, nil
		case len(ms) == 0:
			return 0, nil, false, malformed("messages", "an empty page that has not found the oldest message")
		}
		oldest = ms[0].ID
		anchor = strconv.FormatInt(oldest, 10)
	}
}

// touchPage re-reads the topics that a page of messages touches in the
// window, in the order they are first touched: a message sent, edited or
// moved in the window touches its topic, and a move in the window (from
// the message's edit history) touches the topic it left too. It stops at
// the first message sent at or after the window's end and reports whether
// it met one.
func (r *run) touchPage(st *apiStream, ms []apiMessage) (past, ok bool) {
	var touched []touch
	at := map[topicKey]int{}
	add := func(t touch) {
		k := keyOf(t.stream, t.topic)
		if i, dup := at[k]; dup {
			touched[i].moved = touched[i].moved || t.moved
			return
		}
		at[k] = len(touched)
		touched = append(touched, t)
	}
	for i := range ms {
		m := &ms[i]
		if !r.end.IsZero() && !time.Unix(m.Timestamp, 0).Before(r.end) {
			past = true
			break
		}
		if r.inWindow(unix(m.Timestamp)) || r.inWindow(unix(m.LastEdit)) || r.inWindow(unix(m.LastMoved)) {
			add(touch{stream: st.ID, topic: m.Subject})
		}
		// The history lists edits newest first: each move's previous
		// place is where the next older one left the message.
		stream, topic := st.ID, m.Subject
		for _, e := range m.EditHistory {
			prev := cmp.Or(e.PrevTopic, e.PrevSubject)
			if prev == "" && e.PrevStream == 0 {
				continue
			}
			stream, topic = cmp.Or(e.PrevStream, stream), cmp.Or(prev, topic)
			if r.inWindow(unix(e.Timestamp)) {
				add(touch{stream: stream, topic: topic, moved: true})
			}
		}
	}
	for _, t := range touched {
		if !r.reread(t) {
			return past, false
		}
	}
	return past, true
}

func unix(secs int64) time.Time {
	if secs <= 0 {
		return time.Time{}
	}
	return time.Unix(secs, 0).UTC()
}

// reread reads a touched topic in full, as Load does, and yields it when
// it is in the window. A topic a message left is yielded whatever its
// time, since it changed, and is deleted when no message is left in it.
func (r *run) reread(t touch) bool {
	k := keyOf(t.stream, t.topic)
	if s := r.seen[k]; s == seenYielded || s == seenRead && !t.moved {
		return true
	}
	st := r.streams[t.stream]
	if st == nil {
		// A stream the account does not read: nothing of it is indexed.
		return true
	}
	id := r.c.topicID(st.ID, t.topic)
	ms, err := r.messages(st, t.topic)
	switch {
	case err != nil && terminal(err):
		return r.Fail(fmt.Errorf("zulip: topic %s: %w", id, err))
	case err != nil:
		r.remember(k, seenYielded)
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	case len(ms) == 0 && t.moved:
		r.remember(k, seenYielded)
		return r.Yield(tributary.DeletionItem(id))
	case len(ms) == 0:
		return true
	}
	d := r.document(st, t.topic, ms, t.moved)
	if d == nil {
		r.remember(k, seenRead)
		return true
	}
	r.remember(k, seenYielded)
	if !r.nodes[st.ID] {
		r.nodes[st.ID] = true
		if !r.Yield(tributary.NodeItem(r.node(st))) {
			return false
		}
	}
	return r.Yield(tributary.DocumentItem(d))
}

func (r *run) remember(k topicKey, s seenAs) {
	if len(r.seen) >= maxSeen {
		clear(r.seen)
	}
	r.seen[k] = s
}
