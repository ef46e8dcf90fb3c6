// Package temporal runs Tributary connector syncs as durable Temporal
// workflows, so that a backend with many connector instances can spread them
// over a fleet of workers and survive the loss of any of them.
//
// # How a sync runs
//
// A sync is a workflow per connector instance and window. Its first
// activity plans the window from the Store, with the same rules as
// tributary.Runner: an interrupted window is resumed from its stored
// checkpoint; the first run is a full load; later runs poll from the end of
// the last good window less the lookback. Then the workflow runs one slice
// activity after another. A slice drives the connector's item stream from
// the last committed checkpoint for a bounded number of items or a bounded
// time, and stops at the first checkpoint past that bound. Inside a slice, a
// tributary.Batcher does what it does for tributary.Runner: documents are
// batched, repeats are dropped against the Store's inventory by the request's
// RepeatRule, each batch goes to the worker's Sink, and only after the sink
// acknowledged it are the checkpoint and the inventory committed to the Store;
// the checkpoint is then recorded as the activity's heartbeat. When a
// worker dies mid-slice, Temporal retries the slice on another worker, which
// resumes from the last heartbeat: nothing is lost, and what reaches the sink
// twice is bounded by what the dead worker delivered after its last recorded
// heartbeat, at most one slice (less, since repeats whose inventory entry
// was committed are dropped).
//
// After SyncRequest.SlicesPerRun slices, or when the server suggests it, the
// workflow continues as new with its window, checkpoint and totals, so its
// history stays bounded however large the source. The "status" query
// (QueryStatus, or Status from a client) returns the window, the totals, the
// failures the connector reported and the last error.
//
// # Credentials
//
// Workflow inputs, results, heartbeats and errors carry only a Ref: the
// connector instance's id and its source. The worker opens the connector
// through a Resolver that the backend implements, reading settings and
// credentials from wherever it keeps them, so no credential ever enters
// workflow history.
//
// # Errors
//
// Invalid configuration, rejected or expired credentials, missing
// permissions, a configured object that does not exist, an unusable
// checkpoint, an unknown source and too many document failures end the
// workflow with a non-retryable *temporal.ApplicationError whose type names
// the kind (see the Err* type names); retrying would not help. Rate limits
// and transient failures are retried, after the delay the source asked for
// (tributary.Error.RetryAfter) when it gave one.
//
// # Cadence
//
// CreateSchedule makes one Temporal schedule per connector instance. Each
// scheduled run syncs, then prunes when PruneEvery has passed since the last
// prune, with the runner's pruning safety rules (tributary.PruneOptions: a
// listing that failed never deletes, and deleting more than MaxShare of the
// known documents is refused without Force). Syncs and prunes of one
// instance run under one workflow id, WorkflowID(instance), so Temporal
// never runs two of them at once, whoever started them.
//
// # Setting it up
//
// A worker process builds a Worker from the backend's Resolver, Store and
// Sink, registers it on a Temporal worker, and runs:
//
//	w := worker.New(c, "tributary", worker.Options{})
//	(&temporal.Worker{Resolver: res, Store: store, Sink: sink}).Register(w)
//	err := w.Run(worker.InterruptCh())
//
// Workers on several machines share one Store, such as pgstore's; with
// Hold: store.Hold each activity also holds its instance under a lease, so a
// worker that stalled past its heartbeat timeout cannot commit over the one
// that took the retry. The example's -pg flag runs two workers that way.
//
// A client starts syncs with StartSync or schedules them with
// CreateSchedule. This module is separate from Tributary's own so that
// importing Tributary never pulls Temporal's dependencies; it needs Go
// 1.26.10 or newer, as the Temporal server used by its tests does.
package temporal
