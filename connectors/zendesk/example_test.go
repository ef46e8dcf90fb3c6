package zendesk_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/zendesk"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

// Example reads the Help Center articles and tickets of an account, here
// from an emulated Zendesk served in memory.
func Example() {
	data := zendeskemu.Generate(zendeskemu.GenerateOptions{Categories: 1, Sections: 1, Articles: 2, Tickets: 2, Comments: 2,
		Seed: 1, Start: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)})
	emu := zendeskemu.New(data, zendeskemu.Options{})
	defer emu.Close()
	emu.AddAPIToken("user0@example.com", "example-token")

	s := zendesk.Settings{}
	s.SetDefaults()
	s.BaseURL = "https://acme.zendesk.com"
	env := tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true}
	c, err := zendesk.New(s, zendesk.Credentials{Email: "user0@example.com", APIToken: tributary.NewSecret("example-token")}, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Load(context.Background(), c) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.ID, "|", d.SemanticID)
	}
	// Output:
	// https://acme.zendesk.com/hc/en-us/articles/5002 | How to do thing 0.0.0 (en-us)
	// https://acme.zendesk.com/hc/en-us/articles/5003 | How to do thing 0.0.1 (en-us)
	// https://acme.zendesk.com/agent/tickets/1 | #1: Problem number 1
	// https://acme.zendesk.com/agent/tickets/2 | #2: Problem number 2
}
