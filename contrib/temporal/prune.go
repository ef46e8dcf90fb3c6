package temporal

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/tributary-dev/tributary"
	"go.temporal.io/sdk/activity"
)

// PruneRequest asks to delete the documents an instance's source no longer
// has, with the runner's safety rules.
type PruneRequest struct {
	Ref Ref `json:"ref"`
	// MaxShare and Force are as in tributary.PruneOptions: deleting more
	// than MaxShare (default tributary.DefaultPruneShare) of the known
	// documents is refused unless Force, and a listing that failed never
	// deletes anything.
	MaxShare float64 `json:"max_share,omitempty"`
	Force    bool    `json:"force,omitempty"`
}

// PruneReport is what a prune did.
type PruneReport struct {
	Listed  int `json:"listed"`
	Known   int `json:"known"`
	Missing int `json:"missing"`
	Deleted int `json:"deleted"`
}

// Prune is the activity that prunes an instance with tributary.Runner.Prune
// over the worker's Store and Sink. A prune starts over when retried: its
// listing marks are not worth resuming, and deletions already acknowledged
// are committed batch by batch. A refusal is not retried unless the listing
// failed with a rate limit or a transient error.
func (w *Worker) Prune(ctx context.Context, req PruneRequest) (PruneReport, error) {
	c, err := w.open(ctx, req.Ref)
	if err != nil {
		return PruneReport{}, classify(fmt.Errorf("prune %s: %w", req.Ref.Instance, err))
	}
	store, release, err := w.store(ctx, req.Ref.Instance)
	if err != nil {
		return PruneReport{}, classify(fmt.Errorf("prune %s: %w", req.Ref.Instance, err))
	}
	defer release()
	var deleted atomic.Int64
	r := tributary.Runner{
		Store: store, Sink: w.Sink, Instance: req.Ref.Instance,
		BatchDocs: w.BatchDocs, BatchBytes: w.BatchBytes, Logger: w.Logger, Now: w.Now,
		Progress: func(p tributary.Progress) {
			deleted.Store(int64(p.Deletions))
			activity.RecordHeartbeat(ctx, p.Deletions)
		},
	}
	stop := keepAlive(ctx, activity.GetInfo(ctx).HeartbeatTimeout, func() any { return deleted.Load() })
	res, err := r.Prune(ctx, c, tributary.PruneOptions{MaxShare: req.MaxShare, Force: req.Force})
	stop()
	rep := PruneReport{Listed: res.Listed, Known: res.Known, Missing: res.Missing, Deleted: res.Deleted}
	if err != nil {
		return rep, classify(err)
	}
	return rep, nil
}

// keepAlive heartbeats details() every third of the heartbeat timeout while
// the activity runs, so that a slow connector (a rate-limit wait, a large
// file, a long listing) does not look dead; only a dead worker misses its
// heartbeat timeout. It returns a function that stops it.
func keepAlive(ctx context.Context, timeout time.Duration, details func() any) func() {
	if timeout <= 0 {
		return func() {}
	}
	tickCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(timeout / 3)
		defer t.Stop()
		for {
			select {
			case <-tickCtx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx, details())
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
