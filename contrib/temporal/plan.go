package temporal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tributary-dev/tributary"
)

// PlanRequest asks for the window of the next sync of an instance.
type PlanRequest struct {
	Ref Ref `json:"ref"`
	// Full, Since and Lookback are as in SyncRequest.
	Full     bool          `json:"full,omitempty"`
	Since    time.Time     `json:"since,omitzero"`
	Lookback time.Duration `json:"lookback,omitempty"`
	// NoResume opens a new window even when one is in progress (after the
	// one in progress was resumed and finished).
	NoResume bool `json:"no_resume,omitempty"`
}

// Plan is the window a sync runs and where in it to start.
type Plan struct {
	// Window is the window to run; Full reports a full load.
	Window tributary.Window `json:"window"`
	Full   bool             `json:"full,omitempty"`
	// Checkpoint is where to start: the stored checkpoint of an
	// interrupted window, or empty.
	Checkpoint tributary.Checkpoint `json:"checkpoint,omitempty"`
	// Resumed reports an interrupted window; the sync opens a new window
	// after it, as tributary.Runner does, when the connector can poll.
	Resumed bool `json:"resumed,omitempty"`
	// Poll reports that the connector can poll; when false, every window is
	// a full load.
	Poll bool `json:"poll,omitempty"`
	// Empty reports that there is nothing to run: the clock is behind the
	// end of the last good window.
	Empty bool `json:"empty,omitempty"`
}

// PlanWindow is the activity that chooses a sync's window from the Store,
// with the rules of tributary.Runner: an interrupted window is resumed from
// its checkpoint (unless Full); the first window, a Full one and every
// window of a connector that cannot poll are full loads [zero, now);
// others are [last good end - lookback, now), or [Since, now). It records
// the new window in the Store as in progress.
func (w *Worker) PlanWindow(ctx context.Context, req PlanRequest) (Plan, error) {
	p, err := w.plan(ctx, req)
	if err != nil {
		return Plan{}, classify(fmt.Errorf("plan %s: %w", req.Ref.Instance, err))
	}
	return p, nil
}

func (w *Worker) plan(ctx context.Context, req PlanRequest) (Plan, error) {
	if req.Full && !req.Since.IsZero() {
		return Plan{}, tributary.NewError("plan", tributary.ErrInvalidConfig,
			errors.New("a full sync cannot also start at a given time"))
	}
	c, err := w.open(ctx, req.Ref)
	if err != nil {
		return Plan{}, err
	}
	store, release, err := w.store(ctx, req.Ref.Instance)
	if err != nil {
		return Plan{}, err
	}
	defer release()
	st, err := store.State(ctx, req.Ref.Instance)
	if err != nil {
		return Plan{}, fmt.Errorf("read state: %w", err)
	}
	poll := canPoll(c)
	if st.InProgress() && !req.Full && !req.NoResume {
		return Plan{Window: st.Window, Full: st.Full, Checkpoint: st.Checkpoint, Resumed: true, Poll: poll}, nil
	}
	p := Plan{Poll: poll}
	end := w.now()
	switch {
	case !poll || req.Full || (st.LastGoodEnd.IsZero() && req.Since.IsZero()):
		p.Window, p.Full = tributary.Window{End: end}, true
	case !req.Since.IsZero():
		p.Window = tributary.Window{Start: req.Since.UTC(), End: end}
		if !p.Window.Start.Before(end) {
			return Plan{}, tributary.NewError("plan", tributary.ErrInvalidConfig,
				fmt.Errorf("since %s is not before now (%s)", p.Window.Start.Format(time.RFC3339), end.Format(time.RFC3339)))
		}
	default:
		p.Window = tributary.Window{Start: st.LastGoodEnd.Add(-lookback(req.Lookback)).UTC(), End: end}
		if !p.Window.Start.Before(end) {
			return Plan{Empty: true, Poll: poll}, nil
		}
	}
	next := tributary.State{Window: p.Window, Full: p.Full, LastGoodEnd: st.LastGoodEnd}
	if err := store.Commit(ctx, req.Ref.Instance, tributary.Commit{State: next}); err != nil {
		return Plan{}, fmt.Errorf("commit: %w", err)
	}
	return p, nil
}

// lookback applies the runner's convention: zero means
// tributary.DefaultLookback and a negative value no overlap.
func lookback(d time.Duration) time.Duration {
	switch {
	case d < 0:
		return 0
	case d == 0:
		return tributary.DefaultLookback
	}
	return d
}
