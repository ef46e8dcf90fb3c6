// Command notion loads pages and database rows from Notion and prints one
// line per document.
//
// With NOTION_TOKEN set (an internal integration's secret, from
// https://www.notion.so/my-integrations, with the pages to read shared
// with the integration) it reads that workspace:
//
//	NOTION_TOKEN=ntn_... go run ./examples/notion -since 24h
//
// Without a token it starts an emulated Notion API on a loopback port,
// fills it with generated pages and databases, and reads that:
//
//	go run ./examples/notion
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/notion"
	"github.com/tributary-dev/tributary/internal/notionemu"
)

func main() {
	since := flag.Duration("since", 0, "only pages edited in this recent span (0 = everything)")
	databases := flag.Bool("databases", true, "read the rows of shared databases")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*since, *databases, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "notion:", err)
		os.Exit(1)
	}
}

func run(since time.Duration, databases bool, limit int) error {
	s := notion.Settings{}
	s.SetDefaults()
	s.IncludeDatabases = databases
	cr := notion.Credentials{Token: tributary.NewSecret(os.Getenv("NOTION_TOKEN"))}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if cr.Token.IsZero() {
		url, token, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no NOTION_TOKEN: reading an emulated Notion at", url)
		s.BaseURL = url
		s.RequestsPerSecond = 10 // the emulator is not held to Notion's pace
		cr.Token = tributary.NewSecret(token)
		env.AllowPrivateNetwork = true
	}
	c, err := notion.New(s, cr, env)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := c.Validate(ctx); err != nil {
		return err
	}
	var start time.Time
	if since > 0 {
		start = time.Now().Add(-since)
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
		fmt.Printf("%s  %-12s  %3d sections  %s  %s\n", d.UpdatedAt.Format(time.DateTime), d.Metadata.Get(notion.MetaType),
			len(d.Sections), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated workspace on a loopback port and
// returns the API's address and an integration token.
func serveEmulator() (url, token string, stop func()) {
	data := notionemu.Generate(notionemu.GenerateOptions{Pages: 30, Databases: 2, Rows: 10, Seed: 1})
	emu := notionemu.New(data, notionemu.Options{})
	emu.AddToken("ntn_emulated_integration_secret")
	return emu.Start(), "ntn_emulated_integration_secret", emu.Close
}
