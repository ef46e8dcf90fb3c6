package salesforce

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/salesforceemu"
)

// Refetch answers a live record with the document a load gives it (its
// owner's name and address read from User), a record in the recycle bin
// and an article that is no longer online as deletions, and an id of
// another org or object as ErrForeignURL.
func TestRefetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Cases: 3, Articles: 4, Deleted: 1, Seed: 5}, salesforceemu.Options{})
		s := f.settings()
		s.Objects = []string{ObjectCase}
		c, err := New(s, creds(0), f.env())
		require.NoError(t, err)
		loaded := map[string]*tributary.Document{}
		got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.NoError(t, got.Err)
		for _, d := range got.Documents {
			loaded[d.ID] = d
		}
		cases := f.data.Objects[salesforceemu.Case].Records
		arts := f.data.Objects[salesforceemu.Knowledge].Records
		live := []string{docID(salesforceemu.Case, cases[0]), docID(salesforceemu.Case, cases[1]), docID(salesforceemu.Knowledge, arts[0])}
		deleted := docID(salesforceemu.Case, cases[3])
		require.True(t, cases[3].Deleted())
		draft := docID(salesforceemu.Knowledge, arts[3])
		require.Equal(t, "Draft", arts[3].Fields["PublishStatus"])
		foreign := []string{
			"https://other.my.salesforce.com/lightning/r/Case/" + cases[0].ID() + "/view",
			testInstance + "/lightning/r/Lead/" + cases[0].ID() + "/view",
			testInstance + "/lightning/r/Case/" + cases[0].ID()[:15] + "/view",
		}
		ask := append(append(append([]string{}, live...), deleted, draft), foreign...)
		answers := connectortest.CollectRefetch(t, t.Context(), c, ask...).Once(t, ask...)
		for _, id := range live {
			it := answers[id]
			require.NotNil(t, it.Document, id)
			require.Contains(t, loaded, id)
			assert.Equal(t, loaded[id].ContentHash(), it.Document.ContentHash(), id)
			assert.Equal(t, loaded[id].PrimaryOwners, it.Document.PrimaryOwners, id)
			assert.Equal(t, loaded[id].ExternalAccess, it.Document.ExternalAccess, id)
			assert.Equal(t, loaded[id].UpdatedAt, it.Document.UpdatedAt, id)
		}
		assert.Equal(t, deleted, answers[deleted].Deletion)
		assert.Equal(t, draft, answers[draft].Deletion)
		for _, id := range foreign {
			require.NotNil(t, answers[id].Failure, id)
			assert.ErrorIs(t, answers[id].Failure, tributary.ErrForeignURL, id)
		}
		users := 0
		for _, r := range f.emu.Requests() {
			if strings.HasPrefix(r.Path, "/services/data/v61.0/sobjects/User/") {
				users++
			}
		}
		assert.Equal(t, 2, users, "each owner read once: case 0 and the article share theirs")
	})
}
