package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// stateView is what `state` prints of one instance. It never holds
// credentials (the database has none) nor the checkpoint's contents, only
// what kind of checkpoint it is.
type stateView struct {
	Instance    string            `json:"instance"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	Documents   int               `json:"documents"`
	Failures    int               `json:"failures"`
	InProgress  *tributary.Window `json:"in_progress,omitempty"`
	Full        bool              `json:"full,omitempty"`
	LastGoodEnd *time.Time        `json:"last_good_end,omitempty"`
	Checkpoint  *checkpointView   `json:"checkpoint,omitempty"`
	Recent      []failureView     `json:"recent_failures,omitempty"`
}

type checkpointView struct {
	Kind    string `json:"kind,omitempty"`
	Version int    `json:"version,omitempty"`
	Bytes   int    `json:"bytes"`
}

type failureView struct {
	At         time.Time `json:"at"`
	DocumentID string    `json:"document_id,omitempty"`
	EntityID   string    `json:"entity_id,omitempty"`
	Link       string    `json:"link,omitempty"`
	Message    string    `json:"message,omitempty"`
	Error      string    `json:"error,omitempty"`
}

func (a *app) cmdState(args []string) int {
	var o options
	fs := a.newFlagSet("state", "state SOURCE [--config FILE | --instance NAME] [--reset]")
	fs.StringVar(&o.config, "config", "", "configuration `file` whose instance to show (it is not read)")
	o.stateFlags(fs)
	reset := fs.Bool("reset", false, "forget everything stored for the instance: the next run loads everything again")
	recent := fs.Int("failures", 10, "how many recent failures to show per instance")
	pos, err := parse(fs, args, argSource)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	source := pos[0]
	st, err := a.openState(&o)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	defer st.Close()
	names, err := a.instancesOf(st, source, &o)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	if *reset {
		return a.reset(st, names, &o)
	}
	views := make([]stateView, 0, len(names))
	for _, in := range names {
		v, err := a.view(st, in, *recent)
		if err != nil {
			return a.fail(a.stderr, err)
		}
		views = append(views, v)
	}
	return a.printJSON(views)
}

// instancesOf lists the stored instances of source; with --config or
// --instance, just that one (when stored).
func (a *app) instancesOf(st stateDB, source string, o *options) ([]instanceInfo, error) {
	all, err := st.instances(a.ctx)
	if err != nil {
		return nil, err
	}
	want := ""
	if o.config != "" || o.instance != "" {
		if want, err = o.instanceName(source); err != nil {
			return nil, err
		}
	}
	var out []instanceInfo
	for _, in := range all {
		switch {
		case want != "" && in.Name == want,
			want == "" && (in.Name == source || strings.HasPrefix(in.Name, source+":")):
			out = append(out, in)
		}
	}
	return out, nil
}

func (a *app) reset(st stateDB, names []instanceInfo, o *options) int {
	switch {
	case len(names) == 0:
		fmt.Fprintln(a.stderr, "tributary: nothing stored for that instance")
		return exitOK
	case len(names) > 1 && o.config == "" && o.instance == "":
		return a.fail(a.stderr, fmt.Errorf("%w: %d instances are stored; name one with --config or --instance", errUsage, len(names)))
	}
	held, unlock, err := st.hold(a.ctx, names[0].Name)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	defer unlock()
	if err := held.Reset(a.ctx, names[0].Name); err != nil {
		return a.fail(a.stderr, err)
	}
	fmt.Fprintf(a.stderr, "tributary: reset %s\n", names[0].Name)
	return exitOK
}

func (a *app) view(st stateDB, in instanceInfo, recent int) (stateView, error) {
	v := stateView{Instance: in.Name, CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt,
		Documents: in.Documents, Failures: in.Failures}
	s, err := st.State(a.ctx, in.Name)
	if err != nil {
		return v, err
	}
	if s.InProgress() {
		v.InProgress = &s.Window
		v.Full = s.Full
	}
	if !s.LastGoodEnd.IsZero() {
		v.LastGoodEnd = &s.LastGoodEnd
	}
	if !s.Checkpoint.IsZero() {
		v.Checkpoint = describeCheckpoint(s.Checkpoint)
	}
	v.Recent, err = st.recentFailures(a.ctx, in.Name, max(recent, 0))
	if err != nil {
		return v, err
	}
	return v, nil
}

// describeCheckpoint reads a checkpoint's kind and version from its
// envelope, leaving its position out.
func describeCheckpoint(cp tributary.Checkpoint) *checkpointView {
	v := &checkpointView{Bytes: len(cp)}
	var env struct {
		Kind    string `json:"kind"`
		Version int    `json:"version"`
	}
	if json.Unmarshal(cp, &env) == nil {
		v.Kind, v.Version = env.Kind, env.Version
	}
	return v
}
