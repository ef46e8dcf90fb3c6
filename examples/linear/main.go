// Command linear loads issues, projects and documents from a Linear
// workspace and prints one line per document.
//
// With LINEAR_API_KEY set (a personal API key) it reads the workspace the
// key belongs to:
//
//	LINEAR_API_KEY=lin_api_... go run ./examples/linear -since 168h
//
// Without a key it starts an emulated Linear on a loopback port, fills it
// with a generated workspace, and reads that:
//
//	go run ./examples/linear
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/linear"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

func main() {
	since := flag.Duration("since", 0, "only items updated in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "linear:", err)
		os.Exit(1)
	}
}

func run(since time.Duration, limit int) error {
	s := linear.Settings{}
	s.SetDefaults()
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	key := os.Getenv("LINEAR_API_KEY")
	if key == "" {
		url, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no LINEAR_API_KEY: reading an emulated Linear at", url)
		s.APIURL = url + linearemu.Path
		key, env.AllowPrivateNetwork = "lin_api_emulated", true
	}
	c, err := linear.New(s, linear.Credentials{APIKey: tributary.NewSecret(key)}, env)
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
		fmt.Printf("%-10s  %s  %s\n", d.UpdatedAt.Format(time.DateOnly), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated workspace on a loopback port.
func serveEmulator() (url string, stop func()) {
	data := linearemu.Generate(linearemu.GenerateOptions{Teams: 3, Private: 1, Projects: 4, Issues: 40, Comments: 2,
		Documents: 6, Seed: 1})
	emu := linearemu.New(data, linearemu.Options{})
	emu.AddAPIKey("lin_api_emulated", data.Users[0])
	return emu.Start(), emu.Close
}
