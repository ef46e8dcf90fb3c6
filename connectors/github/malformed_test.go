package github

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

// A server that sends no node_id (some GitHub-compatible servers do) is
// read in full: the repository's node takes its web address as id, and its
// documents name it as their parent.
func TestRepositoriesWithoutNodeID(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{NoNodeIDs: true})
	for name, s := range map[string]Settings{
		"configured repositories": f.settings(twoRepos...),
		"an owner's repositories": func() Settings { s := f.settings(); s.Owner = "acme"; return s }(),
	} {
		t.Run(name, func(t *testing.T) {
			got := collect(context.Background(), f.connector(t, s, f.env()), time.Time{}, time.Time{}, nil)
			require.NoError(t, got.Err)
			require.NotEmpty(t, got.Documents)
			nodes := map[string]bool{}
			for _, n := range got.Nodes {
				assert.True(t, strings.HasPrefix(n.ID, "https://github.com/acme/"), n.ID)
				nodes[n.ID] = true
			}
			for _, d := range got.Documents {
				assert.True(t, nodes[d.ParentID], "%s names parent %q, which was not yielded", d.ID, d.ParentID)
				assert.True(t, strings.HasPrefix(d.ID, d.ParentID+"/"), d.ID)
			}
		})
	}
}

// answer serves one fixed JSON body for every request.
type answer string

func (a answer) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Request: r, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(string(a)))}, nil
}

// A repository answer that lacks what the connector builds everything from
// is a malformed response, named as such: not transient, which would invite
// retries that get the same answer.
func TestRepositoryWithoutNameIsMalformedNotTransient(t *testing.T) {
	for name, body := range map[string]string{
		"no full_name":     `{"id":1,"node_id":"R_1","html_url":"https://github.com/acme/x"}`,
		"no html_url":      `{"id":1,"node_id":"R_1","full_name":"acme/x"}`,
		"neither":          `{"id":1}`,
		"not even an item": `{}`,
	} {
		t.Run(name, func(t *testing.T) {
			s := Settings{}
			s.SetDefaults()
			s.BaseURL = testBase
			s.Repositories = []string{"acme/x"}
			c, err := New(s, Credentials{Token: tributary.NewSecret(testToken)},
				tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: answer(body)}})
			require.NoError(t, err)
			got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
			require.Error(t, got.Err)
			assert.ErrorIs(t, got.Err, tributary.ErrMalformedResponse)
			assert.NotErrorIs(t, got.Err, tributary.ErrTransient)
			assert.Contains(t, got.Err.Error(), "acme/x")
			assert.Empty(t, got.Documents)
		})
	}
}
