package blob

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

// The runner drives the connector end to end: a run that crashes halfway
// resumes from its stored checkpoint and delivers the rest, the next poll
// delivers only the object replaced since, and a prune removes the object
// deleted from the bucket.
func TestRunnerResumesPollsAndPrunes(t *testing.T) {
	var objs []object
	var ids []string
	for i := range 60 {
		key := fmt.Sprintf("runs/%02d/object-%03d.txt", i/10, i)
		objs = append(objs, object{key: key, body: fmt.Sprintf("object %d", i)})
		ids = append(ids, id(key))
	}
	f := newFixture(t, objs)
	s := f.settings()
	s.PageSize = 10
	c := f.connector(t, s)
	now := baseTime.Add(24 * time.Hour)
	sink := &connectortest.Sink{CrashAt: 3}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 10, Now: func() time.Time { return now }}

	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.ErrorIs(t, err, connectortest.ErrSinkCrashed, "the crash ends the first run")
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	slices.Sort(ids)
	assert.Equal(t, ids, sink.IDs())
	assert.LessOrEqual(t, sink.Repeats(), 10, "a resume repeats at most a batch")

	now = now.Add(time.Hour)
	f.emu.Put(testBucket, objs[42].key, []byte("replaced"), now.Add(-time.Minute))
	f.emu.Delete(testBucket, objs[7].key)
	sink.Reset()
	res, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{id(objs[42].key)}, sink.IDs())
	assert.Equal(t, 1, res.Documents)

	pr, err := r.Prune(context.Background(), c, tributary.PruneOptions{})
	require.NoError(t, err)
	assert.Equal(t, 59, pr.Listed)
	assert.Equal(t, 1, pr.Deleted)
}
