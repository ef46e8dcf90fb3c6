// Command discord loads the messages of the servers a Discord bot is in
// and prints one line per document (a channel's day or a thread).
//
// With DISCORD_BOT_TOKEN set (a bot with the Message Content intent,
// invited with View Channels and Read Message History), it reads the
// guilds that bot is in, or those -guilds names:
//
//	DISCORD_BOT_TOKEN=... go run ./examples/discord -guilds 123456789012345678
//
// Without a token it starts an emulated Discord on a loopback port, fills
// it with two generated guilds, and reads those:
//
//	go run ./examples/discord
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/discord"
	"github.com/tributary-dev/tributary/internal/discordemu"
)

func main() {
	guilds := flag.String("guilds", "", "comma-separated guild ids (empty = every guild the bot is in)")
	since := flag.Duration("since", 0, "only documents with messages in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*guilds, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "discord:", err)
		os.Exit(1)
	}
}

func run(guilds string, since time.Duration, limit int) error {
	s := discord.Settings{}
	s.SetDefaults()
	if guilds != "" {
		s.GuildIDs = strings.Split(guilds, ",")
	}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	creds := discord.Credentials{BotToken: tributary.NewSecret(os.Getenv("DISCORD_BOT_TOKEN"))}
	now := time.Now()
	if creds.BotToken.IsZero() {
		url, stop := serveEmulator(now)
		defer stop()
		fmt.Fprintln(os.Stderr, "no DISCORD_BOT_TOKEN: reading an emulated Discord at", url)
		s.BaseURL = url
		creds.BotToken = tributary.NewSecret("emulated.bot.token")
		env.AllowPrivateNetwork = true
	}
	c, err := discord.New(s, creds, env)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := c.Validate(ctx); err != nil {
		return err
	}
	for _, r := range c.Probe(ctx) {
		fmt.Fprintln(os.Stderr, "probe:", r)
	}
	var start time.Time
	if since > 0 {
		start = now.Add(-since)
	}
	n := 0
	for d, err := range tributary.Poll(ctx, c, start, time.Time{}) {
		if f, ok := tributary.AsFailure(err); ok {
			fmt.Fprintln(os.Stderr, "skipped:", f)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Printf("%-16s  %3d messages  %-40s  %s\n", d.UpdatedAt.Format("2006-01-02 15:04"), len(d.Sections), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves two generated guilds, with messages over the last
// five days, on a loopback port.
func serveEmulator(now time.Time) (url string, stop func()) {
	data := discordemu.Generate(discordemu.GenerateOptions{Guilds: 2, Messages: 25, Days: 5, Start: now.Add(-5 * 24 * time.Hour), Seed: 1})
	emu := discordemu.New(data, discordemu.Options{})
	emu.AddToken("emulated.bot.token")
	return emu.Start() + discordemu.Prefix, emu.Close
}
