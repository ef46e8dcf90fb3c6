package linear

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

// An issue with more comments than come inline has the rest read through
// its own comments connection, 100 a page, and gets every one as a
// section, oldest first.
func TestCommentsArePagedToTheEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, linearemu.Options{})
		f.emu.Update(func(d *linearemu.Data) {
			is := d.Issues[0]
			is.Comments = nil
			for i := range 150 {
				at := is.CreatedAt.Add(time.Duration(150-i) * time.Minute) // stored newest first
				is.Comments = append(is.Comments, &linearemu.Comment{ID: fmt.Sprintf("c%07d-0000-4000-8000-000000000000", i),
					Body: fmt.Sprintf("comment %d", 149-i), User: d.Users[1], CreatedAt: at, UpdatedAt: at})
			}
		})
		r, _ := loadAll(t, f, testSettings())
		require.NoError(t, r.Err)
		want := f.data.IssueID(f.data.Issues[0])
		i := slices.IndexFunc(r.Documents, func(d *tributary.Document) bool { return d.ID == want })
		require.GreaterOrEqual(t, i, 0)
		secs := r.Documents[i].Sections
		require.Len(t, secs, 151)
		for k, s := range secs[1:] {
			assert.Equal(t, fmt.Sprintf("comment %d", k), s.Text)
			assert.Contains(t, s.Link, "#comment-")
		}
		calls := 0
		for _, q := range f.emu.Requests() {
			if strings.Contains(string(q.Body), `"operationName":"IssueComments"`) {
				calls++
			}
		}
		assert.Equal(t, 2, calls, "130 comments past the inline 20 take two pages of 100")
	})
}

// Without comments the issues are read with a query that asks for none.
func TestNoCommentsAsksForNone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, linearemu.Options{})
		s := testSettings()
		s.IncludeComments = false
		r, _ := loadAll(t, f, s)
		require.NoError(t, r.Err)
		for _, d := range r.Documents {
			assert.Len(t, d.Sections, 1, d.ID)
		}
		for _, q := range f.emu.Requests() {
			assert.NotContains(t, string(q.Body), "comments(")
		}
	})
}

// fakeLinear answers each operation with a canned body, for answers the
// emulator never gives.
func fakeLinear(t *testing.T, answers map[string]string) *emulator.Server {
	s := emulator.New(emulator.Options{})
	t.Cleanup(s.Close)
	s.Handle("POST /graphql", func(w http.ResponseWriter, r *http.Request) {
		var req gqlRequest
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &req)
		body, ok := answers[req.OperationName]
		if !ok {
			body = `{"data":{"teams":{"nodes":[],"pageInfo":{"hasNextPage":false}}}}`
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	})
	return s
}

const viewerAnswer = `{"data":{"viewer":{"id":"u1","name":"U","email":"u@acme.test"},"organization":{"id":"o1","name":"Acme","urlKey":"acme"}}}`

// A listing that contradicts itself (more pages without a cursor, or the
// same cursor again) or is out of order ends the stream with
// ErrMalformedResponse: asking again would get the same, so it is never
// transient, and the stream never loops.
func TestContradictoryListingsAreMalformed(t *testing.T) {
	issue := func(id string, at string) string {
		return `{"id":"` + id + `","identifier":"ENG-` + id + `","title":"t","url":"https://linear.app/acme/issue/ENG-` + id + `/t","updatedAt":"` + at + `","createdAt":"2024-01-01T00:00:00.000Z","team":{"id":"t1","key":"ENG","name":"Eng"}}`
	}
	cases := map[string]string{
		"more without a cursor": `{"data":{"issues":{"nodes":[` + issue("1", "2024-03-01T00:00:00.000Z") + `],"pageInfo":{"hasNextPage":true,"endCursor":null}}}}`,
		"the same cursor again": `{"data":{"issues":{"nodes":[` + issue("1", "2024-03-01T00:00:00.000Z") + `],"pageInfo":{"hasNextPage":true,"endCursor":"c1"}}}}`,
		"out of order": `{"data":{"issues":{"nodes":[` + issue("1", "2024-03-01T00:00:00.000Z") + `,` + issue("2", "2024-03-02T00:00:00.000Z") +
			`],"pageInfo":{"hasNextPage":false}}}}`,
		"no connection": `{"data":{}}`,
		"not JSON":      `<html>oops</html>`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := fakeLinear(t, map[string]string{"Viewer": viewerAnswer, "Issues": body,
					"Projects": `{"data":{"projects":{"nodes":[],"pageInfo":{"hasNextPage":false}}}}`})
				st := testSettings()
				st.IncludeDocuments = false
				c, err := New(st, Credentials{APIKey: tributary.NewSecret(testKey)},
					tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: s.Transport()}})
				require.NoError(t, err)
				// The same cursor again needs a first page that gives it.
				if name == "the same cursor again" {
					pos := position{Phase: phaseIssues, After: "c1"}
					cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, pos)
					require.NoError(t, err)
					r := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, cp))
					require.ErrorIs(t, r.Err, tributary.ErrMalformedResponse)
					return
				}
				r := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
				require.ErrorIs(t, r.Err, tributary.ErrMalformedResponse)
				assert.NotErrorIs(t, r.Err, tributary.ErrTransient)
				assert.Less(t, s.Count("*"), 10)
			})
		})
	}
}

// A node that does not decode is a failure under the id its document
// would have had, and the listing goes on.
func TestMalformedNodeIsAFailureUnderItsID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		good := `{"id":"i2","identifier":"ENG-2","title":"fine","url":"https://linear.app/acme/issue/ENG-2/fine","updatedAt":"2024-03-01T00:00:00.000Z","createdAt":"2024-01-01T00:00:00.000Z","team":{"id":"t1","key":"ENG","name":"Eng"}}`
		bad := `{"id":"i3","identifier":"ENG-3","title":"broken","updatedAt":"2024-02-01T00:00:00.000Z","createdAt":"yesterday","team":{"id":"t1","key":"ENG"}}`
		noID := `{"title":"who am I","updatedAt":"2024-01-15T00:00:00.000Z"}`
		s := fakeLinear(t, map[string]string{"Viewer": viewerAnswer,
			"Teams":    `{"data":{"teams":{"nodes":[{"id":"t1","key":"ENG","name":"Eng"}],"pageInfo":{"hasNextPage":false}}}}`,
			"Issues":   `{"data":{"issues":{"nodes":[` + good + `,` + bad + `,` + noID + `],"pageInfo":{"hasNextPage":false}}}}`,
			"Projects": `{"data":{"projects":{"nodes":[],"pageInfo":{"hasNextPage":false}}}}`})
		st := testSettings()
		st.IncludeDocuments = false
		c, err := New(st, testCredentials(), tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: s.Transport()}})
		require.NoError(t, err)
		r := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.NoError(t, r.Err)
		assert.Equal(t, []string{"https://linear.app/acme/issue/ENG-2"}, docIDs(r))
		require.Len(t, r.Failures, 2)
		assert.Equal(t, "https://linear.app/acme/issue/ENG-3", r.Failures[0].DocumentID)
		assert.Empty(t, r.Failures[1].DocumentID)
		assert.NotEmpty(t, r.Failures[1].EntityID)
	})
}

// resumeAll resumes from every checkpoint of a full run, with the page
// cursor it holds replaced by one Linear refuses, and checks that each
// resumed run, with what came before its checkpoint, yields every
// document: the listing restarts from the update time and the tied ids.
func TestRefusedCursorRestartsFromUpdateTimeAndTies(t *testing.T) {
	// Ties of 30 are longer than a page (4) and than the ids a checkpoint
	// keeps (20).
	gen := linearemu.GenerateOptions{Teams: 2, Projects: 2, Issues: 70, Documents: 2, Ties: 30, Seed: 9}
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, gen, linearemu.Options{})
		s := testSettings()
		s.PageSize = 4
		c, err := New(s, Credentials{APIKey: tributary.NewSecret(testKey)}, f.env())
		require.NoError(t, err)
		var items []tributary.Item
		for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
			require.NoError(t, err)
			items = append(items, it)
		}
		want := expectedIDs(f.data, time.Time{}, time.Time{})
		resumed := 0
		for i, it := range items {
			if it.Checkpoint == nil {
				continue
			}
			pos, _, err := tributary.DecodeCheckpoint[position](it.Checkpoint, checkpointKind, checkpointVersion)
			require.NoError(t, err)
			if pos.After == "" {
				continue
			}
			require.LessOrEqual(t, len(pos.Tied), maxTied)
			pos.After = "bm90IGEgY3Vyc29y"
			cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, pos)
			require.NoError(t, err)
			got := map[string]bool{}
			for _, before := range items[:i] {
				if before.Document != nil {
					got[before.Document.ID] = true
				}
			}
			r := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, cp))
			require.NoError(t, r.Err)
			for _, d := range r.Documents {
				got[d.ID] = true
			}
			for _, id := range want {
				require.True(t, got[id], "resuming from checkpoint %d (%s) with a refused cursor loses %s", i, it.Checkpoint, id)
			}
			resumed++
		}
		assert.Greater(t, resumed, 15)
	})
}
