package tributary

import (
	"context"
	"slices"
	"sync"
)

// Values is a connector's memory between runs, kept by its host: small
// values under keys the connector chooses, such as the validators (ETag,
// Last-Modified) of the pages a crawler fetched, so that the next run can
// ask the source what changed. A connector finds it with ValuesFrom; when
// the host keeps none it is nil, and the connector works without.
//
// Get reads what earlier runs stored; what this run puts is not seen until
// it is stored. Put a value for an item after yielding the item: a value is
// stored with the host's first commit after the Put, and a commit covers
// everything yielded before it, so a value is stored only once the sink has
// acknowledged what it describes: a crash may lose a value, never keep one
// for an item the sink did not take.
// Implementations are safe for concurrent use.
type Values interface {
	// Get returns the values stored under those of keys that have one.
	Get(ctx context.Context, keys []string) (map[string][]byte, error)
	// Put stores value under key with the next commit; a nil value
	// deletes the key. Put keeps no reference to value.
	Put(key string, value []byte)
}

// ValueStore is a Store that also keeps connector Values. It stores them
// with each Commit (Commit.Values), so they change atomically with the
// inventory; Reset forgets them with the rest of the instance.
type ValueStore interface {
	Store
	// Values returns the values stored for the instance under those of
	// keys that have one.
	Values(ctx context.Context, instance string, keys []string) (map[string][]byte, error)
}

type valuesKey struct{}

// WithValues returns a context that carries v to the connector code running
// under it. The Runner installs the Values of its Batcher on each Run.
func WithValues(ctx context.Context, v Values) context.Context {
	return context.WithValue(ctx, valuesKey{}, v)
}

// ValuesFrom returns the Values carried by ctx, or nil.
func ValuesFrom(ctx context.Context) Values {
	v, _ := ctx.Value(valuesKey{}).(Values)
	return v
}

// pendingValues are the Values of a Batcher: reads go to its Store, puts
// wait for its next commit.
type pendingValues struct {
	store    ValueStore
	instance string
	blind    bool // Get finds nothing: the run redelivers everything

	mu  sync.Mutex
	put map[string][]byte
}

func (v *pendingValues) Get(ctx context.Context, keys []string) (map[string][]byte, error) {
	if v.blind {
		return nil, ctx.Err()
	}
	return v.store.Values(ctx, v.instance, keys)
}

func (v *pendingValues) Put(key string, value []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.put == nil {
		v.put = make(map[string][]byte)
	}
	if value != nil {
		value = slices.Clone(value)
	}
	v.put[key] = value
}

// take returns the values put since the last take.
func (v *pendingValues) take() map[string][]byte {
	if v == nil {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	out := v.put
	v.put = nil
	return out
}

// memValues are a MemoryStore instance's values.
type memValues map[string][]byte

func (m memValues) get(keys []string) map[string][]byte {
	var out map[string][]byte
	for _, k := range keys {
		if v, ok := m[k]; ok {
			if out == nil {
				out = make(map[string][]byte)
			}
			out[k] = slices.Clone(v)
		}
	}
	return out
}

func (m memValues) apply(put map[string][]byte) {
	for k, v := range put {
		if v != nil {
			m[k] = slices.Clone(v)
		} else {
			delete(m, k)
		}
	}
}
