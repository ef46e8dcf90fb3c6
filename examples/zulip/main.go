// Command zulip loads the topics of a Zulip organization and prints one
// line per topic.
//
// With ZULIP_EMAIL and ZULIP_API_KEY set it reads the organization at
// -site:
//
//	ZULIP_EMAIL=bot@acme.zulipchat.com ZULIP_API_KEY=... go run ./examples/zulip -site https://acme.zulipchat.com
//
// Without credentials it starts an emulated Zulip on a loopback port,
// fills it with a generated organization, and reads that:
//
//	go run ./examples/zulip
//
// With -since it polls instead: it reads the messages sent in that time
// and prints only the topics they touched (the emulated organization gets
// one new message in an old topic):
//
//	go run ./examples/zulip -since 1h
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/zulip"
	"github.com/tributary-dev/tributary/internal/zulipemu"
)

func main() {
	site := flag.String("site", "", "the organization's address, such as https://acme.zulipchat.com")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	since := flag.Duration("since", 0, "poll the topics touched in this time instead of loading all")
	flag.Parse()
	if err := run(*site, *limit, *since); err != nil {
		fmt.Fprintln(os.Stderr, "zulip:", err)
		os.Exit(1)
	}
}

func run(site string, limit int, since time.Duration) error {
	s := zulip.Settings{}
	s.SetDefaults()
	s.Site = site
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	creds := zulip.Credentials{Email: os.Getenv("ZULIP_EMAIL"), APIKey: tributary.NewSecret(os.Getenv("ZULIP_API_KEY"))}
	if creds.APIKey.IsZero() {
		org := zulipemu.Generate(zulipemu.GenerateOptions{Users: 5, Streams: 4, Topics: 3, Messages: 4,
			PrivateEvery: 3, WebPublicEvery: 4, Seed: 1, Start: time.Now().Add(-48 * time.Hour)})
		org.Post(org.Streams[1].ID, "topic 2", org.Users[1].ID, "a new message in an old topic", time.Now().Add(-time.Minute))
		emu := zulipemu.New(org, zulipemu.Options{})
		defer emu.Close()
		s.Site = emu.Start()
		fmt.Fprintln(os.Stderr, "no ZULIP_API_KEY: reading an emulated Zulip at", s.Site)
		creds = zulip.Credentials{Email: "user0@example.com", APIKey: tributary.NewSecret("key0")}
		env.AllowPrivateNetwork = true
	}
	c, err := zulip.New(s, creds, env)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := c.Validate(ctx); err != nil {
		return err
	}
	var start, end time.Time
	if since > 0 {
		end = time.Now()
		start = end.Add(-since)
	}
	n := 0
	for d, err := range tributary.Poll(ctx, c, start, end) {
		if f, ok := tributary.AsFailure(err); ok {
			fmt.Fprintln(os.Stderr, "skipped:", f)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Printf("%-10s  %-28s  %3d messages  %s\n", d.UpdatedAt.Format(time.DateOnly), d.SemanticID, len(d.Sections), d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}
