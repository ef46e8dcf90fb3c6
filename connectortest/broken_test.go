package connectortest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
)

// broken is the reference connector with some of its methods replaced by
// deliberately wrong ones. A nil field leaves the mock's method in place.
type broken struct {
	*mock.Connector
	validate  func(m *mock.Connector, ctx context.Context) error
	load      func(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error]
	poll      func(m *mock.Connector, ctx context.Context, start, end time.Time) iter.Seq2[*tributary.Document, error]
	slim      func(m *mock.Connector, ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error]
	stream    func(m *mock.Connector, ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error]
	event     func(m *mock.Connector, ctx context.Context, ev tributary.Event) iter.Seq2[tributary.Item, error]
	probe     func(m *mock.Connector, ctx context.Context) []tributary.ProbeResult
	normalize func(m *mock.Connector, ctx context.Context, rawURL string) (string, error)
	groups    func(m *mock.Connector, ctx context.Context) iter.Seq2[tributary.ExternalGroup, error]
	refetch   func(m *mock.Connector, ctx context.Context, ids []string) iter.Seq2[tributary.Item, error]
}

func (b *broken) Validate(ctx context.Context) error {
	if b.validate != nil {
		return b.validate(b.Connector, ctx)
	}
	return b.Connector.Validate(ctx)
}

func (b *broken) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	if b.load != nil {
		return b.load(b.Connector, ctx)
	}
	return b.Connector.Load(ctx)
}

func (b *broken) Poll(ctx context.Context, start, end time.Time) iter.Seq2[*tributary.Document, error] {
	if b.poll != nil {
		return b.poll(b.Connector, ctx, start, end)
	}
	return b.Connector.Poll(ctx, start, end)
}

func (b *broken) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	if b.slim != nil {
		return b.slim(b.Connector, ctx, start, end)
	}
	return b.Connector.LoadSlim(ctx, start, end)
}

func (b *broken) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	if b.stream != nil {
		return b.stream(b.Connector, ctx, start, end, cp)
	}
	return b.Connector.LoadFromCheckpoint(ctx, start, end, cp)
}

func (b *broken) HandleEvent(ctx context.Context, ev tributary.Event) iter.Seq2[tributary.Item, error] {
	if b.event != nil {
		return b.event(b.Connector, ctx, ev)
	}
	return b.Connector.HandleEvent(ctx, ev)
}

// fixture is six sample documents in pages of two; the fifth fails.
func fixture() mock.Settings {
	s := mock.Sample(6)
	s.PageSize = 2
	s.AcceptToken = tributary.NewSecret("good")
	s.FailIDs = []string{mock.SampleID(5)}
	d := &s.Documents[1]
	d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionImage, Text: "A chart", ImageURL: "mock://images/chart.png"})
	return s
}

func openMock(t testing.TB, token string) *mock.Connector { return openPaged(t, token, 0) }

// openPaged opens the fixture with pages of pageSize documents (zero keeps
// the fixture's).
func openPaged(t testing.TB, token string, pageSize int) *mock.Connector {
	return openWith(t, token, pageSize, tributary.Env{})
}

// openWith opens the fixture as openPaged does, in env.
func openWith(t testing.TB, token string, pageSize int, env tributary.Env) *mock.Connector {
	s := fixture()
	if pageSize > 0 {
		s.PageSize = pageSize
	}
	c, err := mock.New(s, mock.Credentials{Token: tributary.NewSecret(token)}, env)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// harness describes the fixture, with connectors from newConn.
func harness(newConn func(t testing.TB) tributary.Connector) Harness {
	return Harness{
		New:            newConn,
		BadCredentials: func(t testing.TB) tributary.Connector { return openMock(t, "bad") },
		WantIDs:        sampleIDs(1, 2, 3, 4, 6),
		WantFailureIDs: sampleIDs(5),
		Windows:        []Window{{Start: mock.SampleTime(2), End: mock.SampleTime(4), WantIDs: sampleIDs(2, 3)}},
		Requests: func(c tributary.Connector) int {
			return c.(interface{ Requests() int }).Requests()
		},
		Events: []Event{{Name: "changed", Event: tributary.Event{Type: tributary.EventChanged, Key: mock.SampleID(3)}, WantIDs: sampleIDs(3)}},
		GroupsFault: func(t testing.TB) tributary.Connector {
			s := fixture()
			s.FailAfterPages = 1
			c, err := mock.New(s, mock.Credentials{Token: tributary.NewSecret("good")}, tributary.Env{})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
	}
}

func sampleIDs(ns ...int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = mock.SampleID(n)
	}
	return out
}

// TestReferencePassesEveryCheck runs every check through the recorder
// against the unbroken mock: the recorder sees no error and no skip.
func TestReferencePassesEveryCheck(t *testing.T) {
	h := harness(func(t testing.TB) tributary.Connector { return openMock(t, "good") })
	for _, c := range checks() {
		r := runCheck(t, h, c.name)
		assert.Empty(t, r.errors(), c.name)
		assert.Empty(t, r.skipped, c.name)
	}
}

// brokenCase is a deliberately broken connector, the check that must catch
// it and words its report must contain.
type brokenCase struct {
	name  string
	check string
	b     broken
	want  string
	// bad replaces the harness's BadCredentials connector when set.
	bad func(t testing.TB) tributary.Connector
	// timeout replaces the harness's Timeout when set.
	timeout time.Duration
	// pageSize replaces the fixture's page size when set.
	pageSize int
	// access opens the connectors with Env.WantPermissions.
	access bool
	// groupsFault replaces the harness's GroupsFault connector when set.
	groupsFault func(t testing.TB) tributary.Connector
}

func TestBrokenConnectorsAreCaught(t *testing.T) {
	for _, tc := range brokenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			h := harness(func(t testing.TB) tributary.Connector {
				b := tc.b
				b.Connector = openWith(t, "good", tc.pageSize, tributary.Env{WantPermissions: tc.access})
				return &b
			})
			if tc.bad != nil {
				h.BadCredentials = tc.bad
			}
			if tc.groupsFault != nil {
				h.GroupsFault = tc.groupsFault
			}
			h.Timeout = tc.timeout

			r := runCheck(t, h, tc.check)
			require.NotEmpty(t, r.errors(), "check %s did not catch the broken connector", tc.check)
			assert.Contains(t, r.errors(), tc.want)
			t.Logf("%s reported:\n%s", tc.check, r.errors())

			// The same check passes on the unbroken mock.
			ref := harness(func(t testing.TB) tributary.Connector {
				return openWith(t, "good", tc.pageSize, tributary.Env{WantPermissions: tc.access})
			})
			assert.Empty(t, runCheck(t, ref, tc.check).errors(), "check %s fails the reference connector", tc.check)
		})
	}
}

// TestEveryCheckCatchesSomething: each check has a broken connector it
// must catch.
func TestEveryCheckCatchesSomething(t *testing.T) {
	caught := map[string]bool{}
	for _, tc := range brokenCases(t) {
		caught[tc.check] = true
	}
	for _, c := range checks() {
		assert.True(t, caught[c.name], "no broken connector for check %s", c.name)
	}
}

func brokenCases(t *testing.T) []brokenCase {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	return []brokenCase{
		{name: "good credentials refused", check: "Validate", b: broken{validate: refuse}, want: "Validate with good credentials: mock: validate: insufficient permissions: forbidden"},
		{name: "validate lists everything", check: "Validate", b: broken{validate: listAll}, pageSize: 1, want: "Validate did 6 units of work, as much as a full load (6): it lists instead of probing"},
		{name: "volatile content", check: "LoadTwice", b: broken{load: stampFetchTime()}, want: "has other content than in the first Load"},
		{name: "one-shot load", check: "LoadTwice", b: broken{load: oneShot()}, want: "second Load against the first: missing 5 of 5"},
		{name: "poll over all time drops a document", check: "PollAllTime", b: broken{poll: dropFirst}, want: `Poll(all time): missing 1 of 5 expected ids: "mock://docs/1"`},
		{name: "duplicate ids", check: "Load", b: broken{load: duplicateFirst}, want: `duplicate ids "mock://docs/1"`},
		{name: "yield after break", check: "EarlyBreak", b: broken{load: ignoreBreak}, want: "yield called again after it returned false"},
		{name: "nil nil", check: "Load", b: broken{load: nilNil}, want: "is (nil, nil)"},
		{name: "resume loses documents", check: "CheckpointResume", b: broken{stream: lossyResume}, want: "lost 1 documents"},
		{name: "slim ids differ", check: "Slim", b: broken{slim: slimDiffers}, want: `misses 1 ids that Load yields: "mock://docs/2"`},
		{name: "slim ids invented", check: "Slim", b: broken{slim: slimDiffers}, want: `ids that Load does not yield: "mock://docs/ghost"`},
		{name: "slim access differs", check: "Slim", b: broken{slim: slimOpensAccess}, want: `slim document "mock://docs/2" has access {UserEmails:[] GroupIDs:[] Public:true}, but Load gives it none`},
		{name: "ignores cancelled context", check: "Cancel", b: broken{load: ignoreContext}, want: "Load with a context already done (context canceled) ended with <nil>; want an error matching ctx.Err()"},
		{name: "context error hidden", check: "Cancel", b: broken{load: hideContextError}, want: "Load with a context already done (context deadline exceeded) ended with load: transient failure: upstream unavailable; want an error matching ctx.Err()"},
		{name: "leaked goroutine", check: "NoGoroutineLeak", b: broken{load: leakProducer(stop)}, want: "outlived Validate and the range loops over Load"},
		{name: "failure id off scheme", check: "FailureIDs", b: broken{load: bareFailureID}, want: `failure names document "5", which does not follow the document id scheme`},
		{name: "work before iteration", check: "NoWorkBeforeIteration", b: broken{load: eager}, want: "Load: creating the iterator did"},
		{name: "replay instead of fetch", check: "RangeTwice", b: broken{load: eager}, want: "the second range of the same iterator did no work"},
		{name: "mutation after yield", check: "NoMutationAfterYield", b: broken{load: reuseBuffer}, want: "changed after it was yielded"},
		{name: "stream mutation after yield", check: "NoMutationAfterYield", b: broken{stream: touchAfterYield}, want: `LoadFromCheckpoint(all time): document "mock://docs/1" (item 4) changed after it was yielded`},
		{name: "shared memory between loads", check: "NoMutationAfterYield", b: broken{load: cached()}, want: "shares memory"},
		{name: "same pointer twice", check: "Load", b: broken{load: reuseBuffer}, want: "the same *Document value was yielded twice"},
		{name: "value after terminal error", check: "Load", b: broken{load: errorThenMore}, want: "yielded 1 more values after the terminal error \"boom\""},
		{name: "panic", check: "Load", b: broken{load: panics}, want: "iterator panicked: broken on purpose"},
		{name: "hang", check: "Load", b: broken{load: hangs(stop)}, timeout: 50 * time.Millisecond, want: "did not end within 50ms"},
		{name: "time not in UTC", check: "Load", b: broken{load: localTimes}, want: "times must be in UTC"},
		{name: "wrong source", check: "Load", b: broken{load: wrongSource}, want: `Source "slack", want the connector's Source() "mock_connector"`},
		{name: "bad credentials unclassified", check: "ValidateBadCredentials", want: "want an error matching tributary.ErrCredentialExpired",
			bad: func(t testing.TB) tributary.Connector {
				return &broken{Connector: openMock(t, "good"), validate: func(*mock.Connector, context.Context) error { return errors.New("401") }}
			}},
		{name: "poll ignores its window", check: "PollWindows", b: broken{poll: ignoreWindow}, want: "unexpected ids"},
		{name: "window end included", check: "WindowBoundaries", b: broken{poll: inclusiveEnd}, want: `Poll[zero, 2024-01-01T05:00:00Z) yields "mock://docs/6", updated at 2024-01-01T05:00:00Z, not before the window's end`},
		{name: "checkpoint accepted from elsewhere", check: "InvalidCheckpoint", b: broken{stream: ignoreCheckpoint}, want: "want an error matching tributary.ErrInvalidCheckpoint"},
		{name: "resume starts over", check: "CheckpointResume", b: broken{stream: replayToCheckpoint}, want: "resumed from checkpoint 4 of 4 (after item 12): did as much work (4) as the full stream (4)"},
		{name: "checkpoint not an envelope", check: "Checkpoints", b: broken{stream: rawCheckpoints}, want: "not a checkpoint made by tributary.EncodeCheckpoint"},
		{name: "no checkpoint", check: "Checkpoints", b: broken{stream: noCheckpoints}, want: "yielded documents but no checkpoint"},
		{name: "parents after children", check: "Hierarchy", b: broken{stream: nodesLast}, want: "which is yielded only later"},
		{name: "iterators share a cursor", check: "ConcurrentLoads", b: broken{load: sharedCursor()}, want: "Load A, advanced in turn with Load B: missing"},
		{name: "loads at once lose a document", check: "ConcurrentLoads", b: broken{load: laterLoadsLose(nil)}, want: "Load 1 of 2 running at once: missing 1 of 5 expected ids"},
		{name: "loads at once lose a document behind a lasting failure", check: "ConcurrentLoads",
			b:    broken{load: laterLoadsLose(tributary.NewError("mock", tributary.ErrMalformedResponse, errors.New("bad page")))},
			want: "Load 1 of 2 running at once: missing 1 of 5 expected ids"},
		{name: "nameless node", check: "Hierarchy", b: broken{stream: namelessNodes}, want: `node "mock://folders/root" (item 1) has an empty Name`},
		{name: "event yields nothing", check: "Events", b: broken{event: nothing}, want: `missing 1 of 1 expected ids: "mock://docs/3"`},
		probeFailsOnTransient, probeIgnoresValidate, normalizeKeepsFragment, normalizeAcceptsAnything,
		groupsMissNamedGroup, groupsRepeatID, groupsSwallowFault, groupsUnclassified,
		refetchDeletesForeign, refetchSkipsIDs, refetchStale, refetchCheckpoints,
		blobsMadeUp, blobsStorageAsFailure,
	}
}

func refuse(*mock.Connector, context.Context) error {
	return tributary.NewError("mock: validate", tributary.ErrInsufficientPermissions, errors.New("forbidden"))
}

// listAll validates by loading everything.
func listAll(m *mock.Connector, ctx context.Context) error {
	for _, err := range m.Load(ctx) {
		if _, ok := tributary.AsFailure(err); err != nil && !ok {
			return err
		}
	}
	return nil
}

// stampFetchTime records in each document when it was fetched.
func stampFetchTime() func(*mock.Connector, context.Context) iter.Seq2[*tributary.Document, error] {
	var loads atomic.Int64
	return func(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
		return func(yield func(*tributary.Document, error) bool) {
			n := loads.Add(1)
			for d, err := range m.Load(ctx) {
				if d != nil {
					d.Metadata.Add("fetched", fmt.Sprintf("load %d", n))
				}
				if !yield(d, err) {
					return
				}
			}
		}
	}
}

// oneShot loads once; later loads yield nothing, like a connector that
// keeps a cursor it never resets.
func oneShot() func(*mock.Connector, context.Context) iter.Seq2[*tributary.Document, error] {
	var used atomic.Bool
	return func(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
		return func(yield func(*tributary.Document, error) bool) {
			if used.Swap(true) {
				return
			}
			for d, err := range m.Load(ctx) {
				if !yield(d, err) {
					return
				}
			}
		}
	}
}

// dropFirst loses the first document of every poll.
func dropFirst(m *mock.Connector, ctx context.Context, start, end time.Time) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		first := true
		for d, err := range m.Poll(ctx, start, end) {
			if first && d != nil {
				first = false
				continue
			}
			if !yield(d, err) {
				return
			}
		}
	}
}

func duplicateFirst(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for d, err := range m.Load(ctx) {
			if !yield(d, err) {
				return
			}
			if d != nil && d.ID == mock.SampleID(1) {
				dup := *d
				if !yield(&dup, nil) {
					return
				}
			}
		}
	}
}

// ignoreBreak ranges over the mock's documents with a loop that never
// looks at yield's result.
func ignoreBreak(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for d, err := range m.Load(ctx) {
			yield(d, err)
		}
	}
}

func nilNil(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		first := true
		for d, err := range m.Load(ctx) {
			if !yield(d, err) {
				return
			}
			if first && !yield(nil, nil) {
				return
			}
			first = false
		}
	}
}

// lossyResume drops the first document after resuming, as a connector
// whose checkpoint points one past where it should would.
func lossyResume(m *mock.Connector, ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		skip := !cp.IsZero()
		for it, err := range m.LoadFromCheckpoint(ctx, start, end, cp) {
			if skip && it.Document != nil {
				skip = false
				continue
			}
			if !yield(it, err) {
				return
			}
		}
	}
}

// slimDiffers leaves out document 2 and invents a ghost.
func slimDiffers(m *mock.Connector, ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return func(yield func(tributary.SlimDocument, error) bool) {
		for s, err := range m.LoadSlim(ctx, start, end) {
			if s.ID == mock.SampleID(2) {
				s.ID = "mock://docs/ghost"
			}
			if !yield(s, err) {
				return
			}
		}
	}
}

func ignoreContext(m *mock.Connector, _ context.Context) iter.Seq2[*tributary.Document, error] {
	return m.Load(context.Background())
}

// hideContextError reports every terminal error as a transient upstream
// failure, dropping the context's error from the chain.
func hideContextError(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for d, err := range m.Load(ctx) {
			if _, ok := tributary.AsFailure(err); err != nil && !ok {
				err = tributary.NewError("load", tributary.ErrTransient, errors.New("upstream unavailable"))
			}
			if !yield(d, err) {
				return
			}
		}
	}
}

type pair struct {
	d   *tributary.Document
	err error
}

// leakProducer loads on a goroutine that blocks forever (until the test
// ends) once the consumer stops reading.
func leakProducer(stop chan struct{}) func(*mock.Connector, context.Context) iter.Seq2[*tributary.Document, error] {
	return func(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
		return func(yield func(*tributary.Document, error) bool) {
			ch := make(chan pair)
			go func() {
				defer close(ch)
				for d, err := range m.Load(ctx) {
					select {
					case ch <- pair{d, err}:
					case <-stop:
						return
					}
				}
			}()
			for p := range ch {
				if !yield(p.d, p.err) {
					return
				}
			}
		}
	}
}

// bareFailureID reports failures with the upstream's numeric id rather
// than the document id.
func bareFailureID(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for d, err := range m.Load(ctx) {
			if f, ok := tributary.AsFailure(err); ok {
				bare := *f
				bare.DocumentID = bare.DocumentID[len("mock://docs/"):]
				err = &bare
			}
			if !yield(d, err) {
				return
			}
		}
	}
}

// eager loads everything when Load is called and replays it.
func eager(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	var docs []pair
	for d, err := range m.Load(ctx) {
		docs = append(docs, pair{d, err})
	}
	return func(yield func(*tributary.Document, error) bool) {
		for _, p := range docs {
			d := p.d
			if d != nil {
				c := *d
				d = &c
			}
			if !yield(d, p.err) {
				return
			}
		}
	}
}

// reuseBuffer yields one Document value, overwritten for each document.
func reuseBuffer(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		var buf tributary.Document
		for d, err := range m.Load(ctx) {
			var out *tributary.Document
			if d != nil {
				buf = *d
				out = &buf
			}
			if !yield(out, err) {
				return
			}
		}
	}
}

// cached keeps the first load's documents and yields the same pointers
// again on later loads.
func cached() func(*mock.Connector, context.Context) iter.Seq2[*tributary.Document, error] {
	var docs []*tributary.Document
	return func(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
		return func(yield func(*tributary.Document, error) bool) {
			if docs == nil {
				for d, err := range m.Load(ctx) {
					if err == nil {
						docs = append(docs, d)
					}
				}
			}
			for _, d := range docs {
				if !yield(d, nil) {
					return
				}
			}
		}
	}
}

func errorThenMore(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for d, err := range m.Load(ctx) {
			if !yield(d, err) || !yield(nil, errors.New("boom")) {
				return
			}
		}
	}
}

func panics(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for d, err := range m.Load(ctx) {
			if !yield(d, err) {
				return
			}
			panic("broken on purpose")
		}
	}
}

// hangs blocks, ignoring its context, until the test ends.
func hangs(stop chan struct{}) func(*mock.Connector, context.Context) iter.Seq2[*tributary.Document, error] {
	return func(*mock.Connector, context.Context) iter.Seq2[*tributary.Document, error] {
		return func(func(*tributary.Document, error) bool) { <-stop }
	}
}

func localTimes(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for d, err := range m.Load(ctx) {
			if d != nil {
				d.UpdatedAt = d.UpdatedAt.In(time.FixedZone("CET", 3600))
			}
			if !yield(d, err) {
				return
			}
		}
	}
}

func wrongSource(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for d, err := range m.Load(ctx) {
			if d != nil {
				d.Source = tributary.SourceSlack
			}
			if !yield(d, err) {
				return
			}
		}
	}
}

func ignoreWindow(m *mock.Connector, ctx context.Context, _, _ time.Time) iter.Seq2[*tributary.Document, error] {
	return m.Load(ctx)
}

// inclusiveEnd treats a window's end as part of it.
func inclusiveEnd(m *mock.Connector, ctx context.Context, start, end time.Time) iter.Seq2[*tributary.Document, error] {
	if !end.IsZero() {
		end = end.Add(time.Nanosecond)
	}
	return m.Poll(ctx, start, end)
}

func ignoreCheckpoint(m *mock.Connector, ctx context.Context, start, end time.Time, _ tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return m.LoadFromCheckpoint(ctx, start, end, nil)
}

// mapItems yields f's items for each of the mock's stream items.
func mapItems(m *mock.Connector, ctx context.Context, start, end time.Time, cp tributary.Checkpoint, f func(tributary.Item) []tributary.Item) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		for it, err := range m.LoadFromCheckpoint(ctx, start, end, cp) {
			if err != nil {
				yield(it, err)
				return
			}
			for _, out := range f(it) {
				if !yield(out, nil) {
					return
				}
			}
		}
	}
}

// touchAfterYield stamps each document once the caller has it.
func touchAfterYield(m *mock.Connector, ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		for it, err := range m.LoadFromCheckpoint(ctx, start, end, cp) {
			if !yield(it, err) {
				return
			}
			if it.Document != nil {
				it.Document.Metadata["seen"] = []string{"yes"}
			}
		}
	}
}

// replayToCheckpoint resumes correctly but wastefully: it starts over and
// skips everything up to the checkpoint.
func replayToCheckpoint(m *mock.Connector, ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		skipping := !cp.IsZero()
		for it, err := range m.LoadFromCheckpoint(ctx, start, end, nil) {
			if skipping {
				skipping = !bytes.Equal(it.Checkpoint, cp)
				continue
			}
			if !yield(it, err) {
				return
			}
		}
	}
}

func rawCheckpoints(m *mock.Connector, ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return mapItems(m, ctx, start, end, cp, func(it tributary.Item) []tributary.Item {
		if it.Checkpoint != nil {
			return []tributary.Item{tributary.CheckpointItem(tributary.Checkpoint(`{"offset":3}`))}
		}
		return []tributary.Item{it}
	})
}

func noCheckpoints(m *mock.Connector, ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return mapItems(m, ctx, start, end, cp, func(it tributary.Item) []tributary.Item {
		if it.Checkpoint != nil {
			return nil
		}
		return []tributary.Item{it}
	})
}

// nodesLast holds the nodes back until the end of the stream.
func nodesLast(m *mock.Connector, ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		var nodes []tributary.Item
		for it, err := range m.LoadFromCheckpoint(ctx, start, end, cp) {
			if it.Node != nil {
				nodes = append(nodes, it)
				continue
			}
			if !yield(it, err) {
				return
			}
		}
		for _, n := range slices.Backward(nodes) {
			if !yield(n, nil) {
				return
			}
		}
	}
}

// sharedCursor keeps its position in the connector rather than in the
// iterator, so two loads at once skip each other's documents.
func sharedCursor() func(*mock.Connector, context.Context) iter.Seq2[*tributary.Document, error] {
	var next atomic.Int64
	return func(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
		return func(yield func(*tributary.Document, error) bool) {
			var docs []*tributary.Document
			for d, err := range m.Load(ctx) {
				if err == nil {
					docs = append(docs, d)
				}
			}
			for next.Store(0); next.Load() < int64(len(docs)); next.Add(1) {
				if !yield(docs[next.Load()], nil) {
					return
				}
			}
		}
	}
}

// laterLoadsLose loses the second document from the third Load on (the
// ones ConcurrentLoads ranges at once), reporting in its place a Failure
// with cause, or nothing when cause is nil.
func laterLoadsLose(cause error) func(*mock.Connector, context.Context) iter.Seq2[*tributary.Document, error] {
	var loads atomic.Int64
	return func(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
		return func(yield func(*tributary.Document, error) bool) {
			lose := loads.Add(1) > 2
			for d, err := range m.Load(ctx) {
				if lose && d != nil && d.ID == mock.SampleID(2) {
					if cause == nil {
						continue
					}
					d, err = nil, tributary.DocumentFailure(d.ID, "", cause)
				}
				if !yield(d, err) {
					return
				}
			}
		}
	}
}

// TestConcurrentLoadsTakeTransientFailures: two Loads at once share an
// emulator's fault schedule, so a document may come back as a transient
// Failure (its own, or its container's) instead; ConcurrentLoads accepts
// that, and nothing else in its place.
func TestConcurrentLoadsTakeTransientFailures(t *testing.T) {
	for name, cause := range map[string]error{
		"transient":    tributary.NewError("mock", tributary.ErrTransient, errors.New("reset")),
		"rate limited": tributary.NewError("mock", tributary.ErrRateLimited, errors.New("429")),
	} {
		t.Run(name, func(t *testing.T) {
			h := harness(func(t testing.TB) tributary.Connector {
				return &broken{Connector: openMock(t, "good"), load: laterLoadsLose(cause)}
			})
			r := runCheck(t, h, "ConcurrentLoads")
			assert.Empty(t, r.errors())
		})
	}
	failures := []*tributary.Failure{
		tributary.DocumentFailure("s3://b/a.zip", "", tributary.NewError("x", tributary.ErrTransient, errors.New("500"))),
		tributary.DocumentFailure("s3://b/c", "", tributary.NewError("x", tributary.ErrMalformedResponse, errors.New("bad"))),
	}
	assert.True(t, reportedTransient("s3://b/a.zip", failures))
	assert.True(t, reportedTransient("s3://b/a.zip!/n.txt", failures), "a member of a failed archive")
	assert.False(t, reportedTransient("s3://b/a.zip2", failures), "an id that only begins the same")
	assert.False(t, reportedTransient("s3://b/c", failures), "a lasting failure")
	assert.True(t, reportedTransient("s3://b/z", append(failures, tributary.EntityFailure("drive-1", "", tributary.NewError("x", tributary.ErrTransient, errors.New("500"))))),
		"a listing that could not finish")
}

func namelessNodes(m *mock.Connector, ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return mapItems(m, ctx, start, end, cp, func(it tributary.Item) []tributary.Item {
		if it.Node != nil {
			it.Node.Name = ""
		}
		return []tributary.Item{it}
	})
}

func nothing(*mock.Connector, context.Context, tributary.Event) iter.Seq2[tributary.Item, error] {
	return func(func(tributary.Item, error) bool) {}
}
