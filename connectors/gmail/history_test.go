package gmail

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// memValues is a host's Values kept in memory.
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

// visibleThreads returns the ids of a mailbox's threads with a message
// outside the spam and the trash, in the order their first message came.
func visibleThreads(mb *googleemu.Mailbox) []string {
	var out []string
	for _, m := range mb.Messages() {
		if !slices.Contains(m.LabelIDs, googleemu.LabelSpam) && !slices.Contains(m.LabelIDs, googleemu.LabelTrash) &&
			!slices.Contains(out, m.ThreadID) {
			out = append(out, m.ThreadID)
		}
	}
	return out
}

// Polls read the history from the id the full load stored: a thread
// deleted, one moved to the trash and one reported as spam are deletions,
// though no window lists them; a thread that lost its latest message and
// one given a label are yielded again with what changed; a thread with a
// new message comes from the window's listing, once.
func TestPollReadsHistoryForDeletionsAndChanges(t *testing.T) {
	f := newFixture(t, generate(2, 12, false), googleemu.Options{})
	c := f.connector(t, f.settings())
	vals := &memValues{}
	ctx := tributary.WithValues(t.Context(), vals)
	full := collect(ctx, c, time.Time{}, time.Time{}, nil)
	require.NoError(t, full.Err)
	require.Contains(t, vals.m, historyKey(f.admin()))

	email := f.admin()
	var threads []string
	var shrunk string
	now := time.Now().UTC().Truncate(time.Second)
	f.emu.Update(func(d *googleemu.Data) {
		mb := d.Mailbox(email)
		threads = visibleThreads(mb)
		mb.DeleteThread(threads[0])
		mb.AddLabels(threads[1], googleemu.LabelTrash)
		mb.AddLabels(threads[2], googleemu.LabelSpam)
		mb.AddLabels(threads[3], "Label_2")
		for _, id := range threads[4:] {
			if ms := mb.Thread(id); len(ms) > 1 {
				shrunk = id
				mb.Delete(ms[len(ms)-1].ID)
				break
			}
		}
		raw := googleemu.Mail{From: "partner@vendor.test", To: []string{email}, Subject: "Re: news", Date: now, Text: "A reply."}.Build()
		mb.Add(threads[5], now, raw, googleemu.LabelInbox)
	})
	require.NotEmpty(t, shrunk)
	poll := collect(ctx, c, now.Add(-time.Hour), now.Add(time.Hour), nil)
	require.NoError(t, poll.Err)
	require.Empty(t, poll.Failures)
	require.ElementsMatch(t, []string{threadID(email, threads[0]), threadID(email, threads[1]), threadID(email, threads[2])}, poll.Deletions)
	byID := map[string]*tributary.Document{}
	for _, d := range poll.Documents {
		require.NotContains(t, byID, d.ID, "yielded once")
		byID[d.ID] = d
	}
	require.Contains(t, byID[threadID(email, threads[3])].Metadata["labels"], "Receipts")
	require.Contains(t, byID, threadID(email, shrunk))
	require.Equal(t, now, byID[threadID(email, threads[5])].UpdatedAt)
	require.Len(t, byID, 3, "the other mailbox did not change")

	// The next poll starts from the id this one stored: nothing again.
	again := collect(ctx, c, now.Add(time.Hour), now.Add(2*time.Hour), nil)
	require.NoError(t, again.Err)
	require.Empty(t, again.Deletions)
	require.Empty(t, again.Documents)
}

// Gmail keeps history for a while only, and answers 404 for an id it no
// longer has: the poll reads on from the mailbox's current id, without an
// error or a failure, and the next poll sees the changes made after it.
func TestExpiredHistoryReadsOnFromNow(t *testing.T) {
	f := newFixture(t, generate(1, 6, true), googleemu.Options{})
	c := f.connector(t, f.settings())
	vals := &memValues{}
	ctx := tributary.WithValues(t.Context(), vals)
	require.NoError(t, collect(ctx, c, time.Time{}, time.Time{}, nil).Err)
	email := f.admin()
	var threads []string
	f.emu.Update(func(d *googleemu.Data) {
		mb := d.Mailbox(email)
		threads = visibleThreads(mb)
		mb.DeleteThread(threads[0])
		mb.ExpireHistory()
	})
	now := time.Now()
	poll := collect(ctx, c, now.Add(-time.Hour), now, nil)
	require.NoError(t, poll.Err)
	require.Empty(t, poll.Failures)
	require.Empty(t, poll.Deletions, "missed until a prune")
	f.emu.Update(func(d *googleemu.Data) { d.Mailbox(email).DeleteThread(threads[1]) })
	poll = collect(ctx, c, now, now.Add(time.Hour), nil)
	require.NoError(t, poll.Err)
	require.Equal(t, []string{threadID(email, threads[1])}, poll.Deletions)
}

// A poll resumed from a checkpoint taken inside the history listing
// loses nothing: every change is delivered by the two ranges together.
func TestHistoryResumesFromItsCheckpoint(t *testing.T) {
	f := newFixture(t, generate(1, 20, true), googleemu.Options{})
	s := f.settings()
	s.PageSize = 2
	c := f.connector(t, s)
	vals := &memValues{}
	ctx := tributary.WithValues(t.Context(), vals)
	require.NoError(t, collect(ctx, c, time.Time{}, time.Time{}, nil).Err)
	email := f.admin()
	var want []string
	f.emu.Update(func(d *googleemu.Data) {
		mb := d.Mailbox(email)
		for _, id := range visibleThreads(mb)[:7] {
			mb.DeleteThread(id)
			want = append(want, threadID(email, id))
		}
	})
	now := time.Now()
	var got []string
	var cp tributary.Checkpoint
	for it, err := range c.LoadFromCheckpoint(ctx, now.Add(-time.Hour), now, nil) {
		require.NoError(t, err)
		if it.Deletion != "" {
			got = append(got, it.Deletion)
		}
		if it.Checkpoint != nil && strings.Contains(string(it.Checkpoint), "history_page") {
			cp = it.Checkpoint
			break
		}
	}
	require.NotNil(t, cp, "a checkpoint inside the history listing")
	rest := collect(ctx, c, now.Add(-time.Hour), now, cp)
	require.NoError(t, rest.Err)
	got = append(got, rest.Deletions...)
	slices.Sort(got)
	slices.Sort(want)
	require.Equal(t, want, slices.Compact(got))
}
