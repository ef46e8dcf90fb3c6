// Command clickup loads tasks from ClickUp and prints one line per
// document.
//
// With CLICKUP_API_TOKEN set (a personal API token, pk_..., from
// Settings > Apps), it reads the workspaces that token sees:
//
//	CLICKUP_API_TOKEN=pk_... go run ./examples/clickup -workspace 9015123
//
// Without a token it starts an emulated ClickUp on a loopback port, fills
// it with a generated workspace, and reads that:
//
//	go run ./examples/clickup
//
// -groups prints the workspace's groups and their members instead.
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
	"github.com/tributary-dev/tributary/connectors/clickup"
	"github.com/tributary-dev/tributary/internal/clickupemu"
)

func main() {
	workspace := flag.String("workspace", "", "read only this workspace id (default: all the token sees)")
	since := flag.Duration("since", 0, "only tasks updated in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	groups := flag.Bool("groups", false, "print the groups and their members instead of tasks")
	flag.Parse()
	if err := run(*workspace, *since, *limit, *groups); err != nil {
		fmt.Fprintln(os.Stderr, "clickup:", err)
		os.Exit(1)
	}
}

func run(workspace string, since time.Duration, limit int, groups bool) error {
	s := clickup.Settings{}
	s.SetDefaults()
	if workspace != "" {
		s.Workspaces = []string{workspace}
	}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	creds := clickup.Credentials{APIToken: tributary.NewSecret(os.Getenv("CLICKUP_API_TOKEN"))}
	if creds.APIToken.IsZero() {
		url, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no CLICKUP_API_TOKEN: reading an emulated ClickUp at", url)
		s.BaseURL = url
		creds.APIToken = tributary.NewSecret("pk_81000_EMULATED")
		env.AllowPrivateNetwork = true
	}
	c, err := clickup.New(s, creds, env)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := c.Validate(ctx); err != nil {
		return err
	}
	if groups {
		for g, err := range c.Groups(ctx) {
			if err != nil {
				return err
			}
			fmt.Printf("%-50s  %s\n", g.ID, strings.Join(g.MemberEmails, ", "))
		}
		return nil
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
		fmt.Printf("%-10s  %-12s  %s  %s\n", d.UpdatedAt.Format(time.DateOnly), d.Metadata.Get("status"), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated workspace on a loopback port.
func serveEmulator() (url string, stop func()) {
	data := clickupemu.Generate(clickupemu.GenerateOptions{Tasks: 15, Subtasks: 2, Comments: 3, Closed: 2, Seed: 1})
	emu := clickupemu.New(data, clickupemu.Options{})
	emu.AddToken("pk_81000_EMULATED", data.Users[0].ID)
	return emu.Start() + clickupemu.Prefix, emu.Close
}
