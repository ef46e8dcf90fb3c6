package linear_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/linear"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

// Example reads a workspace's issues, projects and documents, here from an
// emulated Linear served in memory.
func Example() {
	data := linearemu.Generate(linearemu.GenerateOptions{Teams: 1, Projects: 1, Issues: 2, Documents: 1, Seed: 1})
	emu := linearemu.New(data, linearemu.Options{})
	defer emu.Close()
	emu.AddAPIKey("lin_api_example", data.Users[0])

	s := linear.Settings{}
	s.SetDefaults()
	s.APIURL = "https://api.linear.test/graphql"
	env := tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true}
	c, err := linear.New(s, linear.Credentials{APIKey: tributary.NewSecret("lin_api_example")}, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Poll(context.Background(), c, time.Time{}, time.Time{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.SemanticID)
	}
	// Output:
	// Project: Project 0
	// ENG-2: Issue 1: slow sync
	// ENG-1: Issue 0: crash on start
	// Document: Document 0
}
