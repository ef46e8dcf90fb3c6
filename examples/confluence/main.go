// Command confluence loads pages from Confluence and prints one line per
// document.
//
// With CONFLUENCE_URL and either CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN
// (Cloud) or CONFLUENCE_PAT (Server and Data Center) set, it reads the
// spaces named by -spaces (every space the account can see when empty):
//
//	CONFLUENCE_URL=https://example.atlassian.net/wiki CONFLUENCE_EMAIL=me@example.com \
//	CONFLUENCE_API_TOKEN=ATATT3x... go run ./examples/confluence -spaces ENG
//
// Without credentials it starts an emulated Confluence Cloud on a loopback
// port, fills it with generated spaces and pages, and reads that:
//
//	go run ./examples/confluence
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
	"github.com/tributary-dev/tributary/connectors/confluence"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
)

func main() {
	spaces := flag.String("spaces", "", "comma-separated space keys (empty = every space)")
	since := flag.Duration("since", 0, "only pages updated in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	zone := flag.String("tz", "", "IANA time zone of the account's Confluence profile")
	flag.Parse()
	if err := run(*spaces, *zone, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "confluence:", err)
		os.Exit(1)
	}
}

func run(spaces, zone string, since time.Duration, limit int) error {
	s := confluence.Settings{}
	s.SetDefaults()
	s.BaseURL, s.TimeZone = os.Getenv("CONFLUENCE_URL"), zone
	if spaces != "" {
		s.Spaces = strings.Split(spaces, ",")
	}
	cred := confluence.Credentials{Email: os.Getenv("CONFLUENCE_EMAIL"),
		APIToken:            tributary.NewSecret(os.Getenv("CONFLUENCE_API_TOKEN")),
		PersonalAccessToken: tributary.NewSecret(os.Getenv("CONFLUENCE_PAT"))}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if s.BaseURL == "" {
		url, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no CONFLUENCE_URL: reading an emulated Confluence Cloud at", url)
		s.BaseURL, s.Deployment, s.Spaces = url+"/wiki", confluence.DeploymentCloud, nil
		cred = confluence.Credentials{Email: "reader@example.com", APIToken: tributary.NewSecret("emulated-token")}
		env.AllowPrivateNetwork = true
	}
	c, err := confluence.New(s, cred, env)
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
		fmt.Printf("%s  %-8s %s  %s\n", d.UpdatedAt.Format(time.DateOnly), d.Metadata.Get(confluence.MetaSpace), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves generated spaces on a loopback port.
func serveEmulator() (url string, stop func()) {
	data := confluenceemu.Generate(confluenceemu.GenerateOptions{Spaces: 3, Pages: 40, Comments: 2, Seed: 1})
	emu := confluenceemu.New(data, confluenceemu.Options{})
	emu.AddAPIToken("reader@example.com", "emulated-token", data.Users[0])
	return emu.Start(), emu.Close
}
