package tributary_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// memoSettings and memoCredentials configure the memo connector below, the
// way a connector package's Settings and Credentials do.
type memoSettings struct {
	Team     string `json:"team" jsonschema:"required,description=Team whose memos are read"`
	PageSize int    `json:"page_size,omitempty" jsonschema:"description=Memos per page,default=2"`
}

func (s *memoSettings) SetDefaults() { s.PageSize = 2 }

func (s *memoSettings) Validate() error {
	if s.PageSize < 1 {
		return tributary.InvalidField("page_size", "must be at least 1, got %d", s.PageSize)
	}
	return nil
}

type memoCredentials struct {
	Token tributary.Secret `json:"token" jsonschema:"required,description=API token"`
}

// memoConnector reads memos from memory. It is a CheckpointConnector: its
// checkpoint is the offset of the next memo in the window.
type memoConnector struct {
	settings memoSettings
	memos    []*tributary.Document
}

const memoSource tributary.DocumentSource = "memo"

func newMemo(s memoSettings, _ memoCredentials, _ tributary.Env) (*memoConnector, error) {
	return &memoConnector{settings: s}, nil
}

func (c *memoConnector) Source() tributary.DocumentSource { return memoSource }
func (c *memoConnector) Validate(context.Context) error   { return nil }

type memoCheckpoint struct {
	Offset int `json:"offset"`
}

func (c *memoConnector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		st, _, err := tributary.DecodeCheckpoint[memoCheckpoint](cp, "memo", 1)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		var window []*tributary.Document
		for _, m := range c.memos {
			if !m.UpdatedAt.Before(start) && (end.IsZero() || m.UpdatedAt.Before(end)) {
				window = append(window, m)
			}
		}
		for i := st.Offset; i < len(window); i++ {
			if err := ctx.Err(); err != nil {
				yield(tributary.Item{}, err)
				return
			}
			memo := *window[i]
			if !yield(tributary.DocumentItem(&memo), nil) {
				return
			}
			if (i+1)%c.settings.PageSize == 0 {
				next, err := tributary.EncodeCheckpoint("memo", 1, memoCheckpoint{Offset: i + 1})
				if !yield(tributary.CheckpointItem(next), err) {
					return
				}
			}
		}
	}
}

var _ tributary.CheckpointConnector = (*memoConnector)(nil)

func memo(id, text string, updated time.Time) *tributary.Document {
	return &tributary.Document{ID: id, Source: memoSource, SemanticID: id, UpdatedAt: updated,
		Sections: []tributary.Section{tributary.TextSection("https://memos.example.com/"+id, text)}}
}

// A custom connector driven by the runner: the first run loads everything,
// the second polls from the end of the first (less the lookback) and drops
// the memo it sees again unchanged.
func ExampleRunner_Run() {
	ctx := context.Background()
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := &memoConnector{settings: memoSettings{PageSize: 2}, memos: []*tributary.Document{
		memo("memo-1", "Standup moves to 10:00", clock.Add(-48*time.Hour)),
		memo("memo-2", "Release freeze on Friday", clock.Add(-24*time.Hour)),
		memo("memo-3", "New on-call rota", clock.Add(-time.Minute)),
	}}
	r := &tributary.Runner{
		Store: &tributary.MemoryStore{},
		Sink: tributary.SinkFunc(func(ctx context.Context, b tributary.Batch) error {
			for _, d := range b.Documents {
				fmt.Printf("deliver %s: %s\n", d.ID, d.Sections[0].Text)
			}
			return nil // acknowledged: the runner may now store the checkpoint
		}),
		Now: func() time.Time { return clock },
	}
	res, err := r.Run(ctx, c, tributary.RunOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("first run: full=%v delivered=%d\n", res.Full, res.Documents)

	clock = clock.Add(time.Hour)
	c.memos[1] = memo("memo-2", "Release freeze moved to Monday", clock.Add(-10*time.Minute))
	res, err = r.Run(ctx, c, tributary.RunOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("second run: window from %s, delivered=%d unchanged=%d\n",
		res.Window.Start.Format("15:04"), res.Documents, res.Unchanged)
	// Output:
	// deliver memo-1: Standup moves to 10:00
	// deliver memo-2: Release freeze on Friday
	// deliver memo-3: New on-call rota
	// first run: full=true delivered=3
	// deliver memo-2: Release freeze moved to Monday
	// second run: window from 11:55, delivered=1 unchanged=1
}

// Pruning deletes what the source no longer has, once a listing of every id
// has completed.
func ExampleRunner_Prune() {
	ctx := context.Background()
	c := &memoConnector{settings: memoSettings{PageSize: 2}}
	for i := range 10 {
		c.memos = append(c.memos, memo(fmt.Sprintf("memo-%d", i), "text", time.Date(2026, 1, 1, i, 0, 0, 0, time.UTC)))
	}
	r := &tributary.Runner{
		Store: &tributary.MemoryStore{},
		Sink: tributary.SinkFunc(func(ctx context.Context, b tributary.Batch) error {
			if len(b.Deletions) > 0 {
				fmt.Println("delete", b.Deletions)
			}
			return nil
		}),
	}
	if _, err := r.Run(ctx, c, tributary.RunOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	c.memos = c.memos[:7]
	_, err := r.Prune(ctx, c, tributary.PruneOptions{})
	fmt.Println(errors.Is(err, tributary.ErrPruneRefused))
	res, err := r.Prune(ctx, c, tributary.PruneOptions{MaxShare: 0.5})
	fmt.Println(res.Deleted, err)
	// Output:
	// true
	// delete [memo-7 memo-8 memo-9]
	// 3 <nil>
}

// A connector package registers itself with Define, which derives strict
// decoding, JSON Schemas and capabilities from its direct constructor.
func ExampleDefine() {
	var reg tributary.Registry // packages use tributary.Register
	reg.Register(tributary.Define(tributary.Registration{
		Source:      memoSource,
		DisplayName: "Memos",
		Category:    tributary.CategoryOther,
		Description: "Team memos.",
	}, newMemo))

	c, err := reg.New(memoSource, tributary.Params{
		Settings:    json.RawMessage(`{"team":"platform"}`),
		Credentials: json.RawMessage(`{"token":"s3cr3t"}`),
	})
	fmt.Println(c.Source(), err)
	for _, r := range reg.Sources() {
		fmt.Println(r.Source, r.Capabilities)
	}
	_, err = reg.New("wiki", tributary.Params{})
	fmt.Println(err)
	// Output:
	// memo <nil>
	// memo checkpoint
	// open connector: unknown source: "wiki" (forgotten import?)
}

// DecodeConfig reports every problem at once, each naming its field.
func ExampleDecodeConfig() {
	_, _, err := tributary.DecodeConfig[memoSettings, memoCredentials](
		json.RawMessage(`{"teem":"platform","page_size":0}`), json.RawMessage(`{}`))
	fmt.Println(errors.Is(err, tributary.ErrInvalidConfig))
	for _, p := range tributary.ConfigProblems(err) {
		fmt.Println(p)
	}

	s, c, err := tributary.DecodeConfig[memoSettings, memoCredentials](
		json.RawMessage(`{"team":"platform"}`), json.RawMessage(`{"token":"s3cr3t"}`))
	fmt.Println(s.Team, s.PageSize, c.Token, err)
	// Output:
	// true
	// settings.teem: unknown field (did you mean "team"?)
	// settings.team: required
	// credentials.token: required
	// platform 2 [redacted] <nil>
}

// A checkpoint is the connector's own typed position, versioned; bytes from
// another connector or version are refused.
func ExampleEncodeCheckpoint() {
	cp, err := tributary.EncodeCheckpoint("memo", 1, memoCheckpoint{Offset: 40})
	fmt.Println(string(cp), err)

	st, ok, err := tributary.DecodeCheckpoint[memoCheckpoint](cp, "memo", 1)
	fmt.Println(st.Offset, ok, err)

	_, _, err = tributary.DecodeCheckpoint[memoCheckpoint](cp, "memo", 2)
	fmt.Println(errors.Is(err, tributary.ErrInvalidCheckpoint), strings.Contains(err.Error(), "version 1"))
	// Output:
	// {"kind":"memo","version":1,"state":{"offset":40}} <nil>
	// 40 true <nil>
	// true true
}

// A host that drives a stream itself (to spread a window over jobs of its
// own, say) delivers it through a Batcher: batches, repeats and commits
// work as they do for Runner.
func ExampleBatcher() {
	ctx := context.Background()
	store := &tributary.MemoryStore{}
	sink := tributary.SinkFunc(func(_ context.Context, b tributary.Batch) error {
		fmt.Println("batch of", len(b.Documents))
		return nil
	})
	doc := func(id string) tributary.Item {
		return tributary.DocumentItem(&tributary.Document{ID: id, Sections: []tributary.Section{{Text: id}}})
	}
	cp, _ := tributary.EncodeCheckpoint("example", 1, map[string]int{"page": 1})
	stream := []tributary.Item{doc("a"), doc("b"), doc("c"), tributary.CheckpointItem(cp), doc("d")}

	b := &tributary.Batcher{Store: store, Sink: sink, Instance: "wiki", BatchDocs: 2, FailureBudget: 10,
		State: tributary.State{Window: tributary.Window{End: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, Full: true}}
	for _, it := range stream {
		if err := b.Add(ctx, it, nil); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := b.Finish(ctx, b.State.Window.End); err != nil {
		fmt.Println(err)
		return
	}
	st, _ := store.State(ctx, "wiki")
	fmt.Println("delivered", b.Tally().Documents, "in", b.Tally().Batches, "batches; last good end", st.LastGoodEnd.Format(time.DateOnly))

	// The same documents again are repeats: nothing reaches the sink.
	b = &tributary.Batcher{Store: store, Sink: sink, Instance: "wiki", FailureBudget: 10}
	for _, it := range stream {
		_ = b.Add(ctx, it, nil)
	}
	_ = b.Finish(ctx, st.LastGoodEnd)
	fmt.Println("unchanged", b.Tally().Unchanged)
	// Output:
	// batch of 2
	// batch of 2
	// delivered 4 in 2 batches; last good end 2026-01-01
	// unchanged 4
}
