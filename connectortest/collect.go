package connectortest

import (
	"iter"
	"slices"

	"github.com/tributary-dev/tributary"
)

// Collected is everything a stream yielded, each kind of item in the order
// it came.
type Collected struct {
	Documents   []*tributary.Document
	Deletions   []string
	Nodes       []*tributary.HierarchyNode
	Failures    []*tributary.Failure
	Checkpoints []tributary.Checkpoint
	// Err is the error that ended the stream, if one did.
	Err error
}

// Collect ranges over a stream (Load, Poll or LoadFromCheckpoint through
// tributary.Stream, or a connector's own) until it ends or yields an error,
// and returns what it yielded. It is for a connector's own tests; Run
// checks the stream's contract.
func Collect(items iter.Seq2[tributary.Item, error]) Collected {
	var c Collected
	for it, err := range items {
		if err != nil {
			c.Err = err
			break
		}
		switch {
		case it.Document != nil:
			c.Documents = append(c.Documents, it.Document)
		case it.Deletion != "":
			c.Deletions = append(c.Deletions, it.Deletion)
		case it.Node != nil:
			c.Nodes = append(c.Nodes, it.Node)
		case it.Failure != nil:
			c.Failures = append(c.Failures, it.Failure)
		case !it.Checkpoint.IsZero():
			c.Checkpoints = append(c.Checkpoints, it.Checkpoint)
		}
	}
	return c
}

// IDs returns the ids of the documents, sorted.
func (c Collected) IDs() []string {
	ids := make([]string, 0, len(c.Documents))
	for _, d := range c.Documents {
		ids = append(ids, d.ID)
	}
	slices.Sort(ids)
	return ids
}
