package mock_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
)

// A mock source with three documents, the second of which fails to load.
func ExampleNew() {
	settings := mock.Sample(3)
	settings.FailIDs = []string{mock.SampleID(2)}
	c, err := mock.New(settings, mock.Credentials{}, tributary.Env{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range c.Load(context.Background()) {
		if f, ok := tributary.AsFailure(err); ok {
			fmt.Println("failed:", f.DocumentID)
			continue
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.ID, d.UpdatedAt.Format(time.RFC3339), d.ParentID)
	}
	// Output:
	// mock://docs/1 2024-01-01T00:00:00Z mock://folders/root
	// failed: mock://docs/2
	// mock://docs/3 2024-01-01T02:00:00Z mock://folders/sub
}

// Resuming the checkpoint stream after a transient failure: the run picks
// up after the last checkpoint and loses nothing.
func ExampleConnector_LoadFromCheckpoint() {
	settings := mock.Sample(5)
	settings.PageSize = 2
	settings.FailAfterPages = 2 // every range fails after two pages
	c, _ := mock.New(settings, mock.Credentials{}, tributary.Env{})

	var cp tributary.Checkpoint
	for run := 1; ; run++ {
		var stopped error
		for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, cp) {
			if err != nil {
				stopped = err
				break
			}
			switch it.Kind() {
			case tributary.ItemDocument:
				fmt.Printf("run %d: %s\n", run, it.Document.ID)
			case tributary.ItemCheckpoint:
				cp = it.Checkpoint // a runner stores it once the sink acknowledged what came before
			}
		}
		if stopped == nil {
			break
		}
		fmt.Printf("run %d stopped: %v\n", run, stopped)
	}
	// Output:
	// run 1: mock://docs/1
	// run 1: mock://docs/2
	// run 1: mock://docs/3
	// run 1: mock://docs/4
	// run 1 stopped: mock: list documents: transient failure: the source failed as configured by fail_after_pages
	// run 2: mock://docs/5
}
