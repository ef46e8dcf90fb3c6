package jira

import (
	"bytes"
	"context"
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
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

func TestValidateClassifiesErrors(t *testing.T) {
	f := newFixture(t, jiraemu.GenerateOptions{Projects: 2, Issues: 3, Seed: 1}, jiraemu.Options{})
	f.emu.Update(func(d *jiraemu.Data) { d.Project("AAB").NoBrowse = []string{d.Users[0].AccountID} })
	for _, deployment := range []string{Cloud, Server} {
		ctx := context.Background()
		require.NoError(t, f.connector(t, f.settings(deployment, "AAA")).Validate(ctx), deployment)
		require.NoError(t, f.connector(t, f.settings(deployment)).Validate(ctx), deployment)

		bad := f.credentials(deployment)
		bad.APIToken, bad.PersonalAccessToken = tributary.NewSecret("wrong"), tributary.NewSecret("wrong")
		c, err := newConnector(f.settings(deployment, "AAA"), bad, f.env(), fastRetry)
		require.NoError(t, err)
		assert.ErrorIs(t, c.Validate(ctx), tributary.ErrCredentialExpired, deployment)

		assert.ErrorIs(t, f.connector(t, f.settings(deployment, "AAA", "NOPE")).Validate(ctx), tributary.ErrNotFound, deployment)
		assert.ErrorIs(t, f.connector(t, f.settings(deployment, "AAB")).Validate(ctx), tributary.ErrInsufficientPermissions, deployment)

		s := f.settings(deployment, "AAA")
		s.JQL = "labels = backend OR labels = ux" // the emulator, like an old Jira, refuses it
		assert.ErrorIs(t, f.connector(t, s).Validate(ctx), tributary.ErrInvalidConfig, deployment)
		s.JQL = "labels = backend"
		assert.NoError(t, f.connector(t, s).Validate(ctx), deployment)
	}
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	for name, tc := range map[string]struct {
		s     func(*Settings)
		c     Credentials
		field string
	}{
		"no url":         {func(s *Settings) { s.BaseURL = "" }, Credentials{Email: "a@b.c", APIToken: tributary.NewSecret("t")}, "settings.base_url"},
		"bad deployment": {func(s *Settings) { s.Deployment = "dc" }, Credentials{Email: "a@b.c", APIToken: tributary.NewSecret("t")}, "settings.deployment"},
		"bad key":        {func(s *Settings) { s.Projects = []string{"EN G"} }, Credentials{Email: "a@b.c", APIToken: tributary.NewSecret("t")}, "settings.projects"},
		"order by":       {func(s *Settings) { s.JQL = "labels = x order by key" }, Credentials{Email: "a@b.c", APIToken: tributary.NewSecret("t")}, "settings.jql"},
		"page size":      {func(s *Settings) { s.PageSize = 500 }, Credentials{Email: "a@b.c", APIToken: tributary.NewSecret("t")}, "settings.page_size"},
		"no email":       {func(*Settings) {}, Credentials{APIToken: tributary.NewSecret("t")}, "credentials.email"},
		"no token":       {func(*Settings) {}, Credentials{Email: "a@b.c"}, "credentials.api_token"},
		"no pat":         {func(s *Settings) { s.Deployment = Server }, Credentials{Email: "a@b.c", APIToken: tributary.NewSecret("t")}, "credentials.personal_access_token"},
	} {
		t.Run(name, func(t *testing.T) {
			s := Settings{}
			s.SetDefaults()
			s.BaseURL = testSite
			tc.s(&s)
			_, err := New(s, tc.c, tributary.Env{})
			require.ErrorIs(t, err, tributary.ErrInvalidConfig)
			var fields []string
			for _, p := range tributary.ConfigProblems(err) {
				fields = append(fields, p.Field)
			}
			assert.Contains(t, fields, tc.field)
		})
	}
}

func TestDocumentShape(t *testing.T) {
	f := newFixture(t, jiraemu.GenerateOptions{Issues: 5, Comments: 2, Seed: 12}, jiraemu.Options{})
	c := f.connector(t, f.settings(Cloud, "AAA"))
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Nodes, 1)
	assert.Equal(t, &tributary.HierarchyNode{ID: testSite + "/browse/AAA", Name: "Project AAA", Link: testSite + "/browse/AAA",
		Kind: tributary.NodeProject}, got.Nodes[0])
	for _, d := range got.Documents {
		is := f.data.Issue(d.Metadata.Get(MetaKey))
		assert.Equal(t, testSite+"/browse/"+is.Key, d.ID)
		assert.Equal(t, is.Key+": "+is.Summary, d.SemanticID)
		assert.Equal(t, is.Summary, d.Title)
		assert.Equal(t, testSite+"/browse/AAA", d.ParentID)
		assert.Contains(t, d.Sections[0].Text, "Reported by @"+is.Reporter.DisplayName)
		assert.Contains(t, d.Sections[0].Text, "the runbook (https://example.com/runbook)")
		assert.Contains(t, d.Sections[0].Text, "- first step\n- second step")
		require.Len(t, d.Sections, 1+len(is.Comments))
		for i, cm := range is.Comments {
			s := d.Sections[1+i]
			assert.Equal(t, d.ID+"?focusedCommentId="+cm.ID, s.Link)
			assert.Equal(t, "Comment by "+cm.Author.DisplayName, s.Heading)
		}
		assert.Equal(t, is.Reporter.DisplayName, d.PrimaryOwners[0].DisplayName)
		if is.Reporter.HideEmail {
			assert.Empty(t, d.PrimaryOwners[0].Email, "a hidden address stays hidden")
		} else {
			assert.Equal(t, is.Reporter.Email, d.PrimaryOwners[0].Email)
		}
		assert.Len(t, d.PrimaryOwners, 1, "reporter and creator are one person here")
		if is.Assignee != nil {
			assert.Equal(t, is.Assignee.DisplayName, d.SecondaryOwners[0].DisplayName)
		}
		assert.Equal(t, is.Status, d.Metadata.Get(MetaStatus))
		assert.Equal(t, is.Priority, d.Metadata.Get(MetaPriority))
		assert.Equal(t, is.IssueType, d.Metadata.Get(MetaIssueType))
		assert.Equal(t, is.Labels, []string(d.Metadata[MetaLabel]))
		assert.Equal(t, "AAA", d.Metadata.Get(MetaProject))
	}
}

// Server descriptions are plain text, and projects come from /project when
// none are configured.
func TestServerDocuments(t *testing.T) {
	f := newFixture(t, jiraemu.GenerateOptions{Projects: 3, Issues: 4, Seed: 13}, jiraemu.Options{})
	c := f.connector(t, f.settings(Server))
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Len(t, got.Nodes, 3)
	assert.Equal(t, expectedIDs(f.data, nil, time.Time{}, time.Time{}), got.IDs())
	assert.Contains(t, got.Documents[0].Sections[0].Text, "second step")
	for _, r := range f.emu.Requests() {
		assert.True(t, strings.HasPrefix(r.Path, "/rest/api/2/"), r.Path)
		assert.Equal(t, "Bearer "+testPAT, r.Header.Get("Authorization"))
	}
}

// The JQL filter narrows each project's search.
func TestJQLFilter(t *testing.T) {
	f := newFixture(t, jiraemu.GenerateOptions{Projects: 2, Issues: 30, Seed: 14}, jiraemu.Options{})
	s := f.settings(Cloud)
	s.JQL = `labels = "backend"`
	got := collect(context.Background(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	var want []string
	for _, p := range f.data.Projects {
		for _, is := range p.Issues {
			if len(is.Labels) == 1 && is.Labels[0] == "backend" {
				want = append(want, testSite+"/browse/"+is.Key)
			}
		}
	}
	assert.ElementsMatch(t, want, got.IDs())
	assert.NotEmpty(t, want)
}

// 429s with Retry-After, from the fault schedule and from the burst limit,
// are waited out (in fake time) and every document still arrives.
func TestRetryAfterStillDeliversEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, jiraemu.GenerateOptions{Projects: 2, Issues: 60, Comments: 3, Seed: 15},
			jiraemu.Options{RatePerSecond: 5, EmbeddedComments: 1})
		f.emu.FailEvery("*", 7, jiraemu.RateLimited)
		f.emu.FailEvery("*", 11, emulator.Fault{Status: http.StatusServiceUnavailable, RetryAfter: 2 * time.Second})
		s := f.settings(Cloud)
		s.PageSize = 20
		c, err := newConnector(s, f.credentials(Cloud), f.env(), httpx.RetryPolicy{MaxAttempts: 10})
		require.NoError(t, err)
		got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, expectedIDs(f.data, nil, time.Time{}, time.Time{}), got.IDs())
		assert.Greater(t, f.emu.CountStatus(http.StatusTooManyRequests), 5)
		f.emu.Close()
	})
}

// Secrets reach no log line, error or failure.
func TestSecretsStayHidden(t *testing.T) {
	f := newFixture(t, jiraemu.GenerateOptions{Issues: 5, Seed: 16}, jiraemu.Options{})
	var logs bytes.Buffer
	env := f.env()
	env.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.emu.FailEvery("/rest/api/3/search/jql", 1, jiraemu.BadGateway)
	c, err := newConnector(f.settings(Cloud, "AAA"), f.credentials(Cloud), env, fastRetry)
	require.NoError(t, err)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.Error(t, got.Err)
	for _, text := range []string{got.Err.Error(), logs.String()} {
		assert.NotContains(t, text, testAPIToken)
	}
	bad := f.credentials(Cloud)
	bad.APIToken = tributary.NewSecret("secret-but-wrong")
	c, err = newConnector(f.settings(Cloud, "AAA"), bad, env, fastRetry)
	require.NoError(t, err)
	err = c.Validate(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret-but-wrong")
	assert.NotContains(t, logs.String(), "secret-but-wrong")
}

func TestCheckpointsFromElsewhereAreRefused(t *testing.T) {
	f := newFixture(t, jiraemu.GenerateOptions{Issues: 2, Seed: 17}, jiraemu.Options{})
	c := f.connector(t, f.settings(Cloud, "AAA"))
	for _, cp := range []string{`{"kind":"github","version":1,"state":{}}`, `{"kind":"jira","version":1,"state":{"project":"../x"}}`,
		`{"kind":"jira","version":1,"state":{"project":"AAA","offset":-1}}`, `not json`} {
		got := collect(context.Background(), c, time.Time{}, time.Time{}, tributary.Checkpoint(cp))
		assert.ErrorIs(t, got.Err, tributary.ErrInvalidCheckpoint, cp)
	}
}
