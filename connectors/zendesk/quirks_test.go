package zendesk

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

const exportPath = "/api/v2/incremental/tickets/cursor.json"

// The incremental export allows ten requests a minute: past them Zendesk
// answers 429 with Retry-After, and the client waits that long rather
// than asking again at once, so each minute costs at most one refusal.
func TestExportRateLimitWaitsOutRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gen := smallGen
		gen.Tickets, gen.Deleted = 40, 0
		f := newFixture(t, gen, zendeskemu.Options{})
		s := f.settings()
		s.IncludeArticles, s.ExportPageSize = false, 1
		c := f.connector(t, s, f.env())
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Len(t, got.Documents, 40)
		var pages, refused int
		for _, r := range f.emu.Requests() {
			if r.Path == exportPath {
				pages++
				if r.Status == http.StatusTooManyRequests {
					refused++
				}
			}
		}
		require.Positive(t, refused, "the export's limit was never reached")
		assert.LessOrEqual(t, refused, (pages-refused)/10+1, "the client asked again before Retry-After")
	})
}

// A window that starts less than a minute ago is exported from a minute
// and a second ago, since Zendesk refuses a later start_time, and the
// tickets are still filtered to the window exactly.
func TestExportStartIsAMinuteBehind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, zendeskemu.Options{})
		s := f.settings()
		s.IncludeArticles = false
		c := f.connector(t, s, f.env())
		now := time.Now()
		f.emu.Update(func(d *zendeskemu.Data) { d.Tickets[0].UpdatedAt = now.Add(-90 * time.Second) })
		got := collect(t.Context(), c, now.Add(-10*time.Second), now.Add(time.Hour), nil)
		require.NoError(t, got.Err)
		assert.Empty(t, got.Documents)
		got = collect(t.Context(), c, now.Add(-2*time.Minute), now.Add(time.Hour), nil)
		require.NoError(t, got.Err)
		assert.Equal(t, []string{ticketID(testBase, 1)}, ids(got.Documents))
		for _, r := range f.emu.Requests() {
			if r.Path == exportPath {
				q, _ := url.ParseQuery(r.Query)
				st, _ := strconv.ParseInt(q.Get("start_time"), 10, 64)
				assert.LessOrEqual(t, st, now.Add(-time.Minute).Unix())
				assert.NotEqual(t, http.StatusUnprocessableEntity, r.Status)
			}
		}
	})
}

// The export lists deleted tickets with status "deleted": a poll whose
// window holds the deletion yields it; a load over all time, which has
// nothing to delete, does not.
func TestPollYieldsDeletedTickets(t *testing.T) {
	f := newFixture(t, smallGen, zendeskemu.Options{})
	s := f.settings()
	s.IncludeArticles = false
	c := f.connector(t, s, f.env())
	var want []string
	for _, tk := range f.data.Tickets {
		if tk.Status == "deleted" {
			want = append(want, ticketID(testBase, tk.ID))
		}
	}
	require.Len(t, want, 2)
	got := collect(t.Context(), c, past, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.ElementsMatch(t, want, got.Deletions)
	assert.Equal(t, f.expectedIDs(s, past, time.Time{}), ids(got.Documents))
	got = collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Empty(t, got.Deletions)
}

// quirkServer answers the connector's requests from fixed bodies: the
// paths it does not name answer an empty listing.
func quirkServer(t *testing.T, bodies map[string]func(q url.Values) any) tributary.Env {
	emu := emulator.New(emulator.Options{Auth: emulator.BasicUsers(map[string]string{adminEmail + "/token": testToken})})
	empty := func(name string) any {
		return map[string]any{name: []any{}, "meta": map[string]any{"has_more": false}, "links": map[string]any{}}
	}
	for path, name := range map[string]string{"/api/v2/help_center/en-us/categories": "categories",
		"/api/v2/help_center/en-us/sections": "sections", "/api/v2/help_center/en-us/articles": "articles", exportPath: ""} {
		emu.Handle("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			if b, ok := bodies[path]; ok {
				emulator.WriteJSON(w, http.StatusOK, b(r.URL.Query()))
				return
			}
			if name == "" {
				emulator.WriteJSON(w, http.StatusOK, map[string]any{"tickets": []any{}, "end_of_stream": true, "after_cursor": "x"})
				return
			}
			emulator.WriteJSON(w, http.StatusOK, empty(name))
		})
	}
	t.Cleanup(emu.Close)
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: emu.Transport()}}
}

// A listing that contradicts itself is a malformed answer, never retried
// as transient and never taken for its end: more pages without a cursor,
// the cursor asked for given again, a next link outside the API, an export
// that does not end without a new cursor, an export without tickets.
func TestMalformedListings(t *testing.T) {
	article := map[string]any{"id": 1, "title": "A", "body": "<p>x</p>", "section_id": 0,
		"created_at": "1999-01-01T00:00:00Z", "updated_at": "1999-01-01T00:00:00Z"}
	articles := "/api/v2/help_center/en-us/articles"
	for name, bodies := range map[string]map[string]func(url.Values) any{
		"has_more without cursor": {articles: func(url.Values) any {
			return map[string]any{"articles": []any{article}, "meta": map[string]any{"has_more": true, "after_cursor": nil}}
		}},
		"repeated cursor": {articles: func(q url.Values) any {
			return map[string]any{"articles": []any{article}, "meta": map[string]any{"has_more": true, "after_cursor": "c1"}}
		}},
		"next link leaves the API": {articles: func(url.Values) any {
			return map[string]any{"articles": []any{article}, "meta": map[string]any{"has_more": true, "after_cursor": "c1"},
				"links": map[string]any{"next": "http://zendesk.test/elsewhere?page[after]=c1"}}
		}},
		"no articles": {articles: func(url.Values) any { return map[string]any{"meta": map[string]any{"has_more": false}} }},
		"export without new cursor": {exportPath: func(q url.Values) any {
			return map[string]any{"tickets": []any{}, "end_of_stream": false, "after_cursor": q.Get("cursor")}
		}},
		"export without tickets": {exportPath: func(url.Values) any {
			return map[string]any{"end_of_stream": true, "after_cursor": "x"}
		}},
	} {
		t.Run(name, func(t *testing.T) {
			env := quirkServer(t, bodies)
			s := Settings{}
			s.SetDefaults()
			s.BaseURL = testBase
			c, err := newConnector(s, adminCredentials(), env, options{rate: 1000})
			require.NoError(t, err)
			got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
			require.Error(t, got.Err)
			assert.ErrorIs(t, got.Err, tributary.ErrMalformedResponse)
			assert.NotErrorIs(t, got.Err, tributary.ErrTransient)
		})
	}
}

func TestValidateClassifiesRoles(t *testing.T) {
	f := newFixture(t, smallGen, zendeskemu.Options{})
	f.emu.AddAPIToken("user4@example.com", testToken) // an end user
	open := func(s Settings, c Credentials) *Connector {
		conn, err := newConnector(s, c, f.env(), options{rate: 1000})
		require.NoError(t, err)
		return conn
	}
	s := f.settings()
	agent := Credentials{Email: agentEmail, APIToken: tributary.NewSecret(testToken)}
	require.NoError(t, open(s, adminCredentials()).Validate(t.Context()))
	require.NoError(t, open(s, Credentials{OAuthToken: tributary.NewSecret(oauthToken)}).Validate(t.Context()))
	err := open(s, agent).Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
	assert.Contains(t, err.Error(), "admin")
	articlesOnly := s
	articlesOnly.IncludeTickets = false
	require.NoError(t, open(articlesOnly, agent).Validate(t.Context()))
	err = open(articlesOnly, Credentials{Email: "user4@example.com", APIToken: tributary.NewSecret(testToken)}).Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
	err = open(s, Credentials{Email: adminEmail, APIToken: tributary.NewSecret("wrong-token-123")}).Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.NotContains(t, err.Error(), "wrong-token-123")
}

// A poll of a past window reads articles newest first and stops after the
// page that reaches back past the window's start; when the listing comes
// out of order it reads on to the end, and the window's articles are the
// same either way.
func TestPollStopsArticlesAtTheWindowStart(t *testing.T) {
	gen := smallGen
	gen.Tickets = 0
	for _, ignore := range []bool{false, true} {
		f := newFixture(t, gen, zendeskemu.Options{IgnoreSort: ignore})
		s := f.settings()
		s.IncludeTickets, s.PageSize = false, 3
		c := f.connector(t, s, f.env())
		if ignore { // the newest article (by id) takes the oldest's time: the first page is out of order
			var en []*zendeskemu.Article
			for _, a := range f.data.Articles {
				if a.Locale == "en-us" {
					en = append(en, a)
				}
			}
			first, last := en[0], en[len(en)-1]
			first.UpdatedAt, last.UpdatedAt = last.UpdatedAt, first.UpdatedAt
		}
		var times []time.Time
		for _, a := range f.data.Articles {
			if a.Locale == "en-us" {
				times = append(times, a.UpdatedAt)
			}
		}
		slices.SortFunc(times, time.Time.Compare)
		start, end := times[len(times)-5], times[len(times)-1]
		got := collect(t.Context(), c, start, end, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, f.expectedIDs(s, start, end), ids(got.Documents), "ignore sort %v", ignore)
		pages := f.emu.Count("GET /api/v2/help_center/{locale}/articles")
		if ignore {
			assert.Equal(t, (len(times)+2)/3, pages, "an unordered listing is read to its end")
		} else {
			assert.LessOrEqual(t, pages, 3, "the listing stops past the window's start")
		}
	}
}

// A checkpoint that no longer fits the settings (a locale or the tickets
// left out since) is refused rather than read past.
func TestCheckpointOfOtherSettings(t *testing.T) {
	f := newFixture(t, smallGen, zendeskemu.Options{})
	s := f.settings("en-us", "de")
	s.PageSize, s.ExportPageSize = 3, 3
	c := f.connector(t, s, f.env())
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	var inDE, inTickets tributary.Checkpoint
	for _, cp := range got.Checkpoints {
		pos, err := decodePosition(cp)
		require.NoError(t, err)
		if pos.Locale == "de" && inDE == nil {
			inDE = cp
		}
		if pos.Phase == phaseTickets && pos.After != "" && inTickets == nil {
			inTickets = cp
		}
	}
	require.NotNil(t, inDE)
	require.NotNil(t, inTickets)
	s.Locales, s.IncludeTickets = []string{"en-us"}, false
	other := f.connector(t, s, f.env())
	for _, cp := range []tributary.Checkpoint{inDE, inTickets} {
		got := collect(t.Context(), other, time.Time{}, time.Time{}, cp)
		assert.ErrorIs(t, got.Err, tributary.ErrInvalidCheckpoint)
	}
}
