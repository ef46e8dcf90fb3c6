// Command discourse loads topics from a Discourse forum and prints one
// line per document.
//
// With DISCOURSE_URL, DISCOURSE_API_KEY and DISCOURSE_USERNAME set it
// reads that forum:
//
//	DISCOURSE_URL=https://forum.example.com DISCOURSE_API_KEY=... DISCOURSE_USERNAME=system go run ./examples/discourse
//
// Without them it starts an emulated forum on a loopback port and reads
// that:
//
//	go run ./examples/discourse
//
// With -groups it prints what the key may do (Probe) and the forum's
// groups with their members' addresses instead, which needs an admin's key:
//
//	go run ./examples/discourse -groups
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/discourse"
	"github.com/tributary-dev/tributary/internal/discourseemu"
)

func main() {
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	groups := flag.Bool("groups", false, "print the probe and the groups instead of the topics")
	flag.Parse()
	if err := run(*limit, *groups); err != nil {
		fmt.Fprintln(os.Stderr, "discourse:", err)
		os.Exit(1)
	}
}

func run(limit int, groups bool) error {
	s := discourse.Settings{BaseURL: os.Getenv("DISCOURSE_URL")}
	s.SetDefaults()
	cr := discourse.Credentials{APIKey: tributary.NewSecret(os.Getenv("DISCOURSE_API_KEY")), Username: os.Getenv("DISCOURSE_USERNAME")}
	var env tributary.Env
	if cr.APIKey.IsZero() {
		emu := discourseemu.New(discourseemu.Generate(45, 3))
		emu.AddKey("example-key")
		url := emu.Start()
		defer emu.Close()
		fmt.Fprintln(os.Stderr, "no DISCOURSE_API_KEY: reading an emulated forum at", url)
		s.BaseURL, s.RequestsPerSecond = url, 50
		cr = discourse.Credentials{APIKey: tributary.NewSecret("example-key"), Username: "system"}
		env.AllowPrivateNetwork = true
	}
	c, err := discourse.New(s, cr, env)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := c.Validate(ctx); err != nil {
		return err
	}
	if groups {
		for _, r := range c.Probe(ctx) {
			fmt.Println("probe", r)
		}
		for g, err := range c.Groups(ctx) {
			if err != nil {
				return err
			}
			fmt.Printf("%s  %q  %v\n", g.ID, g.Name, g.MemberEmails)
		}
		return nil
	}
	n := 0
	for it, err := range c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil) {
		if err != nil {
			if _, ok := tributary.AsFailure(err); ok {
				fmt.Fprintln(os.Stderr, "failure:", err)
				continue
			}
			return err
		}
		switch {
		case it.Node != nil:
			fmt.Printf("category %s  %s\n", it.Node.ID, it.Node.Name)
		case it.Document != nil:
			d := it.Document
			fmt.Printf("%s  %s  %d posts  %s\n", d.UpdatedAt.Format("2006-01-02 15:04"), d.ID, len(d.Sections), d.Title)
			if n++; limit > 0 && n >= limit {
				return nil
			}
		}
	}
	return nil
}
