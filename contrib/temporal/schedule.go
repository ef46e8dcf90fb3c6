package temporal

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	temporalsdk "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// WorkflowID is the id of every sync and prune of an instance. Temporal
// runs one workflow of an id at a time, so a sync and a prune of one
// instance never overlap, whoever started them.
func WorkflowID(instance string) string { return "tributary/" + instance }

// ScheduleID is the id of an instance's schedule.
func ScheduleID(instance string) string { return "tributary-schedule/" + instance }

// PruneWorkflowRequest starts a prune workflow.
type PruneWorkflowRequest struct {
	PruneRequest
	// Timeout and HeartbeatTimeout are the prune activity's start-to-close
	// and heartbeat timeouts; zero means DefaultSliceTimeout and
	// DefaultHeartbeatTimeout. Retry is as in SyncRequest.
	Timeout          time.Duration            `json:"timeout,omitempty"`
	HeartbeatTimeout time.Duration            `json:"heartbeat_timeout,omitempty"`
	Retry            *temporalsdk.RetryPolicy `json:"retry,omitempty"`
}

// PruneWorkflow prunes one instance: it runs the Prune activity and ends
// with a non-retryable error when the prune is refused.
func PruneWorkflow(ctx workflow.Context, req PruneWorkflowRequest) (PruneReport, error) {
	ctx = workflow.WithActivityOptions(ctx, activityOptions(req.Timeout, req.HeartbeatTimeout, req.Retry))
	var rep PruneReport
	err := workflow.ExecuteActivity(ctx, pruneActivity, req.PruneRequest).Get(ctx, &rep)
	return rep, err
}

// ScheduledRequest is what an instance's schedule starts each time.
type ScheduledRequest struct {
	// Sync is the sync to run.
	Sync SyncRequest `json:"sync"`
	// Prune is the prune to run after the sync once PruneEvery has passed
	// since the last one (and on the schedule's first run). Zero
	// PruneEvery never prunes.
	Prune      PruneWorkflowRequest `json:"prune"`
	PruneEvery time.Duration        `json:"prune_every,omitempty"`
}

// ScheduledResult is what a scheduled run did. The next run reads it to
// know when the last prune was.
type ScheduledResult struct {
	// Skipped reports that a sync or prune of the instance was already
	// running, so this run did nothing.
	Skipped   bool         `json:"skipped,omitempty"`
	Sync      *SyncStatus  `json:"sync,omitempty"`
	Prune     *PruneReport `json:"prune,omitempty"`
	LastPrune time.Time    `json:"last_prune,omitzero"`
}

// ScheduledWorkflow runs one tick of an instance's schedule: a sync, then a
// prune when one is due, each as a child workflow with id
// WorkflowID(instance).
func ScheduledWorkflow(ctx workflow.Context, req ScheduledRequest) (ScheduledResult, error) {
	var res ScheduledResult
	if workflow.HasLastCompletionResult(ctx) {
		var last ScheduledResult
		if err := workflow.GetLastCompletionResult(ctx, &last); err == nil {
			res.LastPrune = last.LastPrune
		}
	}
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: WorkflowID(req.Sync.Ref.Instance)})
	var st SyncStatus
	err := workflow.ExecuteChildWorkflow(child, SyncWorkflowName, req.Sync).Get(ctx, &st)
	if temporalsdk.IsWorkflowExecutionAlreadyStartedError(err) {
		res.Skipped = true
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Sync = &st
	now := workflow.Now(ctx)
	if req.PruneEvery <= 0 || (!res.LastPrune.IsZero() && now.Sub(res.LastPrune) < req.PruneEvery) {
		return res, nil
	}
	preq := req.Prune
	preq.Ref = req.Sync.Ref
	var rep PruneReport
	err = workflow.ExecuteChildWorkflow(child, PruneWorkflowName, preq).Get(ctx, &rep)
	if temporalsdk.IsWorkflowExecutionAlreadyStartedError(err) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Prune, res.LastPrune = &rep, now
	return res, nil
}

// Schedule is an instance's sync and prune cadence.
type Schedule struct {
	// TaskQueue is the queue the workers poll.
	TaskQueue string
	// Every is how often a sync starts; a tick while the previous sync is
	// still running is skipped.
	Every time.Duration
	// Request is what each tick runs.
	Request ScheduledRequest
	// Paused creates the schedule paused.
	Paused bool
}

// CreateSchedule creates the Temporal schedule of an instance, with id
// ScheduleID(instance).
func CreateSchedule(ctx context.Context, c client.Client, s Schedule) (client.ScheduleHandle, error) {
	ref := s.Request.Sync.Ref
	if err := ref.check(); err != nil {
		return nil, err
	}
	if s.Every <= 0 || s.TaskQueue == "" {
		return nil, fmt.Errorf("schedule %s: %w", ref.Instance, errors.New("needs a positive Every and a TaskQueue"))
	}
	h, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:      ScheduleID(ref.Instance),
		Spec:    client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: s.Every}}},
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		Paused:  s.Paused,
		Action: &client.ScheduleWorkflowAction{
			ID:        "tributary-scheduled/" + ref.Instance,
			Workflow:  ScheduledWorkflowName,
			Args:      []any{s.Request},
			TaskQueue: s.TaskQueue,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("schedule %s: %w", ref.Instance, err)
	}
	return h, nil
}

// StartSync starts a sync workflow of req.Ref.Instance with id
// WorkflowID(instance). It fails with a WorkflowExecutionAlreadyStarted
// error while a sync or prune of the instance runs.
func StartSync(ctx context.Context, c client.Client, taskQueue string, req SyncRequest) (client.WorkflowRun, error) {
	return start(ctx, c, taskQueue, req.Ref, "sync", SyncWorkflowName, req)
}

// StartPrune starts a prune workflow of req.Ref.Instance with id
// WorkflowID(instance).
func StartPrune(ctx context.Context, c client.Client, taskQueue string, req PruneWorkflowRequest) (client.WorkflowRun, error) {
	return start(ctx, c, taskQueue, req.Ref, "prune", PruneWorkflowName, req)
}

// start starts workflow with req as its argument, under the instance's one
// workflow id, so that a second sync or prune of it is refused.
func start(ctx context.Context, c client.Client, taskQueue string, ref Ref, what, workflow string, req any) (client.WorkflowRun, error) {
	if err := ref.check(); err != nil {
		return nil, err
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       WorkflowID(ref.Instance),
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
	}, workflow, req)
	if err != nil {
		return nil, fmt.Errorf("start %s %s: %w", what, ref.Instance, err)
	}
	return run, nil
}

// Status queries the sync workflow of an instance (the latest run, running
// or closed) for its SyncStatus.
func Status(ctx context.Context, c client.Client, instance string) (SyncStatus, error) {
	v, err := c.QueryWorkflow(ctx, WorkflowID(instance), "", QueryStatus)
	if err != nil {
		return SyncStatus{}, fmt.Errorf("status of %s: %w", instance, err)
	}
	var st SyncStatus
	if err := v.Get(&st); err != nil {
		return SyncStatus{}, fmt.Errorf("status of %s: %w", instance, err)
	}
	return st, nil
}
