// Command outline loads documents from an Outline knowledge base and
// prints one line per document, after the collections and parent
// documents they sit under.
//
// With OUTLINE_API_KEY set (an API key made under Settings > API & Apps)
// and OUTLINE_URL naming the workspace (https://acme.getoutline.com, or a
// self-hosted address) it reads that workspace:
//
//	OUTLINE_URL=https://acme.getoutline.com OUTLINE_API_KEY=ol_api_... go run ./examples/outline -since 24h
//
// Without a key it starts an emulated Outline on a loopback port, fills
// it with generated collections of nested documents, and reads that:
//
//	go run ./examples/outline
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/outline"
	"github.com/tributary-dev/tributary/internal/outlineemu"
)

func main() {
	since := flag.Duration("since", 0, "only documents updated in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "outline:", err)
		os.Exit(1)
	}
}

func run(since time.Duration, limit int) error {
	s := outline.Settings{}
	s.SetDefaults()
	s.BaseURL = cmp.Or(os.Getenv("OUTLINE_URL"), outline.DefaultBaseURL)
	cr := outline.Credentials{APIKey: tributary.NewSecret(os.Getenv("OUTLINE_API_KEY"))}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if cr.APIKey.IsZero() {
		url, key, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no OUTLINE_API_KEY: reading an emulated Outline at", url)
		s.BaseURL = url
		s.RequestsPerSecond = 20 // the emulator is not held to Outline's pace
		cr.APIKey = tributary.NewSecret(key)
		env.AllowPrivateNetwork = true
	}
	c, err := outline.New(s, cr, env)
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
	for it, err := range c.LoadFromCheckpoint(ctx, start, time.Time{}, nil) {
		if f, ok := tributary.AsFailure(err); ok {
			fmt.Fprintln(os.Stderr, "skipped:", f)
			continue
		}
		if err != nil {
			return err
		}
		switch {
		case it.Node != nil:
			fmt.Printf("%-10s  %s  (%s)\n", it.Node.Kind, it.Node.Name, it.Node.Link)
		case it.Deletion != "":
			fmt.Printf("deleted     %s\n", it.Deletion)
		case it.Document != nil:
			d := it.Document
			fmt.Printf("  %s  %d sections  %s  %s\n", d.UpdatedAt.Format(time.DateTime), len(d.Sections), d.SemanticID, d.ID)
			if n++; limit > 0 && n >= limit {
				return nil
			}
		}
	}
	return nil
}

// serveEmulator serves a generated workspace on a loopback port and
// returns its address and an admin's API key.
func serveEmulator() (url, key string, stop func()) {
	data := outlineemu.Generate(outlineemu.GenerateOptions{Collections: 3, PrivateEvery: 3, Documents: 12, Hidden: true, Seed: 1})
	emu := outlineemu.New(data, outlineemu.Options{})
	emu.AddKey("ol_api_emulated_key", data.Users[0].ID)
	return emu.Start(), "ol_api_emulated_key", emu.Close
}
