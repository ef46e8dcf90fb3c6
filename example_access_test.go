package tributary_test

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/tributary-dev/tributary"
)

// drive is a source whose files' sharing changes without an edit, as on a
// shared drive. It lists every file, and its access alone, as a
// SlimConnector.
type drive struct {
	files  []string
	shared map[string][]string // file -> who may see it
}

func (d *drive) Source() tributary.DocumentSource { return "drive" }
func (d *drive) Validate(context.Context) error   { return nil }

func (d *drive) access(f string) *tributary.ExternalAccess {
	return &tributary.ExternalAccess{UserEmails: d.shared[f]}
}

func (d *drive) Load(context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for _, f := range d.files {
			doc := &tributary.Document{ID: f, Source: "drive", SemanticID: f,
				Sections: []tributary.Section{tributary.TextSection(f, "contents of "+f)}, ExternalAccess: d.access(f)}
			if !yield(doc, nil) {
				return
			}
		}
	}
}

func (d *drive) LoadSlim(_ context.Context, _, _ time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return func(yield func(tributary.SlimDocument, error) bool) {
		for _, f := range d.files {
			if !yield(tributary.SlimDocument{ID: f, ExternalAccess: d.access(f)}, nil) {
				return
			}
		}
	}
}

// index is an AccessSink: it takes documents, and changes of who may see
// the documents it holds.
type index struct{}

func (index) Write(_ context.Context, b tributary.Batch) error {
	for _, d := range b.Documents {
		fmt.Println("index", d.ID, d.ExternalAccess.UserEmails)
	}
	return nil
}

func (index) WriteAccess(_ context.Context, changes []tributary.AccessChange) error {
	for _, c := range changes {
		fmt.Println("access", c.ID, c.Access.UserEmails)
	}
	return nil // acknowledged: the runner records the new access as delivered
}

// A permission sync hands the sink only the access that changed since it
// was last delivered, without the documents.
func ExampleRunner_SyncAccess() {
	ctx := context.Background()
	d := &drive{files: []string{"plan.md", "budget.xlsx"}, shared: map[string][]string{
		"plan.md":     {"ann@example.com"},
		"budget.xlsx": {"ann@example.com"},
	}}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: index{}}
	if _, err := r.Run(ctx, d, tributary.RunOptions{}); err != nil {
		fmt.Println(err)
		return
	}

	d.shared["budget.xlsx"] = []string{"ann@example.com", "bob@example.com"}
	res, err := r.SyncAccess(ctx, d, tributary.AccessOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("listed %d, changed %d, unchanged %d\n", res.Listed, res.Changed, res.Unchanged)
	// Output:
	// index plan.md [ann@example.com]
	// index budget.xlsx [ann@example.com]
	// access budget.xlsx [ann@example.com bob@example.com]
	// listed 2, changed 1, unchanged 1
}
