package clickup_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/clickup"
	"github.com/tributary-dev/tributary/internal/clickupemu"
)

// Example reads the tasks of a workspace, here an emulated ClickUp served
// in memory.
func Example() {
	data := clickupemu.Generate(clickupemu.GenerateOptions{Spaces: 1, Lists: 1, Tasks: 3, Seed: 2})
	emu := clickupemu.New(data, clickupemu.Options{})
	defer emu.Close()
	emu.AddToken("pk_81000_EXAMPLE", data.Users[0].ID)

	s := clickup.Settings{}
	s.SetDefaults()
	s.BaseURL = "https://api.clickup.com" + clickupemu.Prefix
	s.RequestsPerMinute = 10000 // an Enterprise workspace's budget
	env := tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true}
	c, err := clickup.New(s, clickup.Credentials{APIToken: tributary.NewSecret("pk_81000_EXAMPLE")}, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Load(context.Background(), c) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.ID, "|", d.SemanticID, "|", d.Metadata.Get("list"))
	}
	// Output:
	// https://app.clickup.com/t/86lfls | ACME-1: Measure SSO (1) | List 1.1.1
	// https://app.clickup.com/t/86lflu | Measure billing (3) | List 1.1.1
	// https://app.clickup.com/t/86lflt | Design release 4.2 (2) | Backlog 1
}
