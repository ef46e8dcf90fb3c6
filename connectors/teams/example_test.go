package teams_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/teams"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// Example reads a team's channel threads with an app's client secret.
// Here the tenant is emulated, in memory.
func Example() {
	data := graphemu.GenerateTeams(graphemu.TeamsOptions{Channels: 1, Threads: 3, Replies: 1, Seed: 1})
	emu := graphemu.New(data, graphemu.Options{})
	defer emu.Close()
	emu.AddApp("00000000-0000-0000-0000-0000000000aa", "example-secret", graphemu.TeamReadBasicAll,
		graphemu.ChannelReadBasicAll, graphemu.ChannelMessageReadAll, graphemu.ChannelMemberReadAll)

	var s teams.Settings
	s.SetDefaults()
	s.Teams = []string{data.Teams[0].ID}
	cr := teams.Credentials{TenantID: data.Domain, ClientID: "00000000-0000-0000-0000-0000000000aa",
		ClientSecret: tributary.NewSecret("example-secret")}
	c, err := teams.New(s, cr, tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Poll(context.Background(), c, time.Time{}, time.Time{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s — %s, %s replies\n", d.Title, d.Metadata.Get("channel"), d.Metadata.Get("replies"))
	}
	// Output:
	// Thread 1 in General: status update. — General, 0 replies
	// Grady Archie please review the plan for thread 2. — General, 0 replies
	// Release 2 — General, 0 replies
	// Thread 1 in Channel 1: status update. — Channel 1, 1 replies
	// Isaiah Langer please review the plan for thread 2. — Channel 1, 1 replies
	// Release 2 — Channel 1, 1 replies
}
