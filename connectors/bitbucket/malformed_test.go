package bitbucket

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/bitbucketemu"
)

// rewrite answers the requests whose path ends in suffix with body, as an
// upstream that contradicts itself would.
type rewrite struct {
	next   http.RoundTripper
	suffix string
	body   func(r *http.Request) string
}

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := rw.next.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, rw.suffix) {
		return resp, err
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader([]byte(rw.body(r))))
	resp.ContentLength = -1
	resp.Header.Del("Content-Length")
	return resp, nil
}

func TestMalformedListingsAreFailuresNotTransient(t *testing.T) {
	for name, body := range map[string]func(*http.Request) string{
		"no values": func(*http.Request) string { return `{"page":1,"pagelen":50}` },
		"next is itself": func(r *http.Request) string {
			return `{"values":[],"next":"` + testAPI + strings.TrimPrefix(r.URL.RequestURI(), "/2.0") + `"}`
		},
		"next loops back": loopingNext(),
		"not JSON":        func(*http.Request) string { return `<html>maintenance</html>` },
	} {
		t.Run(name, func(t *testing.T) { synctest.Test(t, func(t *testing.T) { malformedCase(t, name, body) }) })
	}
}

// malformedCase reads two repositories, the first of which answers its
// pull request listing with body.
func malformedCase(t *testing.T, name string, body func(*http.Request) string) {
	f := newFixture(t, bitbucketemu.GenerateOptions{Repositories: 2, PullRequests: 3, Seed: 13}, bitbucketemu.Options{})
	env := f.env()
	env.HTTPClient = &http.Client{Transport: rewrite{next: f.emu.Transport(), suffix: "repo-000/pullrequests", body: body}}
	s := f.settings(nil, "acme/repo-000", "acme/repo-001")
	c := f.connector(t, s, env)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	if name == "not JSON" {
		// A body that is not JSON is fetched again and then ends
		// the run: it may be a proxy's page, which passes.
		require.Error(t, got.Err)
		return
	}
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.ErrorIs(t, got.Failures[0], tributary.ErrMalformedResponse)
	assert.NotErrorIs(t, got.Failures[0], tributary.ErrTransient)
	assert.Equal(t, testWeb+"/acme/repo-000", got.Failures[0].Link)
	assert.Len(t, got.Documents, 3, "the other repository is read")
}

// loopingNext answers a first page whose next link leads to a second,
// whose next link leads back to the first.
func loopingNext() func(*http.Request) string {
	return func(r *http.Request) string {
		base := testAPI + "/repositories/acme/repo-000/pullrequests"
		if r.URL.Query().Get("page") == "2" {
			return `{"values":[],"next":"` + base + `?page=3"}`
		}
		if r.URL.Query().Get("page") == "3" {
			return `{"values":[],"next":"` + base + `?page=2"}`
		}
		return `{"values":[],"next":"` + base + `?page=2"}`
	}
}

// A pull request without an update time is a failure under its own id,
// and the rest of the listing is read.
func TestPullRequestWithoutUpdateTimeFailsAlone(t *testing.T) {
	f := newFixture(t, bitbucketemu.GenerateOptions{PullRequests: 6, Seed: 14}, bitbucketemu.Options{})
	f.emu.Update(func(d *bitbucketemu.Data) { d.Repositories[0].PullRequests[2].Broken = true })
	s := f.settings([]string{"acme"})
	s.PageLen = 2
	c := f.connector(t, s, f.env())
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.Equal(t, testWeb+"/acme/repo-000/pull-requests/3", got.Failures[0].DocumentID)
	assert.ErrorIs(t, got.Failures[0], tributary.ErrMalformedResponse)
	assert.Len(t, got.Documents, 5)
}

// Comments become sections linking to themselves; deleted ones are left
// out, inline ones and replies say so.
func TestCommentsAsSections(t *testing.T) {
	f := newFixture(t, bitbucketemu.GenerateOptions{PullRequests: 1, Seed: 15}, bitbucketemu.Options{})
	f.emu.Update(func(d *bitbucketemu.Data) {
		p := d.Repositories[0].PullRequests[0]
		at := p.CreatedOn
		for i := range 130 {
			p.Comments = append(p.Comments, &bitbucketemu.Comment{ID: int64(i + 1), Body: "note", User: d.Users[i%3], CreatedOn: at, UpdatedOn: at,
				Deleted: i%10 == 9, Inline: map[bool]string{true: "main.go"}[i%10 == 1], Parent: map[bool]int64{true: 1}[i%10 == 2]})
		}
	})
	c := f.connector(t, f.settings([]string{"acme"}), f.env())
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, 1)
	d := got.Documents[0]
	require.Len(t, d.Sections, 1+117, "the description and every comment not deleted, over two pages")
	assert.Equal(t, d.ID+"#comment-1", d.Sections[1].Link)
	assert.Equal(t, "Comment by Ana Example", d.Sections[1].Heading)
	assert.Equal(t, "Comment by Bo Example on main.go", d.Sections[2].Heading)
	assert.Equal(t, "Comment by Chen Example (reply)", d.Sections[3].Heading)
	assert.Equal(t, 2, f.emu.Count("GET /2.0/repositories/{ws}/{slug}/pullrequests/{id}/comments"))
}
