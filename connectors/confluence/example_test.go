package confluence_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/confluence"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
)

// Open the connector from the registry with JSON settings and credentials,
// as a host does, and read a few pages of one space. Here the site is an
// emulated Confluence Cloud served in memory.
func Example() {
	data := confluenceemu.Generate(confluenceemu.GenerateOptions{Spaces: 2, Pages: 20, Comments: 1, Seed: 1})
	emu := confluenceemu.New(data, confluenceemu.Options{})
	emu.AddAPIToken("reader@example.com", "ATATT3xexample", data.Users[0])
	defer emu.Close()

	c, err := tributary.New(confluence.Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "https://example.atlassian.net/wiki", "spaces": ["S001"]}`),
		Credentials: json.RawMessage(`{"email": "reader@example.com", "api_token": "ATATT3xexample"}`),
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
	n := 0
	for d, err := range tributary.Load(ctx, c) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.UpdatedAt.Format("2006-01-02"), "|", d.SemanticID, "|", d.ParentID)
		if n++; n == 3 {
			break
		}
	}
	// Output:
	// 2023-08-01 | Space 1 page 19 | page:10040
	// 2023-10-30 | Space 1 page 4 | page:10036
	// 2024-02-10 | Space 1 page 17 | page:10044
}
