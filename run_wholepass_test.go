package tributary_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

// wholePassConnector is a pagedConnector whose every window is a whole
// pass, as a crawler's is.
type wholePassConnector struct{ *pagedConnector }

func (wholePassConnector) WholePass() bool { return true }

// A run that resumes a whole-pass connector's window stops with it; the
// next run opens a new window.
func TestRunResumedWholePassOpensNoNewWindow(t *testing.T) {
	errCut := errors.New("cut")
	c := wholePassConnector{newPaged(11, 3)}
	c.errAt, c.errKind = 5, errCut
	now := t0.Add(time.Hour)
	store := &tributary.MemoryStore{}
	r := &tributary.Runner{Store: store, Sink: newRecorder(t), Now: fixedNow(&now), BatchDocs: 3}
	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.ErrorIs(t, err, errCut)
	c.errAt = -1
	now = now.Add(time.Hour)
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	require.Len(t, c.calls, 2, "the interrupted window, resumed, and no other")
	assert.Equal(t, t0.Add(time.Hour), c.calls[1].end)

	now = now.Add(time.Hour)
	res, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.False(t, res.Resumed)
	require.Len(t, c.calls, 3)
	assert.Equal(t, now, c.calls[2].end, "the next run opens a new window")
}
