package clickup

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/clickupemu"
)

// oneList is a workspace with a single public list of n tasks.
func oneList(t *testing.T, n int, opts clickupemu.Options) (*fixture, *clickupemu.List) {
	f := newFixture(t, clickupemu.GenerateOptions{Spaces: 1, Lists: 1, Tasks: n, Seed: 5}, opts)
	var l *clickupemu.List
	f.emu.Update(func(d *clickupemu.Data) {
		sp := d.Teams[0].Spaces[0]
		l = sp.Folders[0].Lists[0]
		l.Tasks = append(l.Tasks, sp.Lists[0].Tasks...) // everything in one list
		sp.Lists = nil
	})
	return f, l
}

// naiveIDs reads a list by page number, as ClickUp's documentation
// suggests, running edit after the first page.
func naiveIDs(t *testing.T, f *fixture, list string, edit func()) []string {
	var out []string
	for page := 0; ; page++ {
		req, _ := http.NewRequest(http.MethodGet, testBase+"/list/"+list+"/task?order_by=updated&reverse=true&page="+strconv.Itoa(page), nil)
		req.Header.Set("Authorization", testToken)
		resp, err := f.emu.Client().Do(req)
		require.NoError(t, err)
		var a struct {
			Tasks []struct {
				ID string `json:"id"`
			} `json:"tasks"`
			LastPage bool `json:"last_page"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
		resp.Body.Close()
		for _, k := range a.Tasks {
			out = append(out, k.ID)
		}
		if page == 0 {
			edit()
		}
		if a.LastPage {
			return out
		}
	}
}

// Tasks edited during a run move to the end of a listing sorted by update
// time, so every later task moves forward: read by page number, the tasks
// that slide onto the page read already are lost. The connector asks
// again from the last time read after each page and loses none.
func TestEditsDuringTheRunShiftNoTaskPastTheReader(t *testing.T) {
	f, l := oneList(t, 25, clickupemu.Options{PageSize: 5})
	all := make([]string, 0, len(l.Tasks))
	for _, k := range l.Tasks {
		all = append(all, k.ID)
	}
	edit := func(ids ...string) {
		for _, id := range ids {
			require.True(t, f.emu.Touch(id, nil))
		}
	}
	// The emulator shifts pages as ClickUp does: the control loses tasks.
	ordered := naiveIDs(t, f, l.ID, func() {})
	naive := naiveIDs(t, f, l.ID, func() { edit(ordered[0], ordered[1], ordered[2]) })
	lost := 0
	for _, id := range all {
		if !slices.Contains(naive, id) {
			lost++
		}
	}
	require.Positive(t, lost, "paging by number over a changing listing loses tasks")

	c := f.connector(t, f.settings(), fast)
	seen := map[string]int{}
	n := 0
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document == nil {
			continue
		}
		seen[strings.TrimPrefix(it.Document.ID, TaskID(""))]++
		if n++; n == 3 || n == 12 { // the reader is inside its first and third pages
			var first []string
			for _, k := range l.Tasks[:4] {
				first = append(first, k.ID)
			}
			edit(first...)
		}
	}
	for _, id := range all {
		assert.Positive(t, seen[id], "task %s was lost", id)
	}
}

// More than a page of tasks updated in one millisecond cannot be told
// apart by a time cursor: they are followed by page number, and the
// checkpoint keeps the page while inside the tie.
func TestTiesLongerThanAPageFollowPageNumbers(t *testing.T) {
	f, l := oneList(t, 14, clickupemu.Options{PageSize: 4})
	at := l.Tasks[0].Updated
	f.emu.Update(func(*clickupemu.Data) {
		for _, k := range l.Tasks[:11] {
			k.Updated = at
		}
	})
	c := f.connector(t, f.settings(), fast)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Len(t, got.Documents, 14)
	assert.Equal(t, ids(got.Documents), slices.Compact(ids(got.Documents)), "each task once")
	paged := false
	for _, cp := range got.Checkpoints {
		pos, err := decodePosition(cp)
		require.NoError(t, err)
		paged = paged || pos.Page > 0
		assert.LessOrEqual(t, len(pos.Tied), pageSize)
	}
	assert.True(t, paged, "a checkpoint inside the tie holds its page")
	for _, r := range f.emu.Requests() {
		if strings.HasSuffix(r.Path, "/task") {
			q, _ := url.ParseQuery(r.Query)
			assert.Equal(t, "updated", q.Get("order_by"))
			assert.Equal(t, "true", q.Get("reverse"))
		}
	}
}

// Comments come 25 at a time, newest first; older ones are asked for
// with the start (milliseconds) and start_id of the oldest read. Two
// comments may share a millisecond, which start_id tells apart.
func TestCommentsPagedByStartAndStartID(t *testing.T) {
	f, l := oneList(t, 1, clickupemu.Options{})
	k := l.Tasks[0]
	f.emu.Update(func(d *clickupemu.Data) {
		k.Comments = nil
		for i := range 60 {
			k.Comments = append(k.Comments, &clickupemu.Comment{ID: strconv.Itoa(5000 + i), User: d.Users[1].ID,
				Text: "comment " + strconv.Itoa(i), Date: k.Created.Add(time.Duration(i/2) * time.Second)})
		}
	})
	c := f.connector(t, f.settings(), fast)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, 1)
	secs := got.Documents[0].Sections[1:]
	require.Len(t, secs, 60)
	for i, s := range secs {
		assert.Equal(t, "comment "+strconv.Itoa(i), s.Text, "oldest first")
		assert.Equal(t, TaskID(k.ID)+"?comment="+strconv.Itoa(5000+i), s.Link)
	}
	var queries []string
	for _, r := range f.emu.Requests() {
		if strings.HasSuffix(r.Path, "/comment") {
			queries = append(queries, r.Query)
		}
	}
	require.Len(t, queries, 3, "25, 25 and a last short page of 10")
	assert.Empty(t, queries[0])
	assert.Contains(t, queries[1], "start_id=5035")
	assert.Contains(t, queries[1], "start="+strconv.FormatInt(k.Created.Add(17*time.Second).UnixMilli(), 10))

	s := f.settings()
	s.MaxComments = 30
	got = collect(t.Context(), f.connector(t, s, fast), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Len(t, got.Documents[0].Sections, 31, "the description and the 30 newest comments")
	assert.Equal(t, "comment 30", got.Documents[0].Sections[1].Text)
}

// Each answer says the token's budget in X-RateLimit-Limit, -Remaining
// and -Reset (epoch seconds). A client far faster than a budget of 10 a
// minute spreads its requests from those headers and is never refused.
func TestRateLimitHeadersPaceTheClient(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, _ := oneList(t, 12, clickupemu.Options{PerMinute: 10})
		s := f.settings()
		s.RequestsPerMinute = 10000
		got := collect(t.Context(), f.connector(t, s, options{}), time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Len(t, got.Documents, 12)
		reqs := f.emu.Requests()
		assert.Greater(t, len(reqs), 10, "more requests than one minute's budget")
		assert.Zero(t, f.emu.CountStatus(http.StatusTooManyRequests), "the headers kept the client inside the budget")
		f.emu.Close()
	})
}

// A token's budget is shared by every integration using it: when another
// spent it, ClickUp answers 429 (ECODE APP_002) without Retry-After, and
// the client waits until X-RateLimit-Reset.
func TestRateLimitSharedTokenWaitsForTheReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, _ := oneList(t, 3, clickupemu.Options{PerMinute: 5})
		for range 5 { // another integration spends the minute's budget
			req, _ := http.NewRequest(http.MethodGet, testBase+"/user", nil)
			req.Header.Set("Authorization", testToken)
			resp, err := f.emu.Client().Do(req)
			require.NoError(t, err)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		c := f.connector(t, f.settings(), options{})
		require.NoError(t, c.Validate(t.Context()))
		var refused, after *time.Time
		for _, r := range f.emu.Requests() {
			switch {
			case r.Status == http.StatusTooManyRequests && refused == nil:
				assert.Empty(t, r.Header.Get("Retry-After"))
				refused = &r.At
			case refused != nil && r.Status == http.StatusOK && after == nil:
				after = &r.At
			}
		}
		require.NotNil(t, refused, "the budget was spent")
		require.NotNil(t, after, "the client asked again")
		assert.GreaterOrEqual(t, after.Sub(*refused), 50*time.Second, "it waited for the minute's reset (fake time)")
		f.emu.Close()
	})
}

// A task in several lists is one document, read in its home list.
func TestTaskInSeveralListsIsOneDocument(t *testing.T) {
	f := newFixture(t, clickupemu.GenerateOptions{Spaces: 1, Lists: 2, Tasks: 6, Seed: 2}, clickupemu.Options{})
	lists := f.data.Teams[0].Spaces[0].Folders[0].Lists
	k := lists[0].Tasks[0]
	k.AlsoIn = []string{lists[1].ID}
	got := collect(t.Context(), f.connector(t, f.settings(), fast), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	n := 0
	for _, d := range got.Documents {
		if d.ID == TaskID(k.ID) {
			n++
			assert.Equal(t, listID(clickupemu.DefaultTeam, lists[0].ID), d.ParentID)
		}
	}
	assert.Equal(t, 1, n)
}

// Tasks of private lists, folders and spaces are open to the list's
// members; others to the workspace's members.
func TestAccessFromPrivateLists(t *testing.T) {
	f := newFixture(t, smallGen, clickupemu.Options{})
	got := collect(t.Context(), f.connector(t, f.settings(), fast), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	private := map[string][]string{}
	for _, l := range f.data.Teams[0].Lists() {
		var emails []string
		for _, id := range l.Members() {
			emails = append(emails, f.data.User(id).Email)
		}
		slices.Sort(emails)
		for _, k := range l.List.Tasks {
			if l.List.Private || l.Space.Private {
				private[TaskID(k.ID)] = emails
			}
		}
	}
	require.NotEmpty(t, private)
	for _, d := range got.Documents {
		if want, ok := private[d.ID]; ok {
			assert.Equal(t, want, d.ExternalAccess.UserEmails, d.ID)
			assert.Empty(t, d.ExternalAccess.GroupIDs)
		} else {
			assert.Equal(t, []string{"workspace:" + clickupemu.DefaultTeam}, d.ExternalAccess.GroupIDs, d.ID)
		}
	}
}

// ClickUp answers 401 both for a dead token and for a workspace the token
// may not read; only the first is an expired credential.
func TestUnauthorizedCodesAreToldApart(t *testing.T) {
	f := newFixture(t, smallGen, clickupemu.Options{})
	f.emu.AddToken("oauth-other-team", f.data.Users[0].ID, "1")
	c, err := newConnector(f.settings(), Credentials{AccessToken: tributary.NewSecret("oauth-other-team")}, f.env(), fast)
	require.NoError(t, err)
	err = c.Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
	assert.NotErrorIs(t, err, tributary.ErrCredentialExpired)

	s := f.settings()
	s.Workspaces = []string{"777"}
	err = f.connector(t, s, fast).Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
	assert.Contains(t, err.Error(), "777")

	f.emu.RevokeToken(testToken)
	err = f.connector(t, f.settings(), fast).Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.NotContains(t, err.Error(), testToken)
}

// An OAuth token goes after Bearer; a personal token alone.
func TestOAuthTokenIsSentAsBearer(t *testing.T) {
	f := newFixture(t, smallGen, clickupemu.Options{})
	f.emu.AddToken("81000_oauth", f.data.Users[0].ID)
	c, err := newConnector(f.settings(), Credentials{AccessToken: tributary.NewSecret("81000_oauth")}, f.env(), fast)
	require.NoError(t, err)
	require.NoError(t, c.Validate(t.Context()))
	assert.Equal(t, "Bearer 81000_oauth", f.emu.Requests()[0].Header.Get("Authorization"))
}

// rewrite changes the answers of requests whose path ends with suffix.
type rewrite struct {
	next   http.RoundTripper
	suffix string
	body   func([]byte) []byte
}

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, r.suffix) {
		return resp, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	b = r.body(b)
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// A listing that is not what ClickUp sends ends the stream with
// ErrMalformedResponse; it never panics.
func TestMalformedListingsAreClassified(t *testing.T) {
	for name, change := range map[string]func([]byte) []byte{
		"no last_page":    func(b []byte) []byte { return bytes.ReplaceAll(b, []byte(`"last_page"`), []byte(`"lastpage"`)) },
		"task without id": func(b []byte) []byte { return bytes.Replace(b, []byte(`"id":"86`), []byte(`"idx":"86`), 1) },
		"bad time": func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"date_updated":"`), []byte(`"date_updated":"x`), 1)
		},
		"empty not last": func([]byte) []byte { return []byte(`{"tasks":[],"last_page":false}`) },
	} {
		t.Run(name, func(t *testing.T) {
			f, _ := oneList(t, 3, clickupemu.Options{})
			env := f.env()
			env.HTTPClient = &http.Client{Transport: rewrite{next: f.emu.Transport(), suffix: "/task", body: change}}
			c, err := newConnector(f.settings(), Credentials{APIToken: tributary.NewSecret(testToken)}, env, fast)
			require.NoError(t, err)
			got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
			require.ErrorIs(t, got.Err, tributary.ErrMalformedResponse)
		})
	}
}

// With task_members, a private task's access is GET /task/{id}/member:
// its list's members and those it is shared with, read in the slim
// listing too.
func TestTaskMembersAddThoseATaskIsSharedWith(t *testing.T) {
	f := newFixture(t, smallGen, clickupemu.Options{})
	var shared *clickupemu.Task
	var outsider *clickupemu.User
	for _, l := range f.data.Teams[0].Lists() {
		if l.List.Private && len(l.List.Tasks) > 0 {
			shared = l.List.Tasks[0]
			for _, u := range f.data.Users {
				if !slices.Contains(l.Members(), u.ID) {
					outsider = u
				}
			}
		}
	}
	require.NotNil(t, shared)
	require.NotNil(t, outsider)
	shared.Members = []int64{outsider.ID}
	s := f.settings()
	s.TaskMembers = true
	c := f.connector(t, s, fast)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	var doc *tributary.Document
	for _, d := range got.Documents {
		if d.ID == TaskID(shared.ID) {
			doc = d
		}
	}
	require.NotNil(t, doc)
	assert.Contains(t, doc.ExternalAccess.UserEmails, outsider.Email)
	for sd, err := range c.LoadSlim(t.Context(), time.Time{}, time.Time{}) {
		require.NoError(t, err)
		if sd.ID == doc.ID {
			assert.Equal(t, doc.ExternalAccess.Hash(), sd.ExternalAccess.Hash())
		}
	}
	assert.Positive(t, f.emu.Count("GET /api/v2/task/{task}/member"))
}
