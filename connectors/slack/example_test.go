package slack_test

import (
	"context"
	"fmt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/internal/slackemu"
)

// Load a workspace (here an emulated one) and print each thread or
// message with the number of messages it holds.
func Example() {
	ws := slackemu.NewWorkspace("acme")
	ws.AddUser(slackemu.User{ID: "U000000001", DisplayName: "ana", Email: "ana@example.com"})
	ws.AddUser(slackemu.User{ID: "U000000002", DisplayName: "bo", Email: "bo@example.com"})
	ws.AddChannel(slackemu.Channel{ID: "C0000GENERAL", Name: "general", Members: []string{slackemu.BotUser}})
	_ = ws.Post("C0000GENERAL", slackemu.Message{TS: "1700000000.000100", User: "U000000001", Text: "<@U000000002> is the <https://status.example.com|status page> right?"})
	_ = ws.Reply("C0000GENERAL", "1700000000.000100", slackemu.Message{TS: "1700000060.000200", User: "U000000002", Text: "Yes, fixed at noon."})
	_ = ws.Post("C0000GENERAL", slackemu.Message{TS: "1700000300.000300", User: "U000000002", Text: "Deploy done."})
	srv := slackemu.NewServer(ws, slackemu.Tokens())
	defer srv.Close()

	c, err := slack.New(slack.Settings{HistoryRequestsPerMinute: 600},
		slack.Credentials{BotToken: tributary.NewSecret(slackemu.BotToken)}, tributary.Env{HTTPClient: srv.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Load(context.Background(), c) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s (%d messages)\n  %s\n  updated %s\n", d.SemanticID, len(d.Sections), d.ID, d.UpdatedAt.Format("2006-01-02 15:04:05"))
	}
	// Output:
	// #general: Deploy done. (1 messages)
	//   https://acme.slack.com/archives/C0000GENERAL/p1700000300000300
	//   updated 2023-11-14 22:18:20
	// #general: @bo is the status page (https://status.example.com) right? (2 messages)
	//   https://acme.slack.com/archives/C0000GENERAL/p1700000000000100
	//   updated 2023-11-14 22:14:20
}
