package notion

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/notionemu"
)

// rewrite is a transport that changes the JSON answers of requests whose
// path satisfies match.
type rewrite struct {
	next   http.RoundTripper
	match  func(path string) bool
	change func(body map[string]any)
}

func (rw rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rw.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK || !rw.match(req.URL.Path) {
		return resp, err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var body map[string]any
	if json.Unmarshal(raw, &body) == nil {
		rw.change(body)
		raw, _ = json.Marshal(body)
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	resp.ContentLength = int64(len(raw))
	resp.Header.Set("Content-Length", strconv.Itoa(len(raw)))
	return resp, nil
}

func (f *fixture) rewritten(t *testing.T, match func(string) bool, change func(map[string]any)) *Connector {
	env := f.env()
	env.HTTPClient = &http.Client{Transport: rewrite{next: f.emu.Transport(), match: match, change: change}}
	c, err := newConnector(f.settings(), f.credentials(), env, fast)
	require.NoError(t, err)
	return c
}

func isSearch(p string) bool { return p == "/v1/search" }

// A search result without its edit time is a failure under the id its
// document would have had; the other pages still come.
func TestMalformedResultIsAFailureUnderItsID(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 5, Plain: true, Seed: 20}, notionemu.Options{})
	var broken string
	c := f.rewritten(t, isSearch, func(b map[string]any) {
		rs, _ := b["results"].([]any)
		if len(rs) > 1 {
			o := rs[1].(map[string]any)
			if o["object"] == "page" {
				broken = o["id"].(string)
				delete(o, "last_edited_time")
			}
		}
	})
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.Equal(t, pageID(broken), got.Failures[0].DocumentID)
	assert.ErrorIs(t, got.Failures[0], ErrMalformed)
	assert.Len(t, got.Documents, 4)
}

// A listing that says more follow without a cursor ends the stream with
// ErrMalformed, never as a transient failure nor as the listing's end.
func TestMoreWithoutCursorIsMalformed(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 5, Plain: true, Seed: 21}, notionemu.Options{})
	c := f.rewritten(t, isSearch, func(b map[string]any) { b["has_more"], b["next_cursor"] = true, nil })
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.ErrorIs(t, got.Err, ErrMalformed)
	assert.NotErrorIs(t, got.Err, tributary.ErrTransient)
}

// A block that does not decode fails its page, not the run.
func TestMalformedBlockFailsItsPage(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 3, Plain: true, Seed: 22}, notionemu.Options{})
	target := f.data.Pages[1]
	c := f.rewritten(t, func(p string) bool { return p == "/v1/blocks/"+target.ID+"/children" }, func(b map[string]any) {
		b["results"] = []any{map[string]any{"object": "block", "id": 42}}
	})
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.Equal(t, docID(target), got.Failures[0].DocumentID)
	assert.Len(t, got.Documents, 2)
}

// A database removed during the run is a failure of its node; the other
// databases' rows still come.
func TestDatabaseGoneIsAFailureOfItsNode(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 2, Databases: 2, Rows: 2, Plain: true, Seed: 23}, notionemu.Options{})
	gone := f.data.Databases[0]
	f.emu.FailEvery("/v1/databases/"+gone.ID+"/query", 1, notionemu.NotFound)
	got := collect(t.Context(), f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.Equal(t, databaseNodeID(gone.ID), got.Failures[0].EntityID)
	assert.Len(t, got.Documents, 4)
}

// A token revoked during the run ends it with ErrCredentialExpired rather
// than a failure per page; secrets reach no error or log line.
func TestRevokedTokenEndsTheRunWithoutLeaking(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 6, Plain: true, Seed: 24}, notionemu.Options{})
	var logs bytes.Buffer
	env := f.env()
	env.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := f.settings()
	s.PageSize = 2
	c, err := newConnector(s, f.credentials(), env, fast)
	require.NoError(t, err)
	n := 0
	var end error
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		if err != nil {
			end = err
			break
		}
		if it.Document != nil {
			if n++; n == 2 {
				f.emu.RevokeToken(testToken)
			}
		}
	}
	require.ErrorIs(t, end, tributary.ErrCredentialExpired)
	var f2 *tributary.Failure
	assert.False(t, errors.As(end, &f2))
	for _, text := range []string{end.Error(), logs.String()} {
		assert.NotContains(t, text, testToken)
	}
	assert.False(t, strings.Contains(logs.String(), "Bearer"))
}
