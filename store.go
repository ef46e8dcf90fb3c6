package tributary

import (
	"context"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Batch is what the runner hands a Sink: documents to upsert, ids to delete,
// and hierarchy nodes (always before the documents that name them).
type Batch struct {
	Nodes     []*HierarchyNode
	Documents []*Document
	Deletions []string
}

// Len returns the number of entries in the batch.
func (b Batch) Len() int { return len(b.Nodes) + len(b.Documents) + len(b.Deletions) }

// Sink receives batches from the runner. Write returning nil acknowledges the
// batch: only then may the runner advance the stored checkpoint past it.
// Write must not keep the batch's slices after it returns.
type Sink interface {
	Write(ctx context.Context, b Batch) error
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(ctx context.Context, b Batch) error

// Write calls f.
func (f SinkFunc) Write(ctx context.Context, b Batch) error { return f(ctx, b) }

// Window is a half-open interval of time [Start, End) in UTC. A zero Start
// means the beginning of time.
type Window struct {
	Start time.Time `json:"start,omitzero"`
	End   time.Time `json:"end,omitzero"`
}

// State is what a Store keeps for one connector instance between runs.
type State struct {
	// Window is the window of the run in progress; zero when no run is in
	// progress. A checkpoint belongs to its window: after a crash the runner
	// resumes this window from Checkpoint before opening a new one.
	Window Window `json:"window,omitzero"`
	// Full reports that the run in progress is a full load.
	Full bool `json:"full,omitempty"`
	// Checkpoint is the last checkpoint whose documents were acknowledged.
	Checkpoint Checkpoint `json:"checkpoint,omitempty"`
	// LastGoodEnd is the end of the last window that completed; the next
	// poll starts there, less the lookback. Zero before the first full load.
	LastGoodEnd time.Time `json:"last_good_end,omitzero"`
}

// InProgress reports whether a run was interrupted and must be resumed.
func (s State) InProgress() bool { return !s.Window.End.IsZero() }

// InventoryEntry is what a Store remembers of one delivered document: enough
// to drop repeats, to prune and to sync access.
type InventoryEntry struct {
	ID        string    `json:"id"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	Hash      string    `json:"hash"`
	// AccessHash is the ExternalAccess.Hash of the access last delivered:
	// "" when it was not determined, and in entries stored before the
	// inventory kept it.
	AccessHash string `json:"access_hash,omitempty"`
}

// Commit is one atomic change to a Store, made after the sink acknowledged
// everything it records.
type Commit struct {
	// State replaces the stored state.
	State State
	// Upserts are documents delivered; Removals are ids deleted.
	Upserts  []InventoryEntry
	Removals []string
	// Failures are failures reported since the previous commit.
	Failures []*Failure
	// Resolved are documents fetched again and delivered, found unchanged
	// or gone; a RetryStore takes them off its queue (see RetryStore).
	Resolved []string
	// Time is when the commit was made, by the runner's clock; a
	// RetryStore dates the commit's failures by it. Zero means the store's
	// own clock.
	Time time.Time
	// Values are the connector Values put since the previous commit, a
	// nil value for a key deleted. Only a ValueStore is given any.
	Values map[string][]byte
	// Access are access hashes a permission sync delivered: each sets
	// the AccessHash of the inventory entry of its id, after Upserts, and
	// leaves the rest of the entry, and any retry queued for the document,
	// as it is. An id the inventory does not hold is passed over.
	Access []AccessEntry
}

// AccessEntry is the access hash of one document whose access a
// permission sync delivered.
type AccessEntry struct {
	ID         string
	AccessHash string
}

// Store persists runner state per connector instance. Implementations must
// apply each Commit atomically (a crash leaves either all of it or none) and
// be safe for concurrent use.
type Store interface {
	// State returns the instance's state; the zero State when there is none.
	State(ctx context.Context, instance string) (State, error)
	// Commit applies c atomically. It must not keep c's slices once it
	// returns: the runner reuses them.
	Commit(ctx context.Context, instance string, c Commit) error
	// Lookup returns the inventory entries of those ids that it holds.
	Lookup(ctx context.Context, instance string, ids []string) (map[string]InventoryEntry, error)
	// Mark records that a prune listing numbered gen saw the ids.
	Mark(ctx context.Context, instance string, gen int64, ids []string) error
	// Unmarked yields, in id order, the inventory entries that the listing
	// numbered gen did not mark.
	Unmarked(ctx context.Context, instance string, gen int64) iter.Seq2[InventoryEntry, error]
	// Count returns the number of inventory entries.
	Count(ctx context.Context, instance string) (int, error)
	// Reset forgets everything stored for the instance.
	Reset(ctx context.Context, instance string) error
}

// MemoryStore is a Store held in memory, for tests and short-lived hosts.
// The zero MemoryStore is ready to use.
type MemoryStore struct {
	mu        sync.Mutex
	instances map[string]*memInstance
}

type memInstance struct {
	state     State
	inventory inventory
	marks     map[string]int64 // prune listing that last saw each id
	failures  []*Failure
	retries   map[string]*Retry
	values    memValues
}

// inventory holds entries in fixed-size blocks, found through a map of
// positions: a map of small values grows at a fraction of the cost of one
// holding whole entries, which matters on a first load, and blocks never
// move, so growing leaves no garbage.
type inventory struct {
	at     map[string]int32 // position of each id's entry
	blocks [][]InventoryEntry
	n      int32   // positions used, holes included
	free   []int32 // the holes removed ids left
}

const inventoryBlock = 1024

func (v *inventory) entry(i int32) *InventoryEntry {
	return &v.blocks[i/inventoryBlock][i%inventoryBlock]
}

func (v *inventory) get(id string) (InventoryEntry, bool) {
	i, ok := v.at[id]
	if !ok {
		return InventoryEntry{}, false
	}
	return *v.entry(i), true
}

func (v *inventory) put(e InventoryEntry) {
	if i, ok := v.at[e.ID]; ok {
		*v.entry(i) = e
		return
	}
	var i int32
	if n := len(v.free); n > 0 {
		i, v.free = v.free[n-1], v.free[:n-1]
	} else {
		if v.n%inventoryBlock == 0 {
			v.blocks = append(v.blocks, make([]InventoryEntry, inventoryBlock))
		}
		i = v.n
		v.n++
	}
	if v.at == nil {
		v.at = make(map[string]int32)
	}
	v.at[e.ID] = i
	*v.entry(i) = e
}

func (v *inventory) remove(id string) {
	if i, ok := v.at[id]; ok {
		delete(v.at, id)
		*v.entry(i) = InventoryEntry{}
		v.free = append(v.free, i)
	}
}

func (m *MemoryStore) instance(name string) *memInstance {
	if m.instances == nil {
		m.instances = make(map[string]*memInstance)
	}
	in := m.instances[name]
	if in == nil {
		in = &memInstance{marks: make(map[string]int64), values: make(memValues), retries: make(map[string]*Retry)}
		m.instances[name] = in
	}
	return in
}

// State implements Store.
func (m *MemoryStore) State(ctx context.Context, instance string) (State, error) {
	if err := ctx.Err(); err != nil {
		return State{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.instance(instance).state
	st.Checkpoint = slices.Clone(st.Checkpoint)
	return st, nil
}

// Commit implements Store.
func (m *MemoryStore) Commit(ctx context.Context, instance string, c Commit) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	in := m.instance(instance)
	in.state = c.State
	in.state.Checkpoint = slices.Clone(c.State.Checkpoint)
	for _, e := range c.Upserts {
		in.inventory.put(e)
	}
	for _, id := range c.Removals {
		in.inventory.remove(id)
		delete(in.marks, id)
	}
	for _, a := range c.Access {
		if e, ok := in.inventory.get(a.ID); ok {
			e.AccessHash = a.AccessHash
			in.inventory.put(e)
		}
	}
	in.failures = append(in.failures, c.Failures...)
	in.queueRetries(c)
	in.values.apply(c.Values)
	return nil
}

func (in *memInstance) queueRetries(c Commit) {
	for _, ids := range [][]string{c.Resolved, c.Removals} {
		for _, id := range ids {
			delete(in.retries, id)
		}
	}
	for _, e := range c.Upserts {
		delete(in.retries, e.ID)
	}
	at := c.Time
	if at.IsZero() {
		at = time.Now()
	}
	for _, f := range c.Failures {
		if f == nil || f.DocumentID == "" {
			continue
		}
		r := in.retries[f.DocumentID]
		if r == nil {
			r = &Retry{DocumentID: f.DocumentID}
			in.retries[f.DocumentID] = r
		}
		r.Attempts++
		r.LastFailed, r.Message = at.UTC(), f.Error()
	}
}

// Retries implements RetryStore.
func (m *MemoryStore) Retries(ctx context.Context, instance string, maxAttempts, limit int) ([]Retry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Retry
	for _, r := range m.instance(instance).retries {
		if r.Attempts < maxAttempts {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, compareRetries)
	return out[:min(len(out), max(limit, 0))], nil
}

// compareRetries orders retries the longest failed first, then by id.
func compareRetries(a, b Retry) int {
	if c := a.LastFailed.Compare(b.LastFailed); c != 0 {
		return c
	}
	return strings.Compare(a.DocumentID, b.DocumentID)
}

// Values implements ValueStore.
func (m *MemoryStore) Values(ctx context.Context, instance string, keys []string) (map[string][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.instance(instance).values.get(keys), nil
}

// Lookup implements Store.
func (m *MemoryStore) Lookup(ctx context.Context, instance string, ids []string) (map[string]InventoryEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	in := m.instance(instance)
	var out map[string]InventoryEntry // made at the first hit: a first run finds none
	for i, id := range ids {
		if e, ok := in.inventory.get(id); ok {
			if out == nil {
				out = make(map[string]InventoryEntry, len(ids)-i)
			}
			out[id] = e
		}
	}
	return out, nil
}

// Mark implements Store.
func (m *MemoryStore) Mark(ctx context.Context, instance string, gen int64, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	in := m.instance(instance)
	for _, id := range ids {
		in.marks[id] = gen
	}
	return nil
}

// Unmarked implements Store.
func (m *MemoryStore) Unmarked(ctx context.Context, instance string, gen int64) iter.Seq2[InventoryEntry, error] {
	return func(yield func(InventoryEntry, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(InventoryEntry{}, err)
			return
		}
		m.mu.Lock()
		in := m.instance(instance)
		var out []InventoryEntry
		for _, id := range slices.Sorted(maps.Keys(in.inventory.at)) {
			if in.marks[id] != gen {
				e, _ := in.inventory.get(id)
				out = append(out, e)
			}
		}
		m.mu.Unlock()
		for _, e := range out {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// Count implements Store.
func (m *MemoryStore) Count(ctx context.Context, instance string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.instance(instance).inventory.at), nil
}

// Reset implements Store.
func (m *MemoryStore) Reset(ctx context.Context, instance string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.instances, instance)
	return nil
}

// Failures returns the failures recorded for the instance, oldest first.
func (m *MemoryStore) Failures(instance string) []*Failure {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.instance(instance).failures)
}

var (
	_ ValueStore = (*MemoryStore)(nil)
	_ RetryStore = (*MemoryStore)(nil)
)
