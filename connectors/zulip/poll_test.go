package zulip

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/zulipemu"
)

// The generated organization's messages are a minute apart from past on,
// so nothing happens from past+1h until a test makes it happen.
var (
	later    = past.Add(2 * time.Hour)
	window   = [2]time.Time{past.Add(time.Hour), past.Add(3 * time.Hour)}
	streamOf = int64(10)
)

func pollFixture(t *testing.T) (*fixture, *Connector) {
	t.Helper()
	f := newFixture(t, smallGen, zulipemu.Options{})
	c, err := New(testSettings(), adminCredentials(), f.env())
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func poll(t *testing.T, c *Connector, start, end time.Time) connectortest.Collected {
	t.Helper()
	got := connectortest.Collect(c.LoadFromCheckpoint(context.Background(), start, end, nil))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	return got
}

func docIDs(c connectortest.Collected) []string {
	var ids []string
	for _, d := range c.Documents {
		ids = append(ids, d.ID)
	}
	return ids
}

// TestPollReadsOnlyTouchedTopics: a new message in an old topic makes a
// poll yield that topic alone, with all its messages, after reading one
// page of new messages per stream and that topic: no topic listing and no
// other topic.
func TestPollReadsOnlyTouchedTopics(t *testing.T) {
	f, c := pollFixture(t)
	f.emu.Update(func(d *zulipemu.Data) { d.Post(streamOf, "topic 0", d.Users[1].ID, "late news", later) })
	f.emu.ResetLog()
	got := poll(t, c, window[0], window[1])
	want := []string{c.topicID(streamOf, "topic 0")}
	if ids := docIDs(got); !slices.Equal(ids, want) {
		t.Fatalf("poll yielded %v, want %v", ids, want)
	}
	if n := len(got.Documents[0].Sections); n != 4 {
		t.Errorf("the topic has %d sections, want its 4 messages", n)
	}
	if len(got.Nodes) != 1 || got.Nodes[0].ID != c.streamNodeID(streamOf) {
		t.Errorf("nodes %v, want the one stream's", got.Nodes)
	}
	streams := len(f.data.Streams)
	if n := f.emu.Count("GET /api/v1/messages"); n != streams+1 {
		t.Errorf("%d message requests, want %d: one per stream and one for the touched topic", n, streams+1)
	}
	if n := f.emu.Count("GET /api/v1/users/me/{id}/topics"); n != 0 {
		t.Errorf("the poll listed topics %d times", n)
	}
	if got := poll(t, c, window[1], window[1].Add(time.Hour)); len(got.Documents) != 0 {
		t.Errorf("a quiet window yielded %v", docIDs(got))
	}
}

// TestPollPagesForwardFromTheBoundary: with pages of two messages, a poll
// over many new messages finds where the window starts, reads on from
// there in id order with a checkpoint after each page, yields each
// touched topic once, and a resume from a checkpoint goes on from its
// message id.
func TestPollPagesForwardFromTheBoundary(t *testing.T) {
	f := newFixture(t, smallGen, zulipemu.Options{})
	s := testSettings()
	s.PageSize = 2
	c, err := New(s, adminCredentials(), f.env())
	if err != nil {
		t.Fatal(err)
	}
	f.emu.Update(func(d *zulipemu.Data) {
		for i := range 9 {
			d.Post(streamOf, []string{"topic 0", "topic 2", "new"}[i%3], d.Users[0].ID, "more", later.Add(time.Duration(i)*time.Minute))
		}
	})
	got := poll(t, c, window[0], window[1])
	ids := docIDs(got)
	slices.Sort(ids)
	want := []string{c.topicID(streamOf, "new"), c.topicID(streamOf, "topic 0"), c.topicID(streamOf, "topic 2")}
	if !slices.Equal(ids, want) {
		t.Fatalf("poll yielded %v, want %v", ids, want)
	}
	var afters []int64
	for _, cp := range got.Checkpoints {
		pos, err := decodePosition(cp)
		if err != nil {
			t.Fatal(err)
		}
		if pos.After > 0 {
			afters = append(afters, pos.After)
		}
	}
	if len(afters) < 4 || !slices.IsSorted(afters) {
		t.Fatalf("checkpoints by message id %v, want one per page of two, in order", afters)
	}
	resumed := connectortest.Collect(c.LoadFromCheckpoint(context.Background(), window[0], window[1], got.Checkpoints[len(got.Checkpoints)-2]))
	if resumed.Err != nil || len(resumed.Documents) > 1 {
		t.Errorf("resumed near the end: %v, %v", docIDs(resumed), resumed.Err)
	}
}

// TestPollSeesRecentEditsOnly: an edit in the window of a message sent
// within the edit lookback before it re-emits its topic; an edit of a
// message sent long before is not seen by a poll, only by a full load.
func TestPollSeesRecentEditsOnly(t *testing.T) {
	f, c := pollFixture(t)
	var recent *zulipemu.Message
	f.emu.Update(func(d *zulipemu.Data) {
		recent = d.Post(streamOf, "fresh", d.Users[0].ID, "draft", later)
		recent.Edited = later.Add(5 * time.Minute)
		recent.Content = "final"
		d.Messages[0].Edited, d.Messages[0].Content = later.Add(5*time.Minute), "rewritten"
	})
	start := later.Add(time.Minute)
	got := poll(t, c, start, window[1])
	if ids := docIDs(got); !slices.Equal(ids, []string{c.topicID(streamOf, "fresh")}) {
		t.Fatalf("poll yielded %v, want the freshly edited topic only", ids)
	}
	if txt := got.Documents[0].Sections[0].Text; txt != "final" {
		t.Errorf("section text %q", txt)
	}
	old := c.topicID(f.data.Messages[0].StreamID, f.data.Messages[0].Subject)
	full := connectortest.Collect(c.LoadFromCheckpoint(context.Background(), start, time.Time{}, nil))
	if !slices.Contains(docIDs(full), c.topicID(streamOf, "fresh")) {
		t.Errorf("a window without an end missed the fresh topic")
	}
	all := load(t, f, testSettings())
	for _, d := range all.Documents {
		if d.ID == old && !d.UpdatedAt.Equal(later.Add(5*time.Minute)) {
			t.Errorf("a full load gives the old edited topic UpdatedAt %v", d.UpdatedAt)
		}
	}
}

// TestPollFollowsMoves: messages moved in the window to another topic make
// the poll yield the topic they went to, delete the topic they left when
// none is left in it, and yield it again, smaller, when some are.
func TestPollFollowsMoves(t *testing.T) {
	f, c := pollFixture(t)
	f.emu.Update(func(d *zulipemu.Data) {
		u := d.Users[0].ID
		d.Post(streamOf, "to rename", u, "a", later)
		d.Post(streamOf, "to rename", u, "b", later.Add(time.Minute))
		split := d.Post(streamOf, "to split", u, "c", later)
		d.Post(streamOf, "to split", u, "d", later.Add(time.Minute))
		d.MoveMessages(streamOf, "to rename", 0, streamOf, "renamed", later.Add(3*time.Minute), u)
		d.MoveMessages(streamOf, "to split", split.ID+1, streamOf+1, "split off", later.Add(3*time.Minute), u)
	})
	got := poll(t, c, later.Add(2*time.Minute), window[1])
	ids := docIDs(got)
	slices.Sort(ids)
	want := []string{c.topicID(streamOf, "renamed"), c.topicID(streamOf, "to split"), c.topicID(streamOf+1, "split off")}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("poll yielded %v, want %v", ids, want)
	}
	if !slices.Equal(got.Deletions, []string{c.topicID(streamOf, "to rename")}) {
		t.Errorf("deletions %v, want the renamed topic's old id", got.Deletions)
	}
	for _, d := range got.Documents {
		if d.ID == c.topicID(streamOf, "to split") && len(d.Sections) != 1 {
			t.Errorf("the split topic has %d sections, want the one left", len(d.Sections))
		}
	}
	nodes := map[string]bool{}
	for _, n := range got.Nodes {
		nodes[n.ID] = true
	}
	if !nodes[c.streamNodeID(streamOf+1)] {
		t.Errorf("the node of the stream a message moved to was not yielded: %v", got.Nodes)
	}
}

// TestMovedAndDeletedTopicsLeaveTheSlimListing: a poll does not see an old
// topic renamed or deleted, but the slim listing pruning reads no longer
// has it, and has the new name.
func TestMovedAndDeletedTopicsLeaveTheSlimListing(t *testing.T) {
	f, c := pollFixture(t)
	var gone []int64
	f.emu.Update(func(d *zulipemu.Data) {
		d.MoveMessages(streamOf, "topic 1", 0, streamOf, "topic one", later, d.Users[0].ID)
		for _, m := range d.Messages {
			if m.StreamID == streamOf && m.Subject == "topic 2" {
				gone = append(gone, m.ID)
			}
		}
		d.Delete(gone...)
	})
	if len(gone) == 0 {
		t.Fatal("the fixture has no topic 2")
	}
	ids := map[string]bool{}
	for d, err := range c.LoadSlim(context.Background(), time.Time{}, time.Time{}) {
		if err != nil {
			t.Fatal(err)
		}
		ids[d.ID] = true
	}
	if ids[c.topicID(streamOf, "topic 1")] || ids[c.topicID(streamOf, "topic 2")] || !ids[c.topicID(streamOf, "topic one")] {
		t.Errorf("slim ids after a rename and a deletion: %v", ids)
	}
}

// TestPollCheckpointAfterIsChecked: a poll checkpoint names a stream with
// its message id; one without a stream is refused.
func TestPollCheckpointAfterIsChecked(t *testing.T) {
	cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, position{After: 7})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodePosition(cp); err == nil {
		t.Error("a message id without its stream was accepted")
	}
}

// TestPollMalformedPages: a page of messages a poll reads out of id order, or an
// empty one that has not found the newest message, ends the poll with
// ErrMalformedResponse, never as transient and never looping.
func TestPollMalformedPages(t *testing.T) {
	at := later.Unix()
	for name, page := range map[string]map[string]any{
		"out of order": {"result": "success", "found_oldest": true, "found_newest": true,
			"messages": []any{map[string]any{"id": 9, "timestamp": at}, map[string]any{"id": 4, "timestamp": at}}},
		"empty, not the newest": {"result": "success", "found_oldest": false, "found_newest": false, "messages": []any{}},
		"no time":               {"result": "success", "found_newest": true, "messages": []any{map[string]any{"id": 9}}},
	} {
		t.Run(name, func(t *testing.T) {
			e := emulator.New(emulator.Options{})
			t.Cleanup(e.Close)
			e.Handle("GET /api/v1/streams", func(w http.ResponseWriter, _ *http.Request) {
				emulator.WriteJSON(w, 200, map[string]any{"result": "success", "streams": []any{map[string]any{"stream_id": 10, "name": "s"}}})
			})
			e.Handle("GET /api/v1/messages", func(w http.ResponseWriter, _ *http.Request) { emulator.WriteJSON(w, 200, page) })
			c, err := New(testSettings(), adminCredentials(), tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: e.Transport()}})
			if err != nil {
				t.Fatal(err)
			}
			got := connectortest.Collect(c.LoadFromCheckpoint(context.Background(), window[0], window[1], nil))
			if !errors.Is(got.Err, tributary.ErrMalformedResponse) || errors.Is(got.Err, tributary.ErrTransient) {
				t.Errorf("got %v", got.Err)
			}
		})
	}
}
