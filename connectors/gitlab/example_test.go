package gitlab_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/gitlab"
	"github.com/tributary-dev/tributary/internal/gitlabemu"
)

// Example reads the issues and merge requests of a group, here from an
// emulated GitLab served in memory.
func Example() {
	data := gitlabemu.Generate(gitlabemu.GenerateOptions{Projects: 1, Issues: 2, MergeRequests: 1, Seed: 1})
	emu := gitlabemu.New(data, gitlabemu.Options{WebURL: "https://gitlab.example.com"})
	defer emu.Close()
	emu.AddToken("glpat-example", gitlabemu.Token{User: data.Users[0], Scopes: gitlabemu.ReadAPI()})

	s := gitlab.Settings{}
	s.SetDefaults()
	s.BaseURL = "https://gitlab.example.com"
	s.Groups = []string{"acme"}
	env := tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true}
	c, err := gitlab.New(s, gitlab.Credentials{Token: tributary.NewSecret("glpat-example")}, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Poll(context.Background(), c, time.Time{}, time.Time{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.ID)
	}
	// Output:
	// https://gitlab.example.com/acme/project-000/-/issues/1
	// https://gitlab.example.com/acme/project-000/-/issues/2
	// https://gitlab.example.com/acme/project-000/-/merge_requests/1
}
