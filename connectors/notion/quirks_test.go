package notion

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/notionemu"
)

// Notion allows three requests a second on average and answers more with
// 429 and Retry-After in seconds: the client paces itself and waits out
// what the server asks, and every document still arrives. The limit's
// waits pass in fake time.
func TestRateLimitRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, notionemu.GenerateOptions{Pages: 30, Databases: 1, Rows: 10, Plain: true, Seed: 3},
			notionemu.Options{RateLimit: true, Burst: 5})
		f.emu.FailEvery("*", 7, notionemu.RateLimited)
		s := f.settings()
		s.PageSize = 10
		// A client faster than Notion allows meets the server's limit.
		c, err := newConnector(s, f.credentials(), f.env(), options{retry: httpx.RetryPolicy{MaxAttempts: 10}, rate: 50})
		require.NoError(t, err)
		got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, expectedIDs(f.data, time.Time{}, time.Time{}), got.IDs())
		assert.Greater(t, f.emu.CountStatus(http.StatusTooManyRequests), 5)
		limited := 0
		for _, r := range f.emu.Requests() {
			if r.Status == http.StatusTooManyRequests && r.Fault == "" {
				limited++
			}
		}
		assert.Positive(t, limited, "the server's own limit answered 429 too, not only the injected faults")
		f.emu.Close()
	})
}

// The default pace is Notion's average of three requests a second.
func TestDefaultPaceIsThreeASecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, notionemu.GenerateOptions{Pages: 12, Plain: true, Seed: 4}, notionemu.Options{RateLimit: true, Burst: 10})
		s := f.settings()
		s.RequestsPerSecond = 0 // the default
		c, err := New(s, f.credentials(), f.env())
		require.NoError(t, err)
		got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Len(t, got.Documents, 12)
		assert.Zero(t, f.emu.CountStatus(http.StatusTooManyRequests), "a client at three a second is never refused")
		f.emu.Close()
	})
}

// queryBodies returns the bodies of the database queries sent.
func queryBodies(t *testing.T, emu *notionemu.Server) []map[string]any {
	var out []map[string]any
	for _, r := range emu.Requests() {
		if r.Pattern != "POST /v1/databases/{id}/query" || r.Status != http.StatusOK {
			continue
		}
		var b map[string]any
		require.NoError(t, json.Unmarshal(r.Body, &b))
		out = append(out, b)
	}
	return out
}

// Notion compares a filter's times to the minute: the row query's bounds
// are rounded outwards and the rows filtered exactly, so a row edited in
// the window's first minute but before its start stays out, and one in
// its last minute before its end comes in.
func TestRowWindowRoundsToTheMinute(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 1, Databases: 1, Rows: 3, Plain: true, Seed: 5}, notionemu.Options{})
	base := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	f.emu.Update(func(d *notionemu.Data) {
		for i, p := range d.Pages[1:] {
			p.Edited = base.Add(time.Duration(i) * time.Minute).Add(10 * time.Second) // reported 10:00, 10:01, 10:02
		}
	})
	c := f.connector(t, f.settings())
	start, end := base.Add(30*time.Second), base.Add(2*time.Minute+30*time.Second) // [10:00:30, 10:02:30)
	got := collect(t.Context(), c, start, end, nil)
	require.NoError(t, got.Err)
	assert.ElementsMatch(t, []string{docID(f.data.Pages[2]), docID(f.data.Pages[3])}, got.IDs(),
		"10:00 is before the start; 10:01 and 10:02 are inside")
	bodies := queryBodies(t, f.emu)
	require.Len(t, bodies, 1)
	filter, _ := json.Marshal(bodies[0]["filter"])
	assert.JSONEq(t, `{"and":[{"timestamp":"last_edited_time","last_edited_time":{"on_or_after":"2025-03-01T10:00:00.000Z"}},`+
		`{"timestamp":"last_edited_time","last_edited_time":{"before":"2025-03-01T10:03:00.000Z"}}]}`, string(filter))
	sorts, _ := json.Marshal(bodies[0]["sorts"])
	assert.JSONEq(t, `[{"timestamp":"last_edited_time","direction":"ascending"}]`, string(sorts))
}

// Block children come a page at a time: a page of blocks larger than the
// page size reads the same as with one page.
func TestBlockChildrenPaging(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 2, Seed: 6}, notionemu.Options{})
	want := collect(t.Context(), f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.NoError(t, want.Err)
	s := f.settings()
	s.PageSize = 2
	f.emu.ResetLog()
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, len(want.Documents))
	for i := range got.Documents {
		assert.Equal(t, want.Documents[i].ContentHash(), got.Documents[i].ContentHash())
	}
	cursors := 0
	for _, r := range f.emu.Requests() {
		if r.Pattern == "GET /v1/blocks/{id}/children" && bytes.Contains([]byte(r.Query), []byte("start_cursor=")) {
			cursors++
		}
	}
	assert.Greater(t, cursors, 4, "the children were read page by page")
}

// A cursor Notion no longer accepts (400 validation_error) starts the
// search again, skipping what is newer than the last page passed: nothing
// after the checkpoint is lost.
func TestRefusedCursorStartsAgainFromTheTimePassed(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 20, Databases: 1, Rows: 8, Plain: true, Seed: 7}, notionemu.Options{})
	s := f.settings()
	s.PageSize = 3
	c := f.connector(t, s)
	all := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, all.Err)
	for i, cp := range all.Checkpoints {
		pos, err := decodePosition(cp)
		require.NoError(t, err)
		if pos.Cursor == "" && pos.Rows == "" {
			continue
		}
		if pos.Cursor != "" {
			pos.Cursor = "bogus" + pos.Cursor
		}
		if pos.Rows != "" {
			pos.Rows = "bogus" + pos.Rows
		}
		bad, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, pos)
		require.NoError(t, err)
		rest := collect(t.Context(), c, time.Time{}, time.Time{}, bad)
		require.NoError(t, rest.Err, "checkpoint %d", i)
		want := collect(t.Context(), c, time.Time{}, time.Time{}, cp)
		assert.Subset(t, rest.IDs(), want.IDs(), "checkpoint %d: resuming with a refused cursor lost documents", i)
	}
}

// A search that does not keep its order is read to its end rather than
// stopped at the first page past the window's start.
func TestUnsortedSearchIsReadToTheEnd(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 30, Plain: true, Seed: 8}, notionemu.Options{IgnoreSort: true})
	var logs bytes.Buffer
	env := f.env()
	env.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	s := f.settings()
	s.PageSize = 5
	c, err := newConnector(s, f.credentials(), env, fast)
	require.NoError(t, err)
	times := editTimes(f.data)
	start, end := times[10], times[20]
	got := collect(t.Context(), c, start, end, nil)
	require.NoError(t, got.Err)
	assert.Equal(t, expectedIDs(f.data, start, end), got.IDs())
	assert.Contains(t, logs.String(), "not sorted")
}

// A page under a parent the integration cannot read is placed at the top,
// not failed and not named under a node that never comes.
func TestUnsharedParentPlacesChildrenAtTheTop(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 8, Plain: true, Seed: 9}, notionemu.Options{})
	var child *notionemu.Page
	f.emu.Update(func(d *notionemu.Data) {
		for _, p := range d.Pages {
			if p.Parent.Type == notionemu.ParentPage {
				child = p
				d.Page(p.Parent.ID).Unshared = true
				return
			}
		}
	})
	require.NotNil(t, child)
	got := collect(t.Context(), f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Empty(t, got.Failures)
	d := byID(got.Documents)[docID(child)]
	require.NotNil(t, d)
	assert.Empty(t, d.ParentID)
}

// Validate tells a refused token from an integration that may not read.
func TestValidateClassifies(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 2, Plain: true, Seed: 10}, notionemu.Options{})
	c := f.connector(t, f.settings())
	require.NoError(t, c.Validate(t.Context()))

	bad, err := newConnector(f.settings(), Credentials{Token: tributary.NewSecret("ntn_wrong")}, f.env(), fast)
	require.NoError(t, err)
	err = bad.Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.NotContains(t, err.Error(), "ntn_wrong")

	f.emu.FailNext("/v1/search", 1, emulator.Fault{Status: http.StatusForbidden})
	require.ErrorIs(t, c.Validate(t.Context()), tributary.ErrInsufficientPermissions)

	_, err = New(Settings{BaseURL: "ftp://x", PageSize: 500}, Credentials{}, tributary.Env{})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	var fields []string
	for _, p := range tributary.ConfigProblems(err) {
		fields = append(fields, p.Field)
	}
	assert.Subset(t, fields, []string{"settings.base_url", "settings.page_size"})
}

// Every request carries the API version the connector reads.
func TestVersionHeader(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 3, Databases: 1, Rows: 2, Seed: 11}, notionemu.Options{})
	got := collect(t.Context(), f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	for _, r := range f.emu.Requests() {
		assert.Equal(t, APIVersion, r.Header.Get("Notion-Version"), r.Path)
	}
}

// Nested blocks are read to max_depth and no deeper; a synced block that
// shows, through its original, a copy of itself is read once.
func TestDepthLimitAndSyncedCycle(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 1, Plain: true, Seed: 60}, notionemu.Options{})
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	blk := func(id, typ, text string, children ...*notionemu.Block) *notionemu.Block {
		return &notionemu.Block{ID: id, Type: typ, Text: text, Created: at, Edited: at, Children: children}
	}
	deep := blk("00000000-0000-4000-8000-000000000005", "toggle", "level 5")
	for i := 4; i >= 1; i-- {
		deep = blk(fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", i), "toggle", fmt.Sprintf("level %d", i), deep)
	}
	original := blk("00000000-0000-4000-8000-0000000000a0", "synced_block", "")
	loop := blk("00000000-0000-4000-8000-0000000000a1", "synced_block", "")
	loop.SyncedFrom = original.ID
	original.Children = []*notionemu.Block{blk("00000000-0000-4000-8000-0000000000a2", "paragraph", "synced text"), loop}
	f.emu.Update(func(d *notionemu.Data) { d.Pages[0].Blocks = []*notionemu.Block{deep, original} })
	s := f.settings()
	s.MaxDepth = 3
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, 1)
	body := text(got.Documents[0])
	assert.Contains(t, body, "level 3")
	assert.NotContains(t, body, "level 4")
	assert.Equal(t, 1, strings.Count(body, "synced text"))
}

// A page of more than 20,000 blocks is read up to the limit and yielded
// with what was read, not held whole.
func TestBlockLimitPerPage(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("serves 20,050 blocks; runs without -short and -race")
	}
	f := newFixture(t, notionemu.GenerateOptions{Pages: 1, Plain: true, Seed: 61}, notionemu.Options{})
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.emu.Update(func(d *notionemu.Data) {
		bs := make([]*notionemu.Block, maxBlocks+50)
		for i := range bs {
			bs[i] = &notionemu.Block{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Type: "paragraph",
				Text: fmt.Sprintf("line %d", i), Created: at, Edited: at}
		}
		d.Pages[0].Blocks = bs
	})
	got := collect(t.Context(), f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, 1)
	body := text(got.Documents[0])
	assert.Equal(t, maxBlocks, strings.Count(body, "\n")+1)
	assert.Contains(t, body, fmt.Sprintf("line %d", maxBlocks-1))
	assert.NotContains(t, body, fmt.Sprintf("line %d", maxBlocks))
}
