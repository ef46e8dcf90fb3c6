// Command slack loads a Slack workspace and prints one JSON line per
// document. With SLACK_BOT_TOKEN set it reads the real workspace the token
// belongs to; without it, it serves an emulated workspace on a loopback
// port and reads that, so it runs with no account at all.
//
//	go run ./examples/slack                               # the emulator
//	SLACK_BOT_TOKEN=xoxb-... go run ./examples/slack -channels general,random
//
// See the package documentation of connectors/slack for how to create the
// app and its token.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/internal/slackemu"
)

func main() {
	channels := flag.String("channels", "", "comma-separated channel names or ids (default: every channel the app is in)")
	private := flag.Bool("private", false, "also read private channels the app is in")
	bots := flag.Bool("bots", false, "also index bot messages")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s := slack.Settings{IncludePrivate: *private, IncludeBots: *bots}
	if *channels != "" {
		s.Channels = strings.Split(*channels, ",")
	}
	if err := run(ctx, s, os.Getenv("SLACK_BOT_TOKEN"), os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "slack:", err)
		os.Exit(1)
	}
}

// run loads the workspace the token belongs to, or an emulated one when
// token is empty, writing documents to stdout and a summary to stderr.
func run(ctx context.Context, s slack.Settings, token string, stdout, stderr io.Writer) error {
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if token == "" {
		srv := slackemu.NewServer(slackemu.Generate(slackemu.Config{Channels: 2, Private: 1, Messages: 12,
			ThreadEvery: 4, Replies: 2, BotEvery: 6}), slackemu.Tokens())
		defer srv.Close()
		s.BaseURL = srv.Start() + "/api"
		// The emulator sets no rate limits; Slack does, and the
		// connector paces itself to them by default.
		s.HistoryRequestsPerMinute = 6000
		env.AllowPrivateNetwork = true // the emulator listens on loopback
		token = slackemu.BotToken
		fmt.Fprintln(stderr, "no SLACK_BOT_TOKEN: reading an emulated workspace at", s.BaseURL)
	}
	c, err := slack.New(s, slack.Credentials{BotToken: tributary.NewSecret(token)}, env)
	if err != nil {
		return err
	}
	if err := c.Validate(ctx); err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	docs, failures := 0, 0
	for d, err := range tributary.Load(ctx, c) {
		if f, ok := tributary.AsFailure(err); ok {
			failures++
			fmt.Fprintln(stderr, "failure:", f)
			continue
		}
		if err != nil {
			return err
		}
		docs++
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "%d documents, %d failures\n", docs, failures)
	return nil
}
