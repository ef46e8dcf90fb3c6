package github_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/github"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

// Open the connector from the registry with JSON settings and credentials,
// as a host does, and read the newest items of one repository. Here the
// API is an emulated GitHub served in memory.
func Example() {
	data := githubemu.Generate(githubemu.GenerateOptions{Repos: 1, Items: 30, PullShare: 0.5, Seed: 1})
	emu := githubemu.New(data, githubemu.Options{})
	emu.AddToken("github_pat_example", githubemu.Token{User: data.Users[1], Permissions: githubemu.FullAccess()})
	defer emu.Close()

	c, err := tributary.New(github.Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "http://api.github.test", "repositories": ["acme/repo-000"]}`),
		Credentials: json.RawMessage(`{"token": "github_pat_example"}`),
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
		fmt.Println(d.ID, "|", d.Metadata.Get(github.MetaKind), "|", d.Metadata.Get(github.MetaState))
		if n++; n == 3 {
			break
		}
	}
	// Output:
	// https://github.com/acme/repo-000/pull/21 | pull_request | closed
	// https://github.com/acme/repo-000/pull/29 | pull_request | closed
	// https://github.com/acme/repo-000/pull/12 | pull_request | open
}
