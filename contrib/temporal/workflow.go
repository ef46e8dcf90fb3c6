package temporal

import (
	"errors"
	"time"

	"github.com/tributary-dev/tributary"
	temporalsdk "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// QueryStatus is the name of the query that returns a sync's SyncStatus.
const QueryStatus = "status"

// Defaults for the SyncRequest fields left zero.
const (
	DefaultSliceItems       = 1000
	DefaultSliceTime        = 5 * time.Minute
	DefaultSlicesPerRun     = 100
	DefaultSliceTimeout     = 30 * time.Minute
	DefaultHeartbeatTimeout = time.Minute
	// maxStatusFailures bounds SyncStatus.Failures.
	maxStatusFailures = 50
)

// SyncRequest starts a sync workflow for one connector instance.
type SyncRequest struct {
	// Ref names the instance; the worker's Resolver opens it.
	Ref Ref `json:"ref"`
	// Full, Since, Lookback, Redeliver and Repeats are as in
	// tributary.RunOptions and tributary.Runner.
	Full      bool                 `json:"full,omitempty"`
	Since     time.Time            `json:"since,omitzero"`
	Lookback  time.Duration        `json:"lookback,omitempty"`
	Redeliver bool                 `json:"redeliver,omitempty"`
	Repeats   tributary.RepeatRule `json:"repeats,omitempty"`
	// SliceItems and SliceTime bound a slice (one activity): it stops at
	// the first checkpoint after that many items or that much time. Zero
	// means DefaultSliceItems and DefaultSliceTime; negative, no bound.
	SliceItems int           `json:"slice_items,omitempty"`
	SliceTime  time.Duration `json:"slice_time,omitempty"`
	// SlicesPerRun is how many slices a run of the workflow executes
	// before it continues as new. Zero means DefaultSlicesPerRun.
	SlicesPerRun int `json:"slices_per_run,omitempty"`
	// MaxFailures is as tributary.Runner.MaxFailures, over the whole sync.
	MaxFailures int `json:"max_failures,omitempty"`
	// SliceTimeout and HeartbeatTimeout are the slice activity's
	// start-to-close and heartbeat timeouts; zero means the defaults.
	SliceTimeout     time.Duration `json:"slice_timeout,omitempty"`
	HeartbeatTimeout time.Duration `json:"heartbeat_timeout,omitempty"`
	// Retry is the activities' retry policy; nil means a second's backoff
	// doubling up to five minutes, ten attempts. Its NonRetryableErrorTypes
	// are added to this package's.
	Retry *temporalsdk.RetryPolicy `json:"retry,omitempty"`
	// Carry is what a run hands to the run it continues as; leave it nil.
	Carry *Carry `json:"carry,omitempty"`
}

// Carry is a sync's position and totals, handed from one run of the
// workflow to the next.
type Carry struct {
	Plan     *Plan      `json:"plan,omitempty"`
	NoResume bool       `json:"no_resume,omitempty"`
	Status   SyncStatus `json:"status"`
}

// The phases of a sync.
const (
	PhasePlanning = "planning"
	PhaseSyncing  = "syncing"
	PhaseDone     = "done"
	PhaseFailed   = "failed"
)

// SyncStatus is what the status query and the workflow's result report.
type SyncStatus struct {
	Ref   Ref    `json:"ref"`
	Phase string `json:"phase"`
	// Window is the window being run, Full whether it is a full load;
	// Windows counts those completed (two when an interrupted window was
	// resumed first).
	Window  tributary.Window `json:"window"`
	Full    bool             `json:"full,omitempty"`
	Windows int              `json:"windows"`
	// Slices counts completed slices; Resumes the slices that resumed from
	// a heartbeat after an attempt died; Runs the runs of the workflow
	// (continue-as-new makes a new one).
	Slices  int `json:"slices"`
	Resumes int `json:"resumes"`
	Runs    int `json:"runs"`
	// Counts are the totals over the sync.
	Counts Counts `json:"counts"`
	// Failures are the latest failures the connector reported, at most 50.
	Failures []FailureReport `json:"failures,omitempty"`
	// LastError is the error that ended the sync, if it failed.
	LastError string `json:"last_error,omitempty"`
	// LastErrorType is its application error type, one of the ErrType
	// constants when the connector's error had a kind.
	LastErrorType string `json:"last_error_type,omitempty"`
}

func (r SyncRequest) sliceItems() int { return defaulted(r.SliceItems, DefaultSliceItems) }

func (r SyncRequest) sliceTime() time.Duration { return defaulted(r.SliceTime, DefaultSliceTime) }

// defaulted reads a bound whose zero means def and a negative value none.
func defaulted[T int | time.Duration](v, def T) T {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

func (r SyncRequest) failureBudget(met int) int {
	limit := r.MaxFailures
	switch {
	case limit < 0:
		return -1
	case limit == 0:
		limit = tributary.DefaultMaxFailures
	}
	return max(limit-met, 0)
}

// activityOptions are the options of the plan and slice activities.
func activityOptions(timeout, heartbeat time.Duration, retry *temporalsdk.RetryPolicy) workflow.ActivityOptions {
	p := temporalsdk.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute, MaximumAttempts: 10}
	if retry != nil {
		p = *retry
	}
	p.NonRetryableErrorTypes = append(nonRetryableTypes(), p.NonRetryableErrorTypes...)
	return workflow.ActivityOptions{
		StartToCloseTimeout: durationOr(timeout, DefaultSliceTimeout),
		HeartbeatTimeout:    durationOr(heartbeat, DefaultHeartbeatTimeout),
		RetryPolicy:         &p,
	}
}

func durationOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// SyncWorkflow syncs one connector instance: it plans a window, runs it
// slice by slice, and continues as new every SlicesPerRun slices. It
// answers the QueryStatus query with its SyncStatus and returns it.
func SyncWorkflow(ctx workflow.Context, req SyncRequest) (SyncStatus, error) {
	sy := &syncRun{req: req, carry: Carry{Status: SyncStatus{Ref: req.Ref}}}
	if req.Carry != nil {
		sy.carry = *req.Carry
	}
	sy.carry.Status.Runs++
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (SyncStatus, error) { return sy.carry.Status, nil }); err != nil {
		return sy.carry.Status, err
	}
	ctx = workflow.WithActivityOptions(ctx, activityOptions(req.SliceTimeout, req.HeartbeatTimeout, req.Retry))
	err := sy.run(ctx)
	if err != nil && !isContinueAsNew(err) {
		return sy.fail(err)
	}
	return sy.carry.Status, err
}

func isContinueAsNew(err error) bool {
	_, ok := errors.AsType[*workflow.ContinueAsNewError](err)
	return ok
}

// syncRun is the state of one run of SyncWorkflow.
type syncRun struct {
	req    SyncRequest
	carry  Carry
	slices int // in this run
}

func (sy *syncRun) run(ctx workflow.Context) error {
	st := &sy.carry.Status
	for {
		if sy.carry.Plan == nil {
			st.Phase = PhasePlanning
			var p Plan
			preq := PlanRequest{Ref: sy.req.Ref, Full: sy.req.Full, Since: sy.req.Since, Lookback: sy.req.Lookback, NoResume: sy.carry.NoResume}
			if err := workflow.ExecuteActivity(ctx, planActivity, preq).Get(ctx, &p); err != nil {
				return err
			}
			if p.Empty {
				st.Phase = PhaseDone
				return nil
			}
			sy.carry.Plan = &p
			st.Window, st.Full = p.Window, p.Full
		}
		st.Phase = PhaseSyncing
		done, err := sy.window(ctx)
		if err != nil || !done {
			return err
		}
		st.Windows++
		if !sy.carry.Plan.Resumed || !sy.carry.Plan.Poll {
			st.Phase = PhaseDone
			return nil
		}
		// An interrupted window was finished; open a new one, as the
		// runner does.
		sy.carry.Plan, sy.carry.NoResume = nil, true
	}
}

// window runs slices of the planned window until it is done or the run
// continues as new.
func (sy *syncRun) window(ctx workflow.Context) (bool, error) {
	p, st := sy.carry.Plan, &sy.carry.Status
	for {
		if sy.slices >= positiveOr(sy.req.SlicesPerRun, DefaultSlicesPerRun) || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			next := sy.req
			carry := sy.carry
			next.Carry = &carry
			return false, workflow.NewContinueAsNewError(ctx, SyncWorkflowName, next)
		}
		sreq := SliceRequest{
			Ref: sy.req.Ref, Window: p.Window, Full: p.Full, Poll: p.Poll, Checkpoint: p.Checkpoint,
			MaxItems: sy.req.sliceItems(), MaxDuration: sy.req.sliceTime(),
			FailureBudget: sy.req.failureBudget(st.Counts.Failures), Redeliver: sy.req.Redeliver,
			Repeats: sy.req.Repeats,
		}
		var res SliceResult
		if err := workflow.ExecuteActivity(ctx, sliceActivity, sreq).Get(ctx, &res); err != nil {
			return false, err
		}
		sy.slices++
		st.Slices++
		if res.Resumed {
			st.Resumes++
		}
		st.Counts.add(res.Counts)
		st.Failures = append(st.Failures, res.Failures...)
		if n := len(st.Failures); n > maxStatusFailures {
			st.Failures = append([]FailureReport(nil), st.Failures[n-maxStatusFailures:]...)
		}
		if res.Done {
			return true, nil
		}
		p.Checkpoint = res.Checkpoint
	}
}

// fail records err in the status and returns the error that ends the
// workflow: non-retryable, with the message and type of the activity's
// error.
func (sy *syncRun) fail(err error) (SyncStatus, error) {
	st := &sy.carry.Status
	st.Phase = PhaseFailed
	typ := "tributary.SyncFailed"
	msg := err.Error()
	if app, ok := errors.AsType[*temporalsdk.ApplicationError](err); ok {
		typ, msg = app.Type(), app.Message()
	}
	st.LastError, st.LastErrorType = msg, typ
	return *st, temporalsdk.NewNonRetryableApplicationError(msg, typ, nil)
}

func positiveOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
