package github_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/github"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

// List the teams of the organization that owns the configured repository,
// under the ids documents' access names, and keep them only once the
// listing has ended without an error. Here the API is an emulated GitHub
// served in memory.
func ExampleConnector_Groups() {
	data := githubemu.Generate(githubemu.GenerateOptions{Repos: 1, Items: 1, Seed: 1})
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
	var groups []tributary.ExternalGroup
	for g, err := range tributary.Groups(context.Background(), c) {
		if err != nil {
			fmt.Println("keep the stored groups:", err)
			return
		}
		groups = append(groups, g)
	}
	for _, g := range groups {
		fmt.Println(g.ID, g.MemberEmails)
	}
	// Output:
	// team:acme/engineering [ana@acme.example chen@acme.example]
}
