package tributary_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

// loadOnly is a connector that can only Load.
type loadOnly struct{ docs []*tributary.Document }

func (loadOnly) Source() tributary.DocumentSource { return "load_only" }
func (loadOnly) Validate(context.Context) error   { return nil }
func (c loadOnly) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for _, d := range c.docs {
			if !yield(d, nil) {
				return
			}
		}
		yield(nil, &tributary.Failure{DocumentID: "bad", Message: "unreadable"})
	}
}

// streamOnly is a connector with only the checkpoint stream.
type streamOnly struct{ items []tributary.Item }

func (streamOnly) Source() tributary.DocumentSource { return "stream_only" }
func (streamOnly) Validate(context.Context) error   { return nil }
func (c streamOnly) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		for _, it := range c.items {
			if !yield(it, nil) {
				return
			}
		}
	}
}

func collect[T any](seq iter.Seq2[T, error]) (vals []T, errs []error) {
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		vals = append(vals, v)
	}
	return vals, errs
}

func TestHelpersFallBack(t *testing.T) {
	ctx := t.Context()
	a, b := &tributary.Document{ID: "a", ParentID: "n"}, &tributary.Document{ID: "b"}
	lo := loadOnly{docs: []*tributary.Document{a, b}}

	docs, errs := collect(tributary.Load(ctx, lo))
	assert.Equal(t, []*tributary.Document{a, b}, docs)
	require.Len(t, errs, 1)
	f, ok := tributary.AsFailure(errs[0])
	require.True(t, ok)
	assert.Equal(t, "bad", f.DocumentID)

	slims, _ := collect(tributary.LoadSlim(ctx, lo, time.Time{}, time.Time{}))
	assert.Equal(t, []tributary.SlimDocument{{ID: "a", ParentID: "n"}, {ID: "b"}}, slims)

	_, errs = collect(tributary.Poll(ctx, lo, time.Unix(0, 0), time.Now()))
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], tributary.ErrNotSupported)

	items, _ := collect(tributary.Stream(ctx, lo, time.Time{}, time.Time{}, nil))
	require.Len(t, items, 3)
	assert.Equal(t, tributary.ItemFailure, items[2].Kind(), "a Failure error becomes a failure item")

	_, errs = collect(tributary.Stream(ctx, lo, time.Time{}, time.Time{}, tributary.Checkpoint(`{}`)))
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], tributary.ErrInvalidCheckpoint)

	_, errs = collect(tributary.HandleEvent(ctx, lo, tributary.Event{Type: tributary.EventChanged}))
	assert.ErrorIs(t, errs[0], tributary.ErrNotSupported)

	so := streamOnly{items: []tributary.Item{
		tributary.NodeItem(&tributary.HierarchyNode{ID: "n"}),
		tributary.DocumentItem(a),
		tributary.CheckpointItem(tributary.Checkpoint(`{}`)),
		tributary.FailureItem(&tributary.Failure{DocumentID: "c"}),
		tributary.DeletionItem("z"),
	}}
	docs, errs = collect(tributary.Load(ctx, so))
	assert.Equal(t, []*tributary.Document{a}, docs)
	require.Len(t, errs, 1)
	assert.Equal(t, tributary.Capabilities{Checkpoint: true}, tributary.CapabilitiesOf(so))
	assert.Equal(t, "load", tributary.CapabilitiesOf(lo).String())
}

func TestHelpersStopOnBreak(t *testing.T) {
	lo := loadOnly{docs: []*tributary.Document{{ID: "a"}, {ID: "b"}}}
	n := 0
	for range tributary.LoadSlim(t.Context(), lo, time.Time{}, time.Time{}) {
		n++
		break
	}
	assert.Equal(t, 1, n)
	for range tributary.Stream(t.Context(), lo, time.Time{}, time.Time{}, nil) {
		n++
		break
	}
	assert.Equal(t, 2, n)
}

func TestErrorMatchesKindAndCause(t *testing.T) {
	cause := io.ErrUnexpectedEOF
	err := fmt.Errorf("list pages: %w", &tributary.Error{Op: "confluence: search", Kind: tributary.ErrTransient, Err: cause, RetryAfter: 2 * time.Second})
	assert.ErrorIs(t, err, tributary.ErrTransient)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.NotErrorIs(t, err, tributary.ErrRateLimited)
	assert.Equal(t, tributary.ErrTransient, tributary.Kind(err))
	assert.Equal(t, "list pages: confluence: search: transient failure: unexpected EOF: retry after 2s", err.Error())
	te, ok := errors.AsType[*tributary.Error](err)
	require.True(t, ok)
	assert.Equal(t, 2*time.Second, te.RetryAfter)
	assert.Nil(t, tributary.Kind(io.EOF))

	f := &tributary.Failure{DocumentID: "https://x/1", Message: "too large", Err: tributary.NewError("fetch", tributary.ErrNotFound, nil)}
	assert.ErrorIs(t, f, tributary.ErrNotFound)
	assert.Equal(t, "failure on document https://x/1: too large: fetch: not found", f.Error())
}

func TestRegistry(t *testing.T) {
	var reg tributary.Registry
	_, err := reg.New("nope", tributary.Params{})
	require.ErrorIs(t, err, tributary.ErrUnknownSource)
	assert.Contains(t, err.Error(), `"nope" (forgotten import?)`)

	open := func(s testSettings, c testCredentials, env tributary.Env) (*loadOnlyCfg, error) {
		return &loadOnlyCfg{root: s.Root}, nil
	}
	r := tributary.Define(tributary.Registration{Source: "notes", DisplayName: "Notes", Category: tributary.CategoryStorage}, open)
	assert.Equal(t, tributary.Capabilities{Load: true}, r.Capabilities)
	reg.Register(r)
	reg.Register(tributary.Define(tributary.Registration{Source: "alpha"}, open))
	assert.Panics(t, func() { reg.Register(r) }, "duplicate")
	assert.Panics(t, func() { reg.Register(tributary.Registration{Source: "x"}) }, "nil factory")
	assert.Panics(t, func() { reg.Register(tributary.Registration{Factory: r.Factory}) }, "empty source")

	c, err := reg.New("notes", tributary.Params{Settings: []byte(`{"root":"/n"}`), Credentials: []byte(`{"token":"t"}`)})
	require.NoError(t, err)
	assert.Equal(t, "/n", c.(*loadOnlyCfg).root)
	_, err = reg.New("notes", tributary.Params{Settings: []byte(`{"rot":"/n"}`)})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Len(t, tributary.ConfigProblems(err), 3)

	var names []tributary.DocumentSource
	for _, r := range reg.Sources() {
		names = append(names, r.Source)
	}
	assert.Equal(t, []tributary.DocumentSource{"alpha", "notes"}, names)
	assert.Contains(t, string(r.SettingsSchema()), `"root"`)
}

type loadOnlyCfg struct {
	loadOnly
	root string
}

func TestKnownSources(t *testing.T) {
	seen := map[tributary.DocumentSource]bool{}
	for _, s := range tributary.KnownSources() {
		assert.False(t, seen[s], s)
		seen[s] = true
	}
	assert.Len(t, seen, 59)
}

func TestContentHash(t *testing.T) {
	mk := func() *tributary.Document {
		return &tributary.Document{
			ID: "a", Title: "T", Sections: []tributary.Section{tributary.TextSection("l", "body")},
			Metadata:       tributary.Metadata{"x": {"1"}, "y": {"2"}},
			ExternalAccess: &tributary.ExternalAccess{UserEmails: []string{"b@x", "a@x"}},
			UpdatedAt:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		}
	}
	a, b := mk(), mk()
	b.ExternalAccess.UserEmails = []string{"a@x", "b@x"}
	assert.Equal(t, a.ContentHash(), b.ContentHash(), "order of access lists does not matter")
	b.Sections[0].Text = "body!"
	assert.NotEqual(t, a.ContentHash(), b.ContentHash())
	b = mk()
	b.Sections = []tributary.Section{tributary.TextSection("l", "bo"), tributary.TextSection("l", "dy")}
	assert.NotEqual(t, a.ContentHash(), b.ContentHash(), "section boundaries matter")
	b = mk()
	b.UpdatedAt = b.UpdatedAt.In(time.FixedZone("x", 3600))
	assert.Equal(t, a.ContentHash(), b.ContentHash(), "same instant")
	assert.Positive(t, a.Size())
}

func TestStrictSlimEndsAtTheFirstFailure(t *testing.T) {
	items := func(yield func(tributary.Item, error) bool) {
		_ = yield(tributary.NodeItem(&tributary.HierarchyNode{ID: "n"}), nil) &&
			yield(tributary.DocumentItem(&tributary.Document{ID: "a", ParentID: "n"}), nil) &&
			yield(tributary.CheckpointItem(tributary.Checkpoint(`{}`)), nil) &&
			yield(tributary.FailureItem(&tributary.Failure{DocumentID: "b", Err: tributary.NewError("get", tributary.ErrNotFound, nil)}), nil) &&
			yield(tributary.DocumentItem(&tributary.Document{ID: "c"}), nil)
	}
	slims, errs := collect(tributary.StrictSlim("x: slim listing", items))
	assert.Equal(t, []tributary.SlimDocument{{ID: "a", ParentID: "n"}}, slims)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], tributary.ErrNotFound)
	_, isFailure := tributary.AsFailure(errs[0])
	assert.False(t, isFailure, "a listing with a hole ends with a terminal error")
	assert.Contains(t, errs[0].Error(), "x: slim listing incomplete")

	n := 0
	for range tributary.StrictSlim("x", items) {
		n++
		break
	}
	assert.Equal(t, 1, n)
}

// TestContentHashIsStable pins the fingerprint of a document that uses every
// hashed field: stores keep these values, so a change to how a document is
// laid out for hashing makes every indexed document look changed once, and
// must be deliberate.
func TestContentHashIsStable(t *testing.T) {
	d := &tributary.Document{
		ID: "https://wiki.example.com/p/1", Source: tributary.SourceConfluence, SemanticID: "Runbook", Title: "Runbook",
		Sections: []tributary.Section{
			tributary.TextSection("https://wiki.example.com/p/1", "Restart the service."),
			{Kind: tributary.SectionTable, Link: "https://wiki.example.com/p/1#t", Heading: "Hosts",
				Rows: [][]string{{"host", "zone"}, {"a", "eu"}}},
			{Kind: tributary.SectionImage, ImageURL: "https://wiki.example.com/i.png", Text: "diagram"},
		},
		Metadata:        tributary.Metadata{"space": {"ENG"}, "labels": {"runbook", "oncall"}, "a": {"z"}},
		UpdatedAt:       time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		CreatedAt:       time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		PrimaryOwners:   []tributary.Person{{DisplayName: "Ana Lima", FirstName: "Ana", LastName: "Lima", Email: "ana@example.com"}},
		SecondaryOwners: []tributary.Person{{Email: "bo@example.com"}},
		ParentID:        "space-ENG",
		ExternalAccess:  &tributary.ExternalAccess{UserEmails: []string{"b@x", "a@x"}, GroupIDs: []string{"g"}, Public: true},
	}
	assert.Equal(t, "3f01d9c819c4784e1269a5fec04e076b", d.ContentHash())
	assert.Equal(t, 460, d.Size())
	assert.Equal(t, "110a369d1234f86f217c45abfcbf9a72", (&tributary.Document{ID: "x"}).ContentHash())
}
