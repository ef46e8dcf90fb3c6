package jira_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/jira"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

// Open the connector from the registry with JSON settings and credentials,
// as a host does, and read the first issues of one project. Here the site
// is an emulated Jira Cloud served in memory.
func Example() {
	data := jiraemu.Generate(jiraemu.GenerateOptions{Projects: 2, Issues: 30, Comments: 2, Seed: 1})
	emu := jiraemu.New(data, jiraemu.Options{})
	emu.AddAPIToken(data.Users[0], "ATATT3-example")
	defer emu.Close()

	c, err := tributary.New(jira.Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "https://acme.atlassian.net", "projects": ["AAB"]}`),
		Credentials: json.RawMessage(`{"email": "Ana@example.com", "api_token": "ATATT3-example"}`),
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
		fmt.Println(d.ID, "|", d.Metadata.Get(jira.MetaStatus), "|", len(d.Sections)-1, "comments")
		if n++; n == 3 {
			break
		}
	}
	// Output:
	// https://acme.atlassian.net/browse/AAB-20 | To Do | 1 comments
	// https://acme.atlassian.net/browse/AAB-15 | In Progress | 0 comments
	// https://acme.atlassian.net/browse/AAB-4 | In Progress | 1 comments
}
