package temporal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tributary-dev/tributary"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The names under which Register registers the workflows and activities.
const (
	SyncWorkflowName      = "tributary.Sync"
	PruneWorkflowName     = "tributary.Prune"
	ScheduledWorkflowName = "tributary.Scheduled"

	planActivity  = "tributary.PlanWindow"
	sliceActivity = "tributary.SyncSlice"
	pruneActivity = "tributary.PruneInstance"
)

// Worker holds what the activities need on a worker: the backend's
// Resolver, Store and Sink. The Store must be shared by every worker of the
// task queue (a database, not memory), since a slice may be retried on any
// of them.
type Worker struct {
	// Resolver opens the connector a workflow names.
	Resolver Resolver
	// Store keeps each instance's window, checkpoint and inventory, as for
	// tributary.Runner; a Runner and these workflows may share it.
	Store tributary.Store
	// Sink receives the batches.
	Sink tributary.Sink
	// Hold, when set, is asked for the instance before each slice and
	// prune, and gives the Store the activity writes through until it calls
	// release. A lease there (pgstore.Store.Hold) keeps a worker whose
	// attempt timed out while it stalled from writing over the worker that
	// took the retry: the retry waits until the stalled lease lapses (an
	// error Temporal retries), and the stalled worker's commits are refused.
	Hold func(ctx context.Context, instance string) (st tributary.Store, release func(), err error)
	// BatchDocs, BatchBytes and BatchAge bound a batch as they do a
	// tributary.Runner's, with the same defaults.
	BatchDocs  int
	BatchBytes int
	BatchAge   time.Duration
	// Logger receives the activities' logs; nil discards them.
	Logger *slog.Logger
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Register registers the workflows and the worker's activities on r under
// the names above.
func (w *Worker) Register(r worker.Registry) {
	RegisterWorkflows(r)
	r.RegisterActivityWithOptions(w.PlanWindow, activity.RegisterOptions{Name: planActivity})
	r.RegisterActivityWithOptions(w.SyncSlice, activity.RegisterOptions{Name: sliceActivity})
	r.RegisterActivityWithOptions(w.Prune, activity.RegisterOptions{Name: pruneActivity})
}

// RegisterWorkflows registers only the workflows, for workers that run no
// activities.
func RegisterWorkflows(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(SyncWorkflow, workflow.RegisterOptions{Name: SyncWorkflowName})
	r.RegisterWorkflowWithOptions(PruneWorkflow, workflow.RegisterOptions{Name: PruneWorkflowName})
	r.RegisterWorkflowWithOptions(ScheduledWorkflow, workflow.RegisterOptions{Name: ScheduledWorkflowName})
}

func (w *Worker) log() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return time.Now().UTC()
}

func (w *Worker) check() error {
	var problem string
	switch {
	case w.Resolver == nil:
		problem = "worker has no Resolver"
	case w.Store == nil:
		problem = "worker has no Store"
	case w.Sink == nil:
		problem = "worker has no Sink"
	}
	if problem != "" {
		return tributary.NewError("temporal", tributary.ErrInvalidConfig, errors.New(problem))
	}
	return nil
}

// store is the Store an activity on instance writes through, and what
// releases it.
func (w *Worker) store(ctx context.Context, instance string) (tributary.Store, func(), error) {
	if w.Hold == nil {
		return w.Store, func() {}, nil
	}
	st, release, err := w.Hold(ctx, instance)
	if err != nil {
		return nil, nil, fmt.Errorf("hold %s: %w", instance, err)
	}
	return st, release, nil
}

// open resolves ref into a connector.
func (w *Worker) open(ctx context.Context, ref Ref) (tributary.Connector, error) {
	if err := errors.Join(w.check(), ref.check()); err != nil {
		return nil, err
	}
	c, err := w.Resolver.Open(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", ref.Instance, err)
	}
	if c == nil {
		return nil, tributary.NewError("open "+ref.Instance, tributary.ErrInvalidConfig, errors.New("resolver returned no connector"))
	}
	return c, nil
}

// canPoll reports whether c can be asked for a window of time.
func canPoll(c tributary.Connector) bool {
	caps := tributary.CapabilitiesOf(c)
	return caps.Poll || caps.Checkpoint
}
