package linear

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

// teamIDs lists what a load limited to the teams must yield: their
// issues, the projects they take part in, and those projects' documents.
func teamIDs(d *linearemu.Data, keys ...string) []string {
	in := func(ts []*linearemu.Team) bool {
		return slices.ContainsFunc(ts, func(t *linearemu.Team) bool { return slices.Contains(keys, t.Key) })
	}
	var ids []string
	for _, is := range d.Issues {
		if slices.Contains(keys, is.Team.Key) {
			ids = append(ids, d.IssueID(is))
		}
	}
	for _, p := range d.Projects {
		if in(p.Teams) {
			ids = append(ids, d.ProjectID(p))
		}
	}
	for _, doc := range d.Documents {
		if doc.Project != nil && in(doc.Project.Teams) {
			ids = append(ids, d.DocumentID(doc))
		}
	}
	slices.Sort(ids)
	return ids
}

// With teams configured, a load, a slim listing, groups and Refetch keep
// to those teams, every document's parent node comes first, and Validate
// names a team the credentials cannot see.
func TestTeamsLimitWhatIsRead(t *testing.T) {
	gen := linearemu.GenerateOptions{Teams: 3, Private: 1, Projects: 6, Issues: 18, Documents: 9, Seed: 4}
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, gen, linearemu.Options{})
		s := testSettings()
		s.Teams = []string{"ops", "DES"}
		s.PageSize = 3
		env := f.env()
		env.WantPermissions = true
		c, err := New(s, testCredentials(), env)
		require.NoError(t, err)
		require.NoError(t, c.Validate(t.Context()))
		r := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.NoError(t, r.Err)
		want := teamIDs(f.data, "OPS", "DES")
		require.NotEmpty(t, want)
		got := docIDs(r)
		slices.Sort(got)
		assert.Equal(t, want, got)
		nodes := map[string]bool{}
		for _, n := range r.Nodes {
			assert.NotContains(t, n.ID, "/team/ENG")
			nodes[n.ID] = true
		}
		for _, n := range r.Nodes {
			assert.True(t, n.ParentID == "" || nodes[n.ParentID], "node %s names %s", n.ID, n.ParentID)
		}
		for _, d := range r.Documents {
			assert.True(t, nodes[d.ParentID], "%s names %s", d.ID, d.ParentID)
		}

		var slim []string
		for sd, err := range c.LoadSlim(t.Context(), time.Time{}, time.Time{}) {
			require.NoError(t, err)
			slim = append(slim, sd.ID)
		}
		slices.Sort(slim)
		assert.Equal(t, want, slim)

		for g, err := range tributary.Groups(t.Context(), c) {
			require.NoError(t, err)
			assert.NotEqual(t, "team:"+f.data.Teams[0].ID, g.ID)
		}

		eng := f.data.IssueID(f.data.Issues[0])
		require.Contains(t, eng, "/issue/ENG-")
		got2 := connectortest.CollectRefetch(t, t.Context(), c, eng, want[0])
		once := got2.Once(t, eng, want[0])
		assert.Equal(t, eng, once[eng].Deletion, "an issue of a team not read is gone from the index")
		assert.NotNil(t, once[want[0]].Document)

		s.Teams = []string{"OPS", "NOPE"}
		c, err = New(s, testCredentials(), f.env())
		require.NoError(t, err)
		err = c.Validate(t.Context())
		require.ErrorIs(t, err, tributary.ErrNotFound)
		assert.Contains(t, err.Error(), "NOPE")
	})
}
