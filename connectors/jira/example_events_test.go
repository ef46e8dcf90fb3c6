package jira_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/jira"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

// Hand webhook deliveries to the connector, as a host's HTTP handler
// does with each request's headers and body: an issue updated yields its
// project's node and its document, read afresh; an issue deleted, its
// deletion; a forged delivery, an error.
func ExampleConnector_HandleEvent() {
	data := jiraemu.Generate(jiraemu.GenerateOptions{Projects: 1, Issues: 5, Seed: 1})
	emu := jiraemu.New(data, jiraemu.Options{})
	emu.AddAPIToken(data.Users[0], "ATATT3-example")
	defer emu.Close()

	c, err := tributary.New(jira.Source, tributary.Params{
		Settings: json.RawMessage(`{"base_url": "https://acme.atlassian.net"}`),
		Credentials: json.RawMessage(`{"email": "Ana@example.com", "api_token": "ATATT3-example",
			"webhook_secret": "the-webhook-secret"}`),
		Env: tributary.Env{HTTPClient: emu.Client(), AllowPrivateNetwork: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	site := "https://acme.atlassian.net"
	for _, d := range []struct {
		event, secret string
	}{{jiraemu.IssueUpdated, "the-webhook-secret"}, {jiraemu.IssueDeleted, "the-webhook-secret"}, {jiraemu.IssueUpdated, "a-guess"}} {
		header, body := emu.Webhook(jiraemu.WebhookEvent{Name: d.event, Site: site, Issue: data.Issue("AAA-2")}, d.secret)
		ev := tributary.Event{Type: tributary.EventWebhook, Header: header, Body: body}
		for it, err := range tributary.HandleEvent(context.Background(), c, ev) {
			switch {
			case err != nil:
				fmt.Println("refused:", tributary.Kind(err))
			case it.Node != nil:
				fmt.Println("node", it.Node.ID)
			case it.Document != nil:
				fmt.Println("document", it.Document.ID, "|", it.Document.Title)
			case it.Deletion != "":
				fmt.Println("deletion", it.Deletion)
			}
		}
	}
	// Output:
	// node https://acme.atlassian.net/browse/AAA
	// document https://acme.atlassian.net/browse/AAA-2 | AAA issue 2
	// deletion https://acme.atlassian.net/browse/AAA-2
	// refused: insufficient permissions
}
