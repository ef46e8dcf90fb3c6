package tributary

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MaxCheckpointSize bounds an encoded checkpoint. Checkpoints hold a position
// (a cursor, a page, a time), never a set that grows with the source.
const MaxCheckpointSize = 64 << 10

// Checkpoint is an opaque, versioned JSON encoding of a connector's position
// in its stream. An empty Checkpoint means "from the start". Make one with
// EncodeCheckpoint and read it back with DecodeCheckpoint.
type Checkpoint []byte

// IsZero reports whether the checkpoint means "from the start".
func (c Checkpoint) IsZero() bool { return len(c) == 0 }

// checkpointEnvelope is the encoded form of every checkpoint.
type checkpointEnvelope struct {
	Kind    string          `json:"kind"`
	Version int             `json:"version"`
	State   json.RawMessage `json:"state"`
}

// EncodeCheckpoint encodes state as a checkpoint of the given kind (usually
// the source name) and version. It fails with ErrInvalidCheckpoint when the
// result is larger than MaxCheckpointSize.
func EncodeCheckpoint[T any](kind string, version int, state T) (Checkpoint, error) {
	raw, err := json.Marshal(state)
	if err != nil {
		return nil, NewError("encode checkpoint", ErrInvalidCheckpoint, err)
	}
	b, err := json.Marshal(checkpointEnvelope{Kind: kind, Version: version, State: raw})
	if err != nil {
		return nil, NewError("encode checkpoint", ErrInvalidCheckpoint, err)
	}
	if len(b) > MaxCheckpointSize {
		return nil, NewError("encode checkpoint", ErrInvalidCheckpoint,
			fmt.Errorf("%s checkpoint is %d bytes, over the %d-byte bound", kind, len(b), MaxCheckpointSize))
	}
	return Checkpoint(b), nil
}

// DecodeCheckpoint decodes a checkpoint made by EncodeCheckpoint with the same
// kind and version. An empty checkpoint decodes to the zero T and ok=false.
// Bytes that are malformed, too large, of another kind or of another version
// fail with ErrInvalidCheckpoint naming the problem. Unknown fields in the
// state are refused too, so a checkpoint from an incompatible build is never
// half-read.
func DecodeCheckpoint[T any](cp Checkpoint, kind string, version int) (state T, ok bool, err error) {
	if cp.IsZero() {
		return state, false, nil
	}
	fail := func(format string, args ...any) (T, bool, error) {
		var zero T
		return zero, false, NewError("decode checkpoint", ErrInvalidCheckpoint, fmt.Errorf(format, args...))
	}
	if len(cp) > MaxCheckpointSize {
		return fail("%d bytes, over the %d-byte bound", len(cp), MaxCheckpointSize)
	}
	var env checkpointEnvelope
	if err := strictUnmarshal(cp, &env); err != nil {
		return fail("malformed: %v", err)
	}
	if env.Kind != kind {
		return fail("made by %q, not %q", env.Kind, kind)
	}
	if env.Version != version {
		return fail("%s checkpoint version %d, this build reads version %d", kind, env.Version, version)
	}
	if len(env.State) == 0 || bytes.Equal(env.State, []byte("null")) {
		return fail("%s checkpoint has no state", kind)
	}
	if err := strictUnmarshal(env.State, &state); err != nil {
		return fail("%s checkpoint state: %v", kind, err)
	}
	return state, true, nil
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after JSON value")
	}
	return nil
}

// ItemKind says which field of an Item is set.
type ItemKind int

// The kinds of item.
const (
	ItemInvalid ItemKind = iota
	ItemDocument
	ItemDeletion
	ItemNode
	ItemFailure
	ItemCheckpoint
)

func (k ItemKind) String() string {
	switch k {
	case ItemDocument:
		return "document"
	case ItemDeletion:
		return "deletion"
	case ItemNode:
		return "node"
	case ItemFailure:
		return "failure"
	case ItemCheckpoint:
		return "checkpoint"
	}
	return "invalid"
}

// Item is one element of a resumable stream: exactly one of its fields is set.
//
// A Checkpoint item promises that resuming from it re-yields nothing needed
// and loses nothing after it, and that everything yielded before it is
// covered by it.
type Item struct {
	Document   *Document
	Deletion   string // the id of a document the source no longer has
	Node       *HierarchyNode
	Failure    *Failure
	Checkpoint Checkpoint
}

// DocumentItem returns an Item holding d.
func DocumentItem(d *Document) Item { return Item{Document: d} }

// DeletionItem returns an Item saying the document with the id is gone.
func DeletionItem(id string) Item { return Item{Deletion: id} }

// NodeItem returns an Item holding n.
func NodeItem(n *HierarchyNode) Item { return Item{Node: n} }

// FailureItem returns an Item holding f.
func FailureItem(f *Failure) Item { return Item{Failure: f} }

// CheckpointItem returns an Item holding cp. An empty cp is not allowed: a
// checkpoint item always carries a position.
func CheckpointItem(cp Checkpoint) Item { return Item{Checkpoint: cp} }

// Kind returns which field is set, or ItemInvalid when none or several are.
func (it Item) Kind() ItemKind {
	kind, n := ItemInvalid, 0
	if it.Document != nil {
		kind, n = ItemDocument, n+1
	}
	if it.Deletion != "" {
		kind, n = ItemDeletion, n+1
	}
	if it.Node != nil {
		kind, n = ItemNode, n+1
	}
	if it.Failure != nil {
		kind, n = ItemFailure, n+1
	}
	if len(it.Checkpoint) > 0 {
		kind, n = ItemCheckpoint, n+1
	}
	if n != 1 {
		return ItemInvalid
	}
	return kind
}
