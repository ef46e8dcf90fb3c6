// Package jsonl writes and reads the runner's output as JSON lines: one JSON
// object per line, each with a "type" field saying what it is.
//
//	{"type":"node","id":"docs","name":"docs","kind":"folder"}
//	{"type":"document","id":"file:///docs/a.md","source":"file",...}
//	{"type":"deletion","id":"file:///docs/gone.md"}
//	{"type":"access","id":"file:///docs/a.md","external_access":{"group_ids":["eng"]}}
//
// A "node" line carries the fields of a tributary.HierarchyNode and a
// "document" line those of a tributary.Document, under their JSON names; a
// "deletion" line names the id of a document the source no longer has; an
// "access" line, written by a permission sync (tributary.Runner.SyncAccess),
// says who may now see a document delivered before. Its external_access is
// always an object: {} means nobody beyond the lists, which are empty. A
// document line without external_access says nothing about who may see
// it (the connector did not determine it, as tributary run does not ask
// for it): a reader keeps what an earlier access line said.
// Nodes come before the documents that name them, as the runner hands them
// over. Any backend that reads a stream or a file can take this format.
package jsonl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"

	"github.com/tributary-dev/tributary"
)

// Record types, the value of each line's "type" field.
const (
	TypeNode     = "node"
	TypeDocument = "document"
	TypeDeletion = "deletion"
	TypeAccess   = "access"
)

// Sink is a tributary.Sink that writes each batch as JSON lines. A batch is
// acknowledged (Write returns nil) only once all of it has been written to
// the underlying writer, and synced when Options.Sync is set. It is safe for
// concurrent use; batches are never interleaved.
type Sink struct {
	mu   sync.Mutex
	w    *bufio.Writer
	enc  *json.Encoder
	sync func() error
}

var _ tributary.AccessSink = (*Sink)(nil)

// Options tune a Sink.
type Options struct {
	// Sync makes every acknowledged batch durable: the sink calls the
	// writer's Sync method (an *os.File's fsync) before acknowledging.
	// Leave it off for pipes and terminals, which cannot sync.
	Sync bool
}

// NewSink returns a Sink writing to w.
func NewSink(w io.Writer, opts Options) *Sink {
	s := &Sink{w: bufio.NewWriterSize(w, 64<<10)}
	s.enc = json.NewEncoder(s.w)
	s.enc.SetEscapeHTML(false)
	if f, ok := w.(interface{ Sync() error }); ok && opts.Sync {
		s.sync = f.Sync
	}
	return s
}

type nodeLine struct {
	Type string `json:"type"`
	*tributary.HierarchyNode
}

type documentLine struct {
	Type string `json:"type"`
	*tributary.Document
}

type deletionLine struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type accessLine struct {
	Type   string                    `json:"type"`
	ID     string                    `json:"id"`
	Access *tributary.ExternalAccess `json:"external_access"`
}

// Write implements tributary.Sink.
func (s *Sink) Write(ctx context.Context, b tributary.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range b.Nodes {
		if err := s.enc.Encode(nodeLine{TypeNode, n}); err != nil {
			return fmt.Errorf("write node %q: %w", n.ID, err)
		}
	}
	for _, d := range b.Documents {
		if err := s.enc.Encode(documentLine{TypeDocument, d}); err != nil {
			return fmt.Errorf("write document %q: %w", d.ID, err)
		}
	}
	for _, id := range b.Deletions {
		if err := s.enc.Encode(deletionLine{TypeDeletion, id}); err != nil {
			return fmt.Errorf("write deletion %q: %w", id, err)
		}
	}
	return s.flush()
}

// flush hands what was encoded to the writer, and syncs it when asked.
func (s *Sink) flush() error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("write batch: %w", err)
	}
	if s.sync != nil {
		if err := s.sync(); err != nil {
			return fmt.Errorf("sync batch: %w", err)
		}
	}
	return nil
}

// WriteAccess implements tributary.AccessSink: one "access" line per
// change, acknowledged as a batch is. A change without access (which the
// runner never hands over) is skipped: it would read as "nobody".
func (s *Sink) WriteAccess(ctx context.Context, changes []tributary.AccessChange) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range changes {
		if c.Access == nil {
			continue
		}
		if err := s.enc.Encode(accessLine{TypeAccess, c.ID, c.Access}); err != nil {
			return fmt.Errorf("write access of %q: %w", c.ID, err)
		}
	}
	return s.flush()
}

// Record is one line read back: Type says which of Node, Document or ID
// (the deleted document's id) is set; an access record sets ID and Access.
type Record struct {
	Type     string
	Node     *tributary.HierarchyNode
	Document *tributary.Document
	ID       string
	Access   *tributary.ExternalAccess
}

// Read yields the records of a JSON-lines stream written by a Sink, in
// order. A line that is not valid JSON, or whose type is unknown, ends the
// stream with an error naming its line number. Blank lines are skipped.
func Read(r io.Reader) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		for line := 1; ; line++ {
			b, err := br.ReadBytes('\n')
			if len(bytes.TrimSpace(b)) > 0 {
				rec, perr := parse(b)
				if perr != nil {
					yield(Record{}, fmt.Errorf("line %d: %w", line, perr))
					return
				}
				if !yield(rec, nil) {
					return
				}
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(Record{}, fmt.Errorf("line %d: %w", line, err))
				return
			}
		}
	}
}

func parse(b []byte) (Record, error) {
	var head struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return Record{}, err
	}
	rec := Record{Type: head.Type}
	switch head.Type {
	case TypeNode:
		rec.Node = new(tributary.HierarchyNode)
		return rec, json.Unmarshal(b, rec.Node)
	case TypeDocument:
		rec.Document = new(tributary.Document)
		return rec, json.Unmarshal(b, rec.Document)
	case TypeDeletion:
		rec.ID = head.ID
		return rec, nil
	case TypeAccess:
		var line accessLine
		if err := json.Unmarshal(b, &line); err != nil {
			return Record{}, err
		}
		if line.Access == nil {
			return Record{}, fmt.Errorf("access line for %q has no external_access object", line.ID)
		}
		rec.ID, rec.Access = line.ID, line.Access
		return rec, nil
	}
	return Record{}, fmt.Errorf("unknown record type %q", head.Type)
}
