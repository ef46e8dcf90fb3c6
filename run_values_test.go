package tributary_test

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

// valuesConnector loads its documents and puts a value for each after
// yielding it, recording what each run read of the previous one's.
type valuesConnector struct {
	docs []*tributary.Document
	read []map[string][]byte
}

func (c *valuesConnector) Source() tributary.DocumentSource { return testSource }
func (c *valuesConnector) Validate(context.Context) error   { return nil }

func (c *valuesConnector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		v := tributary.ValuesFrom(ctx)
		if v == nil {
			yield(nil, errors.New("no values"))
			return
		}
		var ids []string
		for _, d := range c.docs {
			ids = append(ids, d.ID)
		}
		got, err := v.Get(ctx, ids)
		if err != nil {
			yield(nil, err)
			return
		}
		c.read = append(c.read, got)
		for _, d := range c.docs {
			if !yield(d, nil) {
				return
			}
			v.Put(d.ID, []byte("seen "+d.ID))
		}
	}
}

// Values put after a document are stored only once the sink acknowledged
// it: a crash may lose a value, never store one for a document the sink
// did not take.
func TestRunValuesCommitWithTheirDocuments(t *testing.T) {
	c := &valuesConnector{docs: makeDocs(6)}
	for _, d := range c.docs {
		d.ParentID = "" // no folders
	}
	store := &tributary.MemoryStore{}
	sink := newRecorder(t)
	sink.onWrite = func(_ context.Context, n int) error {
		if n == 2 {
			return errors.New("sink down")
		}
		return nil
	}
	now := t0.Add(time.Hour)
	r := &tributary.Runner{Store: store, Sink: sink, Now: fixedNow(&now), BatchDocs: 2}
	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.Error(t, err)
	ids := docIDs(c.docs)
	got, err := store.Values(context.Background(), "test", ids)
	require.NoError(t, err)
	// The first batch, doc-00 and doc-01, went when doc-01 was added, before
	// doc-01's value was put: that value waited for the commit that failed.
	assert.Equal(t, map[string][]byte{"doc-00": []byte("seen doc-00")}, got,
		"a value is stored only after its document")

	sink.onWrite = nil
	_, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	require.Len(t, c.read, 2)
	assert.Equal(t, got, c.read[1], "the next run reads what was stored")
	got, err = store.Values(context.Background(), "test", ids)
	require.NoError(t, err)
	assert.Len(t, got, 6)

	// A run that redelivers reads nothing, so the connector fetches all.
	_, err = r.Run(context.Background(), c, tributary.RunOptions{Full: true, Redeliver: true})
	require.NoError(t, err)
	assert.Empty(t, c.read[2])

	require.NoError(t, store.Reset(context.Background(), "test"))
	got, err = store.Values(context.Background(), "test", ids)
	require.NoError(t, err)
	assert.Empty(t, got, "Reset forgets the values")
}
