package bitbucket_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/bitbucket"
	"github.com/tributary-dev/tributary/internal/bitbucketemu"
)

// Example reads the pull requests of a workspace, here from an emulated
// Bitbucket Cloud served in memory, with who may see each.
func Example() {
	data := bitbucketemu.Generate(bitbucketemu.GenerateOptions{Repositories: 2, PullRequests: 2, PrivateEvery: 2, Seed: 1})
	emu := bitbucketemu.New(data, bitbucketemu.Options{})
	defer emu.Close()
	emu.AddAppPassword("ana", "app-password", data.Users[0])

	s := bitbucket.Settings{}
	s.SetDefaults()
	s.Workspaces = []string{"acme"}
	env := tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, WantPermissions: true}
	c, err := bitbucket.New(s, bitbucket.Credentials{Username: "ana", AppPassword: tributary.NewSecret("app-password")}, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Poll(context.Background(), c, time.Time{}, time.Time{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.ID, d.ExternalAccess.Public, d.ExternalAccess.GroupIDs)
	}
	// Output:
	// https://bitbucket.org/acme/repo-000/pull-requests/1 false [repository:acme/repo-000]
	// https://bitbucket.org/acme/repo-000/pull-requests/2 false [repository:acme/repo-000]
	// https://bitbucket.org/acme/repo-001/pull-requests/2 true []
	// https://bitbucket.org/acme/repo-001/pull-requests/1 true []
}
