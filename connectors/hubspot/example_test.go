package hubspot_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/hubspot"
	"github.com/tributary-dev/tributary/internal/hubspotemu"
)

// Example reads the deals of an account, here an emulated HubSpot served
// in memory.
func Example() {
	data := hubspotemu.Generate(hubspotemu.GenerateOptions{Deals: 3, Notes: 1, Seed: 2})
	emu := hubspotemu.New(data, hubspotemu.Options{})
	defer emu.Close()
	emu.AddToken("pat-na1-example", hubspotemu.AllScopes()...)

	s := hubspot.Settings{}
	s.SetDefaults()
	s.Objects = []string{hubspot.TypeDeals}
	env := tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true}
	c, err := hubspot.New(s, hubspot.Credentials{AccessToken: tributary.NewSecret("pat-na1-example")}, env)
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
	// https://app.hubspot.com/contacts/7700123/record/0-3/1001 | Deal 00000: integration
	// https://app.hubspot.com/contacts/7700123/record/0-3/1002 | Deal 00001: renewal
	// https://app.hubspot.com/contacts/7700123/record/0-3/1003 | Deal 00002: onboarding
}
