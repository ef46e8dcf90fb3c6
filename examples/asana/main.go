// Command asana loads tasks from Asana and prints one line per document.
//
// With ASANA_ACCESS_TOKEN set (a personal access token), it reads what
// that user sees, optionally only some projects:
//
//	ASANA_ACCESS_TOKEN=2/... go run ./examples/asana -projects 1203000000000001
//
// Without a token it starts an emulated Asana on a loopback port, fills it
// with a generated organization, and reads that:
//
//	go run ./examples/asana
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
	"github.com/tributary-dev/tributary/connectors/asana"
	"github.com/tributary-dev/tributary/internal/asanaemu"
)

func main() {
	projects := flag.String("projects", "", "comma-separated project gids (empty = every visible project)")
	since := flag.Duration("since", 0, "only tasks modified in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*projects, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "asana:", err)
		os.Exit(1)
	}
}

func run(projects string, since time.Duration, limit int) error {
	s := asana.Settings{}
	s.SetDefaults()
	if projects != "" {
		s.Projects = strings.Split(projects, ",")
	}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	creds := asana.Credentials{AccessToken: tributary.NewSecret(os.Getenv("ASANA_ACCESS_TOKEN"))}
	if creds.AccessToken.IsZero() {
		url, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no ASANA_ACCESS_TOKEN: reading an emulated Asana at", url)
		s.BaseURL = url
		creds.AccessToken = tributary.NewSecret("emulated-token")
		env.AllowPrivateNetwork = true
	}
	c, err := asana.New(s, creds, env)
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
		fmt.Printf("%-10s  %-24s  %s  %s\n", d.UpdatedAt.Format(time.DateOnly), d.Metadata.Get(asana.MetaProject), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated organization on a loopback port.
func serveEmulator() (url string, stop func()) {
	data := asanaemu.Generate(asanaemu.GenerateOptions{Projects: 3, Tasks: 5, Stories: 2, Shared: 1, Seed: 1})
	emu := asanaemu.New(data, asanaemu.Options{})
	emu.AddToken("emulated-token", asanaemu.MeGID)
	return emu.Start() + asanaemu.BasePath, emu.Close
}
