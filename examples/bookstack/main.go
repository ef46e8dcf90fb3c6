// Command bookstack loads the pages of a BookStack wiki and prints one
// line per document.
//
// With BOOKSTACK_URL, BOOKSTACK_TOKEN_ID and BOOKSTACK_TOKEN_SECRET set
// (an API token made on a user's profile, whose roles have "Access System
// API"), it reads that instance:
//
//	BOOKSTACK_URL=https://docs.example.com BOOKSTACK_TOKEN_ID=... BOOKSTACK_TOKEN_SECRET=... go run ./examples/bookstack
//
// Without them it starts an emulated BookStack on a loopback port, fills
// it with generated shelves, books, chapters and pages, and reads that:
//
//	go run ./examples/bookstack
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/bookstack"
	"github.com/tributary-dev/tributary/internal/bookstackemu"
)

func main() {
	since := flag.Duration("since", 0, "only pages updated in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	access := flag.Bool("access", false, "read each page's access (roles that may view it)")
	flag.Parse()
	if err := run(*since, *limit, *access); err != nil {
		fmt.Fprintln(os.Stderr, "bookstack:", err)
		os.Exit(1)
	}
}

func run(since time.Duration, limit int, access bool) error {
	s := bookstack.Settings{}
	s.SetDefaults()
	s.BaseURL = os.Getenv("BOOKSTACK_URL")
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		WantPermissions: access}
	creds := bookstack.Credentials{TokenID: os.Getenv("BOOKSTACK_TOKEN_ID"),
		TokenSecret: tributary.NewSecret(os.Getenv("BOOKSTACK_TOKEN_SECRET"))}
	if s.BaseURL == "" || creds.TokenID == "" {
		url, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no BOOKSTACK_URL and BOOKSTACK_TOKEN_ID: reading an emulated BookStack at", url)
		s.BaseURL = url
		creds = bookstack.Credentials{TokenID: bookstackemu.AdminTokenID, TokenSecret: tributary.NewSecret(bookstackemu.AdminTokenSecret)}
		env.AllowPrivateNetwork = true
	}
	c, err := bookstack.New(s, creds, env)
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
		line := fmt.Sprintf("%-10s  %-20s  %s  %s", d.UpdatedAt.Format(time.DateOnly), d.Metadata.Get(bookstack.MetaBook), d.SemanticID, d.ID)
		if d.ExternalAccess != nil {
			line += fmt.Sprintf("  %v", d.ExternalAccess.GroupIDs)
		}
		fmt.Println(line)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated instance on a loopback port.
func serveEmulator() (url string, stop func()) {
	data := bookstackemu.Generate(bookstackemu.GenerateOptions{Shelves: 2, Books: 3, ChaptersPerBook: 2, PagesPerBook: 4,
		Restricted: 1, Seed: 1})
	emu := bookstackemu.New(data, bookstackemu.Options{RateLimit: true})
	return emu.Start(), emu.Close
}
