// Command mediawiki loads the pages of a MediaWiki wiki and prints one
// line per document.
//
// With MEDIAWIKI_API set to a wiki's api.php it reads that wiki,
// anonymously or, with MEDIAWIKI_USER and MEDIAWIKI_PASSWORD set, with a
// bot password (Special:BotPasswords):
//
//	MEDIAWIKI_API=https://www.mediawiki.org/w/api.php go run ./examples/mediawiki -limit 5
//
// Without it, it starts an emulated private wiki on a loopback port,
// fills it with generated pages, logs in with a bot password and reads
// that:
//
//	go run ./examples/mediawiki
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mediawiki"
	"github.com/tributary-dev/tributary/internal/mediawikiemu"
)

func main() {
	since := flag.Duration("since", 0, "only pages edited in this recent span, read from the recent changes (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "mediawiki:", err)
		os.Exit(1)
	}
}

func run(since time.Duration, limit int) error {
	s := mediawiki.Settings{}
	s.SetDefaults()
	s.BaseURL = os.Getenv("MEDIAWIKI_API")
	s.UserAgent = "tributary-example/1.0 (https://github.com/tributary-dev/tributary)"
	cr := mediawiki.Credentials{Username: os.Getenv("MEDIAWIKI_USER"), Password: tributary.NewSecret(os.Getenv("MEDIAWIKI_PASSWORD"))}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	var start time.Time
	if s.BaseURL == "" {
		url, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no MEDIAWIKI_API: reading an emulated private wiki at", url)
		s.BaseURL = url + mediawikiemu.APIPath
		s.Namespaces = []int{0, 12}
		s.RequestsPerSecond = 50
		cr = mediawiki.Credentials{Username: "Example@tributary", Password: tributary.NewSecret("emulated-bot-password")}
		env.AllowPrivateNetwork = true
		if since > 0 {
			start = mediawikiemu.DefaultStart // the emulated wiki's history is in the past
		}
	} else if since > 0 {
		start = time.Now().Add(-since)
	}
	c, err := mediawiki.New(s, cr, env)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := c.Validate(ctx); err != nil {
		return err
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
		fmt.Printf("%s  %2d sections  %-14s  %s  %s\n", d.UpdatedAt.Format(time.DateTime), len(d.Sections),
			d.Metadata.Get("category"), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated private wiki on a loopback port.
func serveEmulator() (url string, stop func()) {
	data := mediawikiemu.Generate(mediawikiemu.GenerateOptions{Pages: 40, Redirects: 3, Categories: 3, Revisions: 2, Seed: 1})
	emu := mediawikiemu.New(data, mediawikiemu.Options{Private: true})
	emu.AddUser("Example@tributary", "emulated-bot-password")
	return emu.Start(), emu.Close
}
