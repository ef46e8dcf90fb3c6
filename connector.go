package tributary

import (
	"context"
	"iter"
	"strings"
	"time"
)

// Connector is what every connector is. Its capabilities are the optional
// interfaces below, found with the helpers in this file (Load, Poll,
// LoadSlim, Stream, Capabilities), never by callers asserting types.
//
// A Connector may be used by several goroutines at once; each iterator it
// returns belongs to the goroutine that ranges over it.
type Connector interface {
	// Source names the system the connector reads.
	Source() DocumentSource
	// Validate is a cheap probe that the settings and credentials work: one or
	// two requests, no listing. Rejected credentials fail with
	// ErrCredentialExpired, missing rights with ErrInsufficientPermissions, a
	// configured space, repository or folder that does not exist with
	// ErrNotFound, and bad settings with ErrInvalidConfig.
	Validate(ctx context.Context) error
}

// LoadConnector loads every document the source has, as of now.
type LoadConnector interface {
	Connector
	// Load yields every document. See the package documentation for the
	// iterator contract.
	Load(ctx context.Context) iter.Seq2[*Document, error]
}

// PollConnector loads the documents changed in a window of time.
type PollConnector interface {
	Connector
	// Poll yields the documents whose update time is in [start, end). A zero
	// start means the beginning of time and a zero end means no upper bound,
	// so Poll over two zero times yields what Load yields.
	Poll(ctx context.Context, start, end time.Time) iter.Seq2[*Document, error]
}

// SlimConnector lists document ids cheaply, for pruning and permission sync.
type SlimConnector interface {
	Connector
	// LoadSlim yields a SlimDocument for exactly the documents that Load (or,
	// for a non-zero window, Poll) would yield, with the same ids.
	LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[SlimDocument, error]
}

// EventType says what a pushed Event reports.
type EventType string

// Common event types. Webhooks carry the source's own event name in Name.
const (
	EventCreated EventType = "created"
	EventChanged EventType = "changed"
	EventRemoved EventType = "removed"
	EventWebhook EventType = "webhook"
)

// Event is something a source pushed: a file-system notification or a
// webhook delivery.
type Event struct {
	Type EventType
	// Name is the source's own name for the event (a webhook's event type).
	Name string
	// Key identifies the object the event is about when known: a file path,
	// an object id.
	Key string
	// Header and Body are a webhook delivery's headers and raw body.
	Header map[string][]string
	Body   []byte
	// Time is when the event happened, when known.
	Time time.Time
}

// EventConnector turns pushed events into upserts and deletions.
type EventConnector interface {
	Connector
	// HandleEvent yields the documents, deletions and nodes that the event
	// implies. It must verify webhook signatures when the source signs them.
	HandleEvent(ctx context.Context, ev Event) iter.Seq2[Item, error]
}

// CheckpointConnector is the resumable stream every reference connector with
// a remote API implements.
type CheckpointConnector interface {
	Connector
	// LoadFromCheckpoint yields the items for the window [start, end) (zero
	// times as for Poll), starting after cp (an empty cp means the start).
	// It yields Checkpoint items at safe points: resuming from one of them
	// re-yields nothing needed and loses nothing after it. Checkpoints stay
	// small: a position, never a set of ids seen. A cp this connector did not
	// make fails with ErrInvalidCheckpoint.
	LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp Checkpoint) iter.Seq2[Item, error]
}

// WholePassConnector is implemented by a connector whose every window reads
// the whole source, as a crawler does (it must fetch a page to learn
// whether it changed): a window costs as much as a full load, whatever its
// bounds. A run that resumes such a connector's interrupted window ends
// with that window instead of opening another, so finishing the work of an
// interrupted run costs one pass, not two; the next run opens a new window.
type WholePassConnector interface {
	Connector
	// WholePass reports whether every window reads the whole source.
	WholePass() bool
}

// wholePass reports whether c says every window reads the whole source.
func wholePass(c Connector) bool {
	w, ok := c.(WholePassConnector)
	return ok && w.WholePass()
}

// Capabilities lists what a connector can do: its ways of reading
// documents, and the optional capabilities a host may use beside them.
type Capabilities struct {
	Load       bool `json:"load"`
	Poll       bool `json:"poll"`
	Slim       bool `json:"slim"`
	Event      bool `json:"event"`
	Checkpoint bool `json:"checkpoint"`
	// Groups: the connector lists the source's groups (GroupSyncer).
	Groups bool `json:"groups"`
	// Refetch: the connector fetches failed documents again by id
	// (Refetcher).
	Refetch bool `json:"refetch"`
	// Probe: the connector says per capability whether its credentials
	// allow it (Prober).
	Probe bool `json:"probe"`
	// NormalizeURL: the connector maps a pasted URL to a document id
	// (URLNormalizer).
	NormalizeURL bool `json:"normalize_url"`
}

// CapabilitiesOf returns the capabilities c implements directly.
func CapabilitiesOf(c Connector) Capabilities {
	_, load := c.(LoadConnector)
	_, poll := c.(PollConnector)
	_, slim := c.(SlimConnector)
	_, event := c.(EventConnector)
	_, cp := c.(CheckpointConnector)
	_, groups := c.(GroupSyncer)
	_, refetch := c.(Refetcher)
	_, probe := c.(Prober)
	_, normalize := c.(URLNormalizer)
	return Capabilities{Load: load, Poll: poll, Slim: slim, Event: event, Checkpoint: cp,
		Groups: groups, Refetch: refetch, Probe: probe, NormalizeURL: normalize}
}

// String lists the capabilities, such as "load,poll,slim,groups".
func (c Capabilities) String() string {
	var names []string
	for _, x := range []struct {
		ok   bool
		name string
	}{{c.Load, "load"}, {c.Poll, "poll"}, {c.Slim, "slim"}, {c.Event, "event"}, {c.Checkpoint, "checkpoint"},
		{c.Groups, "groups"}, {c.Refetch, "refetch"}, {c.Probe, "probe"}, {c.NormalizeURL, "normalize_url"}} {
		if x.ok {
			names = append(names, x.name)
		}
	}
	return strings.Join(names, ",")
}

// Load yields every document of c: through its Load method, or else through
// its checkpoint stream, or else through Poll over all time. It yields
// ErrNotSupported when c has none of these.
func Load(ctx context.Context, c Connector) iter.Seq2[*Document, error] {
	switch c := c.(type) {
	case LoadConnector:
		return c.Load(ctx)
	case CheckpointConnector:
		return documentsOf(c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil))
	case PollConnector:
		return c.Poll(ctx, time.Time{}, time.Time{})
	}
	return errSeq2[*Document](notSupported(c, "load"))
}

// Poll yields the documents of c changed in [start, end): through its Poll
// method or its checkpoint stream. A connector that can only Load cannot be
// polled: Poll yields ErrNotSupported, and the runner loads it in full.
func Poll(ctx context.Context, c Connector, start, end time.Time) iter.Seq2[*Document, error] {
	switch c := c.(type) {
	case PollConnector:
		return c.Poll(ctx, start, end)
	case CheckpointConnector:
		return documentsOf(c.LoadFromCheckpoint(ctx, start, end, nil))
	}
	if start.IsZero() && end.IsZero() {
		return Load(ctx, c)
	}
	return errSeq2[*Document](notSupported(c, "poll"))
}

// LoadSlim yields the slim documents of c in [start, end): through its
// LoadSlim method, or else from the full documents of Poll (or Load, for two
// zero times).
func LoadSlim(ctx context.Context, c Connector, start, end time.Time) iter.Seq2[SlimDocument, error] {
	if s, ok := c.(SlimConnector); ok {
		return s.LoadSlim(ctx, start, end)
	}
	return func(yield func(SlimDocument, error) bool) {
		for d, err := range Poll(ctx, c, start, end) {
			var sd SlimDocument
			if d != nil {
				sd = d.Slim()
			}
			if !yield(sd, err) {
				return
			}
		}
	}
}

// Stream yields the items of c for [start, end) resuming after cp: through its
// checkpoint stream, or else by wrapping Poll (or Load, for two zero times)
// into document and failure items with no checkpoints. A non-empty cp for a
// connector that cannot resume fails with ErrInvalidCheckpoint.
func Stream(ctx context.Context, c Connector, start, end time.Time, cp Checkpoint) iter.Seq2[Item, error] {
	if s, ok := c.(CheckpointConnector); ok {
		return s.LoadFromCheckpoint(ctx, start, end, cp)
	}
	if !cp.IsZero() {
		return errSeq2[Item](NewError(string(c.Source())+": resume", ErrInvalidCheckpoint,
			errNoResume))
	}
	return func(yield func(Item, error) bool) {
		for d, err := range Poll(ctx, c, start, end) {
			var ok bool
			switch f, isFailure := AsFailure(err); {
			case isFailure:
				ok = yield(FailureItem(f), nil)
			case err != nil:
				ok = yield(Item{}, err)
			default:
				ok = yield(DocumentItem(d), nil)
			}
			if !ok {
				return
			}
		}
	}
}

// StrictSlim turns a checkpoint stream into a slim listing for pruning: it
// yields the slim form of each document and drops nodes and checkpoints, and
// at the first Failure it ends with a terminal error of the failure's kind
// (ErrTransient when it has none), never a non-terminal *Failure, so that a
// listing with a hole is never taken for a complete one. Connectors whose
// LoadSlim runs their own stream without bodies use it; op names the
// listing in the error, such as "github: slim listing".
func StrictSlim(op string, items iter.Seq2[Item, error]) iter.Seq2[SlimDocument, error] {
	return func(yield func(SlimDocument, error) bool) {
		for it, err := range items {
			switch {
			case err != nil:
				yield(SlimDocument{}, err)
				return
			case it.Failure != nil:
				kind := Kind(it.Failure.Err)
				if kind == nil {
					kind = ErrTransient
				}
				yield(SlimDocument{}, NewError(op+" incomplete", kind, errorString(it.Failure.Error())))
				return
			case it.Document != nil:
				if !yield(it.Document.Slim(), nil) {
					return
				}
			}
		}
	}
}

// HandleEvent passes ev to c when it is an EventConnector, and yields
// ErrNotSupported otherwise.
func HandleEvent(ctx context.Context, c Connector, ev Event) iter.Seq2[Item, error] {
	if e, ok := c.(EventConnector); ok {
		return e.HandleEvent(ctx, ev)
	}
	return errSeq2[Item](notSupported(c, "handle events"))
}

var errNoResume = errorString("connector cannot resume from a checkpoint")

type errorString string

func (e errorString) Error() string { return string(e) }

func notSupported(c Connector, what string) error {
	return NewError(string(c.Source())+": "+what, ErrNotSupported, nil)
}

// documentsOf turns an item stream into a document stream: failures become
// *Failure errors, nodes and checkpoints are dropped, deletions are dropped.
func documentsOf(items iter.Seq2[Item, error]) iter.Seq2[*Document, error] {
	return func(yield func(*Document, error) bool) {
		for it, err := range items {
			var ok = true
			switch {
			case err != nil:
				ok = yield(nil, err)
			case it.Document != nil:
				ok = yield(it.Document, nil)
			case it.Failure != nil:
				ok = yield(nil, it.Failure)
			}
			if !ok {
				return
			}
		}
	}
}

// errSeq2 returns an iterator that yields err once.
func errSeq2[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
