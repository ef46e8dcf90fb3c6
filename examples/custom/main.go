// Command custom shows how to write a connector outside the connectors/
// tree: notes.go is a connector for a folder of Markdown notes, registered
// below under its own source name, and main drives it with the runner into
// JSON lines on standard output.
//
//	go run ./examples/custom                # the sample notes bundled here
//	go run ./examples/custom -dir ~/notes   # a folder of your own
package main

import (
	"bufio"
	"context"
	"embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"github.com/tributary-dev/tributary"
)

//go:embed notes
var sampleNotes embed.FS

// init registers the connector, and does nothing else. Define derives
// strict decoding, the JSON Schemas and the capabilities from New.
func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Notes",
		Category:    tributary.CategoryStorage,
		Description: "A folder of Markdown notes, one document per note.",
	}, New))
}

func main() {
	dir := flag.String("dir", "", "folder of Markdown notes (default: the bundled samples)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *dir, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "custom:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir string, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	settings, err := json.Marshal(map[string]string{"dir": dir})
	if err != nil {
		return err
	}
	// A host opens connectors by source name, with settings and
	// credentials as JSON, exactly as it would a built-in one.
	c, err := tributary.New(Source, tributary.Params{Settings: settings, Env: tributary.Env{Logger: logger}})
	if err != nil {
		return err
	}
	if err := c.Validate(ctx); err != nil {
		return err
	}
	out := bufio.NewWriter(stdout)
	r := &tributary.Runner{
		Store:  &tributary.MemoryStore{}, // the tributary command keeps its state in SQLite
		Sink:   jsonLines(out),
		Logger: logger,
	}
	res, err := r.Run(ctx, c, tributary.RunOptions{})
	fmt.Fprintf(stderr, "%d notes delivered in %d batches, %d failures\n", res.Documents, res.Batches, res.Failures)
	return err
}

// line is one line of output.
type line struct {
	Op       string                   `json:"op"` // "node", "upsert" or "delete"
	Node     *tributary.HierarchyNode `json:"node,omitempty"`
	Document *tributary.Document      `json:"document,omitempty"`
	ID       string                   `json:"id,omitempty"`
}

// jsonLines is a Sink that writes a line per node, document and deletion.
// It acknowledges a batch (returns nil) only once the lines are flushed:
// the runner stores a checkpoint only after that.
func jsonLines(w *bufio.Writer) tributary.SinkFunc {
	enc := json.NewEncoder(w)
	return func(ctx context.Context, b tributary.Batch) error {
		for _, n := range b.Nodes {
			if err := enc.Encode(line{Op: "node", Node: n}); err != nil {
				return err
			}
		}
		for _, d := range b.Documents {
			if err := enc.Encode(line{Op: "upsert", Document: d}); err != nil {
				return err
			}
		}
		for _, id := range b.Deletions {
			if err := enc.Encode(line{Op: "delete", ID: id}); err != nil {
				return err
			}
		}
		return w.Flush()
	}
}
