package notion_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/notion"
	"github.com/tributary-dev/tributary/internal/notionemu"
)

// Open the connector from the registry with JSON settings and credentials,
// as a host does, and read the first pages of a workspace, each with its
// sections. Here the workspace is an emulated Notion served in memory.
func Example() {
	data := notionemu.Generate(notionemu.GenerateOptions{Pages: 1, Databases: 1, Rows: 2, Seed: 1})
	emu := notionemu.New(data, notionemu.Options{})
	emu.AddToken("ntn_example_secret")
	defer emu.Close()

	c, err := tributary.New(notion.Source, tributary.Params{
		Settings:    json.RawMessage(`{"page_size": 50, "requests_per_second": 10}`),
		Credentials: json.RawMessage(`{"token": "ntn_example_secret"}`),
		Env:         tributary.Env{HTTPClient: emu.Client(), AllowPrivateNetwork: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if err := c.Validate(ctx); err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Load(ctx, c) {
		if err != nil {
			fmt.Println(err)
			return
		}
		var headings []string
		for _, s := range d.Sections {
			headings = append(headings, s.Heading)
		}
		fmt.Printf("%s | %s | %q\n", d.Metadata.Get(notion.MetaType), d.Title, headings)
	}
	// Output:
	// page | Page 1 | ["" "Overview" "Details"]
	// database_row | Task 1.1 | [""]
	// database_row | Task 1.2 | [""]
}
