package teams

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// memValues is a tributary.Values that stores puts at once.
type memValues struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (v *memValues) Get(_ context.Context, keys []string) (map[string][]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[string][]byte{}
	for _, k := range keys {
		if b, ok := v.m[k]; ok {
			out[k] = b
		}
	}
	return out, nil
}

func (v *memValues) Put(key string, value []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = map[string][]byte{}
	}
	v.m[key] = slices.Clone(value)
}

var small = graphemu.TeamsOptions{Threads: 9, Replies: 2, Seed: 4}

func ids(docs []*tributary.Document) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.ID)
	}
	slices.Sort(out)
	return out
}

// TestDeltaBetweenRuns edits, deletes and posts messages between runs:
// the poll after a full load continues the channel's delta from the link
// the load stored, so it yields the deleted thread as a deletion, the
// edited and the new thread (with a reply posted to the edited one), and
// reads nothing else again. A reply to a thread whose root did not change
// is not in the delta (Graph's delta names root messages only); a poll
// without Values, which reads every thread's replies, finds it.
func TestDeltaBetweenRuns(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{PageSize: 4})
	s := f.settings()
	s.PageSize = 4
	c := f.connector(t, s)
	vals := &memValues{}
	ctx := tributary.WithValues(t.Context(), vals)
	first := collect(ctx, c, zero, zero, nil)
	want := expectedIDs(f.data, zero, zero)
	if first.Err != nil || !slices.Equal(ids(first.Documents), want) {
		t.Fatalf("load: %v, %d documents, want %d", first.Err, len(first.Documents), len(want))
	}
	team, ch := f.data.Teams[0], f.data.Teams[0].Channels[0]
	key := deltaKey(team.ID, ch.ID)
	if len(vals.m) != 1 || !strings.Contains(string(vals.m[key]), "/messages/delta?$deltatoken=") {
		t.Fatalf("stored values %v", slices.Collect(maps.Keys(vals.m)))
	}
	msgs := ch.Messages
	edited, deleted, quiet := msgs[0], msgs[2], msgs[3]
	start := time.Now().Add(-time.Second)
	var posted *graphemu.Message
	f.emu.Update(func(d *graphemu.Data) {
		d.EditMessage(team.ID, ch.ID, edited.ID, "", "<p>Edited <b>text</b></p>")
		d.Reply(team.ID, ch.ID, edited.ID, &graphemu.Message{From: d.Users[1].ID, HTML: "<p>A late reply</p>"})
		d.DeleteMessage(team.ID, ch.ID, deleted.ID, "")
		d.Reply(team.ID, ch.ID, quiet.ID, &graphemu.Message{From: d.Users[2].ID, HTML: "<p>Unseen by the delta</p>"})
		posted = d.Post(team.ID, ch.ID, &graphemu.Message{From: d.Users[0].ID, HTML: "<p>A new thread</p>"})
	})
	poll := collect(ctx, c, start, time.Now().Add(time.Hour), nil)
	if poll.Err != nil {
		t.Fatal(poll.Err)
	}
	wantDocs := []string{threadID(team.ID, ch.ID, edited.ID), threadID(team.ID, ch.ID, posted.ID)}
	slices.Sort(wantDocs)
	if got := ids(poll.Documents); !slices.Equal(got, wantDocs) {
		t.Fatalf("poll documents %v, want %v", got, wantDocs)
	}
	if !slices.Equal(poll.Deletions, []string{threadID(team.ID, ch.ID, deleted.ID)}) {
		t.Fatalf("poll deletions %v", poll.Deletions)
	}
	for _, d := range poll.Documents {
		if d.ID == wantDocs[0] || d.ID == wantDocs[1] {
			text := d.Sections[0].Text
			if d.ID == threadID(team.ID, ch.ID, edited.ID) && (!strings.Contains(text, "Edited text") || len(d.Sections) < 2 ||
				!strings.Contains(d.Sections[len(d.Sections)-1].Text, "A late reply")) {
				t.Errorf("edited thread: %+v", d.Sections)
			}
		}
	}
	// Without Values the poll reads every thread and finds the reply to
	// the unchanged one.
	plain := collect(t.Context(), c, start, time.Now().Add(time.Hour), nil)
	if plain.Err != nil || !slices.Contains(ids(plain.Documents), threadID(team.ID, ch.ID, quiet.ID)) {
		t.Fatalf("poll without values: %v, %v", plain.Err, ids(plain.Documents))
	}
}

// A deleted reply is an edit of its thread: the next read leaves it out
// and the thread's time moves to the deletion.
func TestDeletedReply(t *testing.T) {
	f := newFixture(t, graphemu.TeamsOptions{Threads: 1, Seed: 1}, graphemu.Options{})
	team, ch := f.data.Teams[0], f.data.Teams[0].Channels[0]
	root := ch.Messages[0]
	var r1, r2 *graphemu.Message
	f.emu.Update(func(d *graphemu.Data) {
		r1 = d.Reply(team.ID, ch.ID, root.ID, &graphemu.Message{From: d.Users[0].ID, Created: root.Created.Add(time.Minute), HTML: "<p>first</p>"})
		r2 = d.Reply(team.ID, ch.ID, root.ID, &graphemu.Message{From: d.Users[1].ID, Created: root.Created.Add(2 * time.Minute), HTML: "<p>second</p>"})
	})
	c := f.connector(t, f.settings())
	before := collect(t.Context(), c, zero, zero, nil)
	if before.Err != nil || len(before.Documents) != 1 || len(before.Documents[0].Sections) != 3 {
		t.Fatalf("before: %v %+v", before.Err, before.Documents)
	}
	f.emu.Update(func(d *graphemu.Data) { d.DeleteMessage(team.ID, ch.ID, root.ID, r1.ID) })
	after := collect(t.Context(), c, zero, zero, nil)
	if after.Err != nil || len(after.Documents) != 1 {
		t.Fatalf("after: %v", after.Err)
	}
	d := after.Documents[0]
	if len(d.Sections) != 2 || !strings.Contains(d.Sections[1].Text, "second") || !d.UpdatedAt.After(before.Documents[0].UpdatedAt) {
		t.Fatalf("after deleting a reply: %+v, updated %v", d.Sections, d.UpdatedAt)
	}
	_ = r2
}

// TestExpiredDeltaToken: a stored delta link Graph no longer takes (410)
// reads the channel again instead of failing.
func TestExpiredDeltaToken(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{})
	c := f.connector(t, f.settings())
	vals := &memValues{}
	ctx := tributary.WithValues(t.Context(), vals)
	if got := collect(ctx, c, zero, zero, nil); got.Err != nil {
		t.Fatal(got.Err)
	}
	team, ch := f.data.Teams[0], f.data.Teams[0].Channels[0]
	f.emu.Update(func(d *graphemu.Data) { d.ExpireMessageDeltaTokens(team.ID, ch.ID) })
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	poll := collect(ctx, c, start, zero, nil)
	if poll.Err != nil || !slices.Equal(ids(poll.Documents), expectedIDs(f.data, zero, zero)) {
		t.Fatalf("poll after 410: %v, %d documents", poll.Err, len(poll.Documents))
	}
	gone := 0
	for _, r := range f.emu.Requests() {
		if r.Status == http.StatusGone {
			gone++
		}
	}
	if gone != 1 {
		t.Fatalf("%d answers 410", gone)
	}
}

// TestDeltaRefused: a channel that refuses its delta query is read through
// its message listing, with the same threads.
func TestDeltaRefused(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{PageSize: 3})
	f.emu.Update(func(d *graphemu.Data) { d.Teams[0].Channels[0].NoDelta = true })
	c := f.connector(t, f.settings())
	vals := &memValues{}
	got := collect(tributary.WithValues(t.Context(), vals), c, zero, zero, nil)
	if got.Err != nil || !slices.Equal(ids(got.Documents), expectedIDs(f.data, zero, zero)) {
		t.Fatalf("load: %v, %d documents", got.Err, len(got.Documents))
	}
	if len(vals.m) != 0 {
		t.Fatalf("a delta link was stored for a channel without delta: %v", vals.m)
	}
	listed := 0
	for _, r := range f.emu.Requests() {
		if strings.HasSuffix(r.Path, "/messages") && r.Status == http.StatusOK {
			listed++
		}
	}
	if listed < 3 {
		t.Fatalf("%d pages of the message listing", listed)
	}
}

// TestBatchThrottled: requests of a $batch answered 429 inside the batch
// are asked again alone, after the wait Graph names; nothing fails.
func TestBatchThrottled(t *testing.T) {
	synctestRun(t, func(t *testing.T) {
		f := newFixture(t, graphemu.TeamsOptions{Threads: 6, Replies: 2, Seed: 8}, graphemu.Options{})
		f.emu.FailNextCode("GET /v1.0/teams/{team}/channels/{channel}/messages/{message}/replies", 3, graphemu.Throttled)
		c := f.connector(t, f.settings())
		got := collect(t.Context(), c, zero, zero, nil)
		if got.Err != nil || len(got.Failures) != 0 || !slices.Equal(ids(got.Documents), expectedIDs(f.data, zero, zero)) {
			t.Fatalf("load: %v, failures %v, %d documents", got.Err, got.Failures, len(got.Documents))
		}
		throttled, batches := 0, 0
		for _, r := range f.emu.Requests() {
			switch {
			case r.Status == http.StatusTooManyRequests:
				throttled++
			case r.Path == "/v1.0/$batch":
				batches++
			}
		}
		if throttled != 3 || batches == 0 {
			t.Fatalf("%d throttled requests, %d batches", throttled, batches)
		}
	})
}

// TestPaging: message listings are asked for at most 50 a page, the delta
// is followed through @odata.nextLink with a checkpoint after each page,
// and replies over a page are followed too.
func TestPaging(t *testing.T) {
	f := newFixture(t, graphemu.TeamsOptions{Threads: 11, Seed: 2}, graphemu.Options{PageSize: 2})
	team, ch := f.data.Teams[0], f.data.Teams[0].Channels[0]
	root := ch.Messages[0]
	f.emu.Update(func(d *graphemu.Data) {
		for i := range 5 {
			d.Reply(team.ID, ch.ID, root.ID, &graphemu.Message{From: d.Users[0].ID, Created: root.Created.Add(time.Duration(i+1) * time.Minute),
				HTML: "<p>reply</p>"})
		}
	})
	c := f.connector(t, f.settings())
	got := collect(t.Context(), c, zero, zero, nil)
	if got.Err != nil || len(got.Documents) != len(expectedIDs(f.data, zero, zero)) {
		t.Fatalf("load: %v, %d documents", got.Err, len(got.Documents))
	}
	if len(got.Checkpoints) < 5 {
		t.Fatalf("%d checkpoints over 6 pages", len(got.Checkpoints))
	}
	for _, d := range got.Documents {
		if d.ID == threadID(team.ID, ch.ID, root.ID) && len(d.Sections) != 6 {
			t.Fatalf("thread with 5 replies over 3 pages has %d sections", len(d.Sections))
		}
	}
	for _, r := range f.emu.Requests() {
		if r.Status == http.StatusBadRequest {
			t.Fatalf("refused request %s %s", r.Method, r.Path)
		}
	}
	for _, cp := range got.Checkpoints {
		if len(cp) > 1024 {
			t.Fatalf("checkpoint of %d bytes", len(cp))
		}
	}
}

// TestPermissions: a missing application permission is
// ErrInsufficientPermissions naming it, in Validate, in a load's failures
// and in Probe.
func TestPermissions(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{})
	f.emu.SetRoles(testClient, graphemu.ChannelReadBasicAll, graphemu.ChannelMessageReadAll)
	c := f.connector(t, f.settings())
	err := c.Validate(t.Context())
	if !errors.Is(err, tributary.ErrInsufficientPermissions) || !strings.Contains(err.Error(), PermTeams) {
		t.Fatalf("validate without Team.ReadBasic.All: %v", err)
	}
	f.emu.SetRoles(testClient, graphemu.TeamReadBasicAll, graphemu.ChannelReadBasicAll)
	c = f.connector(t, f.settings())
	got := collect(t.Context(), c, zero, zero, nil)
	if got.Err != nil || len(got.Documents) != 0 || len(got.Failures) == 0 {
		t.Fatalf("load without ChannelMessage.Read.All: %v, %d documents, %d failures", got.Err, len(got.Documents), len(got.Failures))
	}
	for _, fl := range got.Failures {
		if !errors.Is(fl, tributary.ErrInsufficientPermissions) || !strings.Contains(fl.Error(), PermMessages) {
			t.Fatalf("failure %v", fl)
		}
	}
	res := c.Probe(t.Context())
	if res[0].Status != tributary.ProbeFailed || !slices.Equal(res[0].Missing, []string{PermMessages}) {
		t.Fatalf("probe: %+v", res)
	}
	if res[1].Status != tributary.ProbeFailed || res[2].Status != tributary.ProbeFailed {
		t.Fatalf("probe of access and groups: %+v", res)
	}
	f.emu.SetRoles(testClient, allRoles...)
	c = f.connector(t, f.settings())
	for _, r := range c.Probe(t.Context()) {
		if r.Status != tributary.ProbePassed {
			t.Fatalf("probe with every permission: %+v", r)
		}
	}
}
