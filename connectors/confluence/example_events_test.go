package confluence_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/confluence"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
)

// Hand a Data Center webhook's deliveries to the connector, as a host's
// HTTP handler does with each request's headers and body. Every event is
// checked against Confluence: the page updated yields its nodes and its
// document; once the page is in the trash, any event about it, even a
// late page_updated, yields its deletion; a forged delivery, an error.
func ExampleConnector_HandleEvent() {
	data := confluenceemu.Generate(confluenceemu.GenerateOptions{Spaces: 1, Pages: 3, Seed: 1})
	emu := confluenceemu.New(data, confluenceemu.Options{Flavor: confluenceemu.DataCenter})
	emu.AddPAT("NjQ1example", data.Users[0])
	defer emu.Close()

	c, err := tributary.New(confluence.Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "https://confluence.example.com", "include_comments": false}`),
		Credentials: json.RawMessage(`{"personal_access_token": "NjQ1example", "webhook_secret": "the-webhook-secret"}`),
		Env:         tributary.Env{HTTPClient: emu.Client(), AllowPrivateNetwork: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	page := data.Pages[0]
	deliver := func(event, secret string) {
		header, body := emu.Webhook(confluenceemu.WebhookEvent{Name: event, Site: "https://confluence.example.com", Page: page}, secret)
		ev := tributary.Event{Type: tributary.EventWebhook, Header: header, Body: body}
		for it, err := range tributary.HandleEvent(context.Background(), c, ev) {
			switch {
			case err != nil:
				fmt.Println("refused:", tributary.Kind(err))
			case it.Node != nil:
				fmt.Println("node", it.Node.ID)
			case it.Document != nil:
				fmt.Println("document", it.Document.ID)
			case it.Deletion != "":
				fmt.Println("deletion", it.Deletion)
			}
		}
	}
	deliver(confluenceemu.PageUpdated, "the-webhook-secret")
	emu.Update(func(*confluenceemu.Data) { page.Status = "trashed" })
	deliver(confluenceemu.PageUpdated, "the-webhook-secret")
	deliver(confluenceemu.PageRemoved, "a-guess")
	// Output:
	// node space:S000
	// document https://confluence.example.com/display/S000/Space+0+page+0
	// deletion https://confluence.example.com/display/S000/Space+0+page+0
	// refused: insufficient permissions
}
