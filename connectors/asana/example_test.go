package asana_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/asana"
	"github.com/tributary-dev/tributary/internal/asanaemu"
)

// Example reads the tasks of one project, here of an emulated Asana served
// in memory.
func Example() {
	data := asanaemu.Generate(asanaemu.GenerateOptions{Projects: 2, Tasks: 3, Stories: 1, Seed: 2})
	emu := asanaemu.New(data, asanaemu.Options{})
	defer emu.Close()
	emu.AddToken("2/example", asanaemu.MeGID)

	s := asana.Settings{}
	s.SetDefaults()
	s.BaseURL = "https://app.asana.com/api/1.0"
	s.Projects = []string{data.Projects[0].GID}
	env := tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true}
	c, err := asana.New(s, asana.Credentials{AccessToken: tributary.NewSecret("2/example")}, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Load(context.Background(), c) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.ID, "|", d.Title)
	}
	// Output:
	// https://app.asana.com/0/0/1204000000000001 | Task 00001: launch plan
	// https://app.asana.com/0/0/1204000000000002 | Task 00002: onboarding
	// https://app.asana.com/0/0/1204000000000003 | Task 00003: bug triage
}
