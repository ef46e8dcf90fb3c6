package asana

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/asanaemu"
)

// An offset Asana no longer accepts (400, "expired") in a checkpoint
// starts that project's listing over: nothing after the checkpoint is
// lost.
func TestExpiredOffsetRestartsTheProject(t *testing.T) {
	f := newFixture(t, asanaemu.GenerateOptions{Projects: 2, Tasks: 7, Seed: 4}, asanaemu.Options{})
	s := f.settings()
	s.PageSize = 2
	c := f.connector(t, s, fast)
	ctx := context.Background()
	full := collect(ctx, c, time.Time{}, time.Time{}, nil)
	require.NoError(t, full.Err)
	var cp tributary.Checkpoint
	for _, k := range full.Checkpoints {
		pos, err := decodePosition(k)
		require.NoError(t, err)
		if pos.Offset != "" && pos.Project == f.data.Projects[0].GID {
			cp = k // the last offset inside the first project
		}
	}
	require.NotNil(t, cp)
	f.emu.ExpireOffsets()
	f.emu.ResetLog()
	resumed := collect(ctx, c, time.Time{}, time.Time{}, cp)
	require.NoError(t, resumed.Err)
	assert.Equal(t, f.expectedIDs(time.Time{}, time.Time{}), ids(resumed.Documents), "the first project read again from its start, then the second")
	assert.Equal(t, 1, f.emu.CountStatus(http.StatusBadRequest))
}

// An offset that expires again and again ends the stream rather than
// looping.
func TestOffsetsThatAlwaysExpireEndTheStream(t *testing.T) {
	f := newFixture(t, asanaemu.GenerateOptions{Projects: 1, Tasks: 5, Seed: 4}, asanaemu.Options{OffsetTTL: time.Nanosecond})
	s := f.settings()
	s.PageSize = 2
	got := collect(context.Background(), f.connector(t, s, fast), time.Time{}, time.Time{}, nil)
	require.Error(t, got.Err)
	assert.Equal(t, maxRestarts+1, f.emu.CountStatus(http.StatusBadRequest))
}

// With a host's Values, the events API's sync token is kept between runs:
// the first read answers 412 with a token, the next run reads the
// deletions since, and a token too old (412 again) is replaced, leaving
// the deletions in the gap to pruning.
func TestDeletionsFromEventsWithSyncTokens(t *testing.T) {
	f := newFixture(t, asanaemu.GenerateOptions{Projects: 2, Tasks: 3, Seed: 5}, asanaemu.Options{})
	c := f.connector(t, f.settings(), fast)
	vals := &memValues{}
	ctx := tributary.WithValues(context.Background(), vals)

	first := collect(ctx, c, time.Time{}, time.Time{}, nil)
	require.NoError(t, first.Err)
	assert.Empty(t, first.Deletions)
	assert.Equal(t, 2, f.emu.CountStatus(http.StatusPreconditionFailed), "one 412 per project, with a first token")
	for _, p := range f.data.Projects {
		assert.NotEmpty(t, vals.m[eventsKey(p.GID)])
	}

	gone := f.data.Projects[1].Tasks[0]
	now := time.Now()
	f.emu.Update(func(d *asanaemu.Data) { d.DeleteTask(gone, now) })
	poll := collect(ctx, c, now.Add(-time.Hour), now.Add(time.Hour), nil)
	require.NoError(t, poll.Err)
	assert.Equal(t, []string{TaskID(gone)}, poll.Deletions)

	again := collect(ctx, c, now.Add(-time.Hour), now.Add(time.Hour), nil)
	require.NoError(t, again.Err)
	assert.Empty(t, again.Deletions, "the token moved past the deletion")

	f.emu.ExpireSyncTokens()
	other := f.data.Projects[0].Tasks[1]
	f.emu.Update(func(d *asanaemu.Data) { d.DeleteTask(other, now) })
	before := f.emu.CountStatus(http.StatusPreconditionFailed)
	stale := collect(ctx, c, now.Add(-time.Hour), now.Add(time.Hour), nil)
	require.NoError(t, stale.Err)
	assert.Empty(t, stale.Deletions, "a deletion behind an expired token waits for pruning")
	assert.Equal(t, before+2, f.emu.CountStatus(http.StatusPreconditionFailed))
	assert.NotContains(t, ids(stale.Documents), TaskID(other))

	// Without Values no events are read.
	f.emu.ResetLog()
	require.NoError(t, collect(context.Background(), c, time.Time{}, time.Time{}, nil).Err)
	assert.Zero(t, f.emu.Count("GET /api/1.0/events"))
}

// Past the per-minute budget Asana answers 429 with Retry-After; the
// client waits as told and the load completes.
func TestRateLimitIsWaitedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, asanaemu.GenerateOptions{Projects: 2, Tasks: 4, Stories: 1, Seed: 6}, asanaemu.Options{PerMinute: 10})
		s := f.settings()
		s.RequestsPerMinute = 600
		c := f.connector(t, s, options{})
		got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, f.expectedIDs(time.Time{}, time.Time{}), ids(got.Documents))
		limited := 0
		for _, r := range f.emu.Requests() {
			if r.Status == http.StatusTooManyRequests {
				limited++
			}
		}
		assert.Positive(t, limited, "the budget refused requests")
		f.emu.Close()
	})
}

// Asana also limits the requests in flight per token; two loads sharing a
// token past it are refused with 429 and both complete.
func TestConcurrentRequestLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, asanaemu.GenerateOptions{Projects: 1, Tasks: 3, Seed: 6},
			asanaemu.Options{MaxConcurrent: 1, Latency: 100 * time.Millisecond, PerMinute: 1 << 20})
		c := f.connector(t, f.settings(), options{rate: 1000})
		var wg sync.WaitGroup
		results := make([][]string, 2)
		for i := range results {
			wg.Go(func() {
				got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
				assert.NoError(t, got.Err)
				results[i] = ids(got.Documents)
			})
		}
		wg.Wait()
		for _, r := range results {
			assert.Equal(t, f.expectedIDs(time.Time{}, time.Time{}), r)
		}
		assert.Positive(t, f.emu.CountStatus(http.StatusTooManyRequests))
		f.emu.Close()
	})
}

// A poll asks for the tasks modified since the window's start and keeps
// those modified before its end.
func TestPollAsksModifiedSince(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	c := f.connector(t, f.settings(), fast)
	ts := f.times()
	start, end := ts[2], ts[len(ts)-2]
	got := collect(context.Background(), c, start, end, nil)
	require.NoError(t, got.Err)
	assert.Equal(t, f.expectedIDs(start, end), ids(got.Documents))
	for _, r := range f.emu.Requests() {
		if r.Path == "/api/1.0/tasks" {
			q, err := url.ParseQuery(r.Query)
			require.NoError(t, err)
			assert.Equal(t, start.Format(time.RFC3339Nano), q.Get("modified_since"))
		}
	}
}

// A task in two projects is one document, under the project with the
// smallest gid, open to whoever may see either.
func TestSharedTaskIsOneDocument(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	c := f.connector(t, f.settings(), fast)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	seen := map[string]int{}
	for _, d := range got.Documents {
		seen[d.ID]++
	}
	for id, n := range seen {
		assert.Equal(t, 1, n, id)
	}
	shared := f.data.Tasks[f.data.Projects[1].Tasks[0]]
	require.Len(t, shared.Projects, 2)
	var doc *tributary.Document
	for _, d := range got.Documents {
		if d.ID == TaskID(shared.GID) {
			doc = d
		}
	}
	require.NotNil(t, doc)
	p0, p1 := f.data.Projects[0], f.data.Projects[1]
	assert.Equal(t, projectID(asanaemu.WorkspaceGID, p0.GID), doc.ParentID, "under the smaller gid")
	assert.Contains(t, doc.ExternalAccess.GroupIDs, workspaceGroup(asanaemu.WorkspaceGID), "project 1 is public to the workspace")
	assert.Contains(t, doc.ExternalAccess.GroupIDs, teamGroup(p1.Team), "project 2 is private to its team")
	assert.ElementsMatch(t, []string{p0.Name, p1.Name}, doc.Metadata[MetaProject])
}

// Access follows each project's privacy; a task adds its assignee and
// followers.
func TestAccessFollowsPrivacy(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	c := f.connector(t, f.settings(), fast)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	nodes := map[string]*tributary.HierarchyNode{}
	for _, n := range got.Nodes {
		nodes[n.ID] = n
	}
	email := func(gid string) string { return f.data.Users[gid].Email }
	for i, want := range []string{asanaemu.PublicToWorkspace, asanaemu.PrivateToTeam, asanaemu.Private} {
		p := f.data.Projects[i]
		require.Equal(t, want, p.Privacy)
		n := nodes[projectID(asanaemu.WorkspaceGID, p.GID)]
		require.NotNil(t, n, p.GID)
		assert.Equal(t, workspaceID(asanaemu.WorkspaceGID), n.ParentID)
		for _, m := range p.Members {
			assert.Contains(t, n.ExternalAccess.UserEmails, email(m))
		}
		switch want {
		case asanaemu.PublicToWorkspace:
			assert.Equal(t, []string{workspaceGroup(asanaemu.WorkspaceGID)}, n.ExternalAccess.GroupIDs)
		case asanaemu.PrivateToTeam:
			assert.Equal(t, []string{teamGroup(p.Team)}, n.ExternalAccess.GroupIDs)
		default:
			assert.Empty(t, n.ExternalAccess.GroupIDs)
		}
	}
	for _, d := range got.Documents {
		gid := strings.TrimPrefix(d.ID, web+"/0/0/")
		tk := f.data.Tasks[gid]
		if tk.Assignee != "" {
			assert.Contains(t, d.ExternalAccess.UserEmails, email(tk.Assignee))
			assert.Equal(t, email(tk.Assignee), d.PrimaryOwners[0].Email)
		}
		for _, fl := range tk.Followers {
			assert.Contains(t, d.ExternalAccess.UserEmails, email(fl))
		}
	}
}

// Comments are sections; system stories are not.
func TestCommentsAreSections(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	c := f.connector(t, f.settings(), fast)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	for _, d := range got.Documents {
		tk := f.data.Tasks[strings.TrimPrefix(d.ID, web+"/0/0/")]
		comments := 0
		for _, s := range tk.Stories {
			if s.Type == "comment" {
				comments++
			}
		}
		require.Len(t, d.Sections, 1+comments, d.ID)
		assert.Contains(t, d.Sections[0].Text, tk.Notes)
		assert.Equal(t, tk.Name, d.Title)
		assert.True(t, strings.HasPrefix(d.Sections[0].Link, "https://app.asana.com/1/"+asanaemu.WorkspaceGID+"/project/"), d.Sections[0].Link)
		for _, s := range d.Sections[1:] {
			assert.True(t, strings.HasPrefix(s.Heading, "Comment by "), s.Heading)
		}
		assert.Equal(t, tk.ModifiedAt, d.UpdatedAt)
	}
}

// A token without a needed OAuth scope fails Validate with
// ErrInsufficientPermissions naming the scope; a revoked one with
// ErrCredentialExpired.
func TestValidateNamesMissingScopes(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	for scope, missing := range map[string][]string{
		"projects:read": {asanaemu.ScopeUsers, asanaemu.ScopeTasks, asanaemu.ScopeStories},
		"stories:read":  {asanaemu.ScopeUsers, asanaemu.ScopeProjects, asanaemu.ScopeTasks},
	} {
		tok := "narrow-" + scope
		f.emu.AddToken(tok, asanaemu.MeGID, missing...)
		c, err := newConnector(f.settings(), Credentials{AccessToken: tributary.NewSecret(tok)}, f.env(), fast)
		require.NoError(t, err)
		err = c.Validate(context.Background())
		require.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
		assert.Contains(t, err.Error(), scope)
		assert.NotContains(t, err.Error(), tok)
		probe := c.Probe(context.Background())
		assert.Equal(t, tributary.ProbeFailed, probe[0].Status)
		assert.Equal(t, []string{scope}, probe[0].Missing)
	}
	c, err := newConnector(f.settings(), Credentials{AccessToken: tributary.NewSecret("2/1/2:revoked")}, f.env(), fast)
	require.NoError(t, err)
	err = c.Validate(context.Background())
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.NotContains(t, err.Error(), "revoked")

	// Group sync needs teams:read.
	f.emu.AddToken("no-teams", asanaemu.MeGID, asanaemu.ScopeUsers, asanaemu.ScopeWorkspaces, asanaemu.ScopeProjects,
		asanaemu.ScopeTasks, asanaemu.ScopeStories)
	c, err = newConnector(f.settings(), Credentials{AccessToken: tributary.NewSecret("no-teams")}, f.env(), fast)
	require.NoError(t, err)
	probe := c.Probe(context.Background())
	assert.Equal(t, tributary.ProbePassed, probe[0].Status)
	assert.Equal(t, tributary.ProbePassed, probe[1].Status)
	assert.Equal(t, tributary.ProbeFailed, probe[2].Status)
	assert.Equal(t, []string{"teams:read"}, probe[2].Missing)
}

// A workspace the settings name that the user is not in is an
// ErrNotFound error; a project list filters.
func TestSettingsChooseWorkspacesAndProjects(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	s := f.settings()
	s.Workspaces = []string{"999"}
	got := collect(context.Background(), f.connector(t, s, fast), time.Time{}, time.Time{}, nil)
	require.ErrorIs(t, got.Err, tributary.ErrNotFound)

	s = f.settings()
	s.Projects = []string{f.data.Projects[2].GID}
	got = collect(context.Background(), f.connector(t, s, fast), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	var want []string
	for _, g := range f.data.Projects[2].Tasks {
		want = append(want, TaskID(g))
	}
	assert.ElementsMatch(t, want, ids(got.Documents))
}

// Archived projects are read only when asked.
func TestArchivedProjects(t *testing.T) {
	f := newFixture(t, asanaemu.GenerateOptions{Projects: 3, Tasks: 2, Archived: 1, Seed: 7}, asanaemu.Options{})
	s := f.settings()
	got := collect(context.Background(), f.connector(t, s, fast), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Len(t, got.Documents, 4)
	s.IncludeArchived = true
	got = collect(context.Background(), f.connector(t, s, fast), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Len(t, got.Documents, 6)
}

// Subtasks are documents of their own when asked, under their parent's
// project.
func TestSubtasks(t *testing.T) {
	f := newFixture(t, asanaemu.GenerateOptions{Projects: 1, Tasks: 3, Subtasks: 2, Seed: 7}, asanaemu.Options{})
	s := f.settings()
	s.IncludeSubtasks = true
	c := f.connector(t, s, fast)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Len(t, got.Documents, 5)
	for _, d := range got.Documents {
		assert.Equal(t, projectID(asanaemu.WorkspaceGID, f.data.Projects[0].GID), d.ParentID)
	}
	var slim []string
	for sd, err := range c.LoadSlim(context.Background(), time.Time{}, time.Time{}) {
		require.NoError(t, err)
		slim = append(slim, sd.ID)
	}
	assert.ElementsMatch(t, ids(got.Documents), slim)
}

// A malformed task (no gid) is a failure of its project; the rest goes on.
func TestMalformedAnswers(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	f.emu.Update(func(d *asanaemu.Data) {
		d.Tasks[d.Projects[0].Tasks[0]].GID = "not-a-gid"
	})
	got := collect(context.Background(), f.connector(t, f.settings(), fast), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.Equal(t, projectID(asanaemu.WorkspaceGID, f.data.Projects[0].GID), got.Failures[0].EntityID)
	assert.ErrorIs(t, got.Failures[0], tributary.ErrMalformedResponse)
	assert.NotEmpty(t, got.Documents)
}

// Each checkpoint of a stream with Values resumes to the same final set,
// events phases included; one naming a project the settings no longer
// read resumes with the next project by gid.
func TestResumeFromEveryCheckpointWithValues(t *testing.T) {
	f := newFixture(t, asanaemu.GenerateOptions{Projects: 3, Tasks: 3, Seed: 9}, asanaemu.Options{})
	s := f.settings()
	s.PageSize = 2
	c := f.connector(t, s, fast)
	ctx := tributary.WithValues(context.Background(), &memValues{})
	type mark struct {
		cp     tributary.Checkpoint
		before []string
	}
	var marks []mark
	var seen []string
	for it, err := range c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		switch {
		case it.Document != nil:
			seen = append(seen, it.Document.ID)
		case it.Checkpoint != nil:
			marks = append(marks, mark{it.Checkpoint, slices.Clone(seen)})
		}
	}
	want := f.expectedIDs(time.Time{}, time.Time{})
	phases := map[string]bool{}
	for i, m := range marks {
		pos, err := decodePosition(m.cp)
		require.NoError(t, err)
		phases[pos.Phase] = true
		got := collect(ctx, c, time.Time{}, time.Time{}, m.cp)
		require.NoError(t, got.Err)
		all := append(slices.Clone(m.before), ids(got.Documents)...)
		slices.Sort(all)
		assert.Equal(t, want, slices.Compact(all), "checkpoint %d (%+v)", i, pos)
	}
	assert.True(t, phases[phaseEvents] && phases[phaseDone] && phases[phaseTasks])

	s.Projects = []string{f.data.Projects[0].GID, f.data.Projects[2].GID}
	c = f.connector(t, s, fast)
	cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion,
		position{Workspace: asanaemu.WorkspaceGID, Project: f.data.Projects[1].GID, Offset: "stale"})
	require.NoError(t, err)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, cp)
	require.NoError(t, got.Err)
	var rest []string
	for _, g := range f.data.Projects[2].Tasks {
		rest = append(rest, TaskID(g))
	}
	assert.ElementsMatch(t, rest, ids(got.Documents))
}

// More than a page of events (100) is read through has_more.
func TestManyDeletionsPageThroughEvents(t *testing.T) {
	f := newFixture(t, asanaemu.GenerateOptions{Projects: 1, Tasks: 130, Seed: 10}, asanaemu.Options{PerMinute: 1 << 20})
	s := f.settings()
	s.IncludeComments = false
	c := f.connector(t, s, fast)
	ctx := tributary.WithValues(context.Background(), &memValues{})
	require.NoError(t, collect(ctx, c, time.Time{}, time.Time{}, nil).Err)
	now := time.Now()
	gone := slices.Clone(f.data.Projects[0].Tasks[:120])
	f.emu.Update(func(d *asanaemu.Data) {
		for _, g := range gone {
			d.DeleteTask(g, now)
		}
	})
	f.emu.ResetLog()
	got := collect(ctx, c, now.Add(-time.Minute), now.Add(time.Minute), nil)
	require.NoError(t, got.Err)
	var want []string
	for _, g := range gone {
		want = append(want, TaskID(g))
	}
	assert.ElementsMatch(t, want, got.Deletions)
	assert.Equal(t, 2, f.emu.Count("GET /api/1.0/events"))
}

// An answer without what the connector needs is ErrMalformedResponse,
// never a panic.
func TestMalformedUser(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	f.emu.Update(func(d *asanaemu.Data) { d.Users[asanaemu.MeGID].GID = "" })
	c := f.connector(t, f.settings(), fast)
	// GET /users/me now answers a user without a gid.
	require.ErrorIs(t, c.Validate(context.Background()), tributary.ErrMalformedResponse)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.ErrorIs(t, got.Err, tributary.ErrMalformedResponse)
}
