// Command hubspot loads CRM records from HubSpot and prints one line per
// document.
//
// With HUBSPOT_ACCESS_TOKEN set (a private app's access token with the
// CRM read scopes), it reads that account:
//
//	HUBSPOT_ACCESS_TOKEN=pat-na1-... go run ./examples/hubspot -objects deals,tickets
//
// Without a token it starts an emulated HubSpot on a loopback port, fills
// it with a generated account, and reads that:
//
//	go run ./examples/hubspot
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
	"github.com/tributary-dev/tributary/connectors/hubspot"
	"github.com/tributary-dev/tributary/internal/hubspotemu"
)

func main() {
	objects := flag.String("objects", "companies,contacts,deals,tickets", "comma-separated object types")
	since := flag.Duration("since", 0, "only records modified in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(strings.Split(*objects, ","), *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "hubspot:", err)
		os.Exit(1)
	}
}

func run(objects []string, since time.Duration, limit int) error {
	s := hubspot.Settings{}
	s.SetDefaults()
	s.Objects = objects
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	creds := hubspot.Credentials{AccessToken: tributary.NewSecret(os.Getenv("HUBSPOT_ACCESS_TOKEN"))}
	if creds.AccessToken.IsZero() {
		url, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no HUBSPOT_ACCESS_TOKEN: reading an emulated HubSpot at", url)
		s.BaseURL = url
		creds.AccessToken = tributary.NewSecret("pat-na1-emulated")
		env.AllowPrivateNetwork = true
	}
	c, err := hubspot.New(s, creds, env)
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
		fmt.Printf("%-10s  %-9s  %s  %s\n", d.UpdatedAt.Format(time.DateOnly), d.Metadata.Get(hubspot.MetaObjectType), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated account on a loopback port.
func serveEmulator() (url string, stop func()) {
	data := hubspotemu.Generate(hubspotemu.GenerateOptions{Companies: 5, Contacts: 8, Deals: 5, Tickets: 4, Notes: 2, Emails: 1, Seed: 1})
	emu := hubspotemu.New(data, hubspotemu.Options{})
	emu.AddToken("pat-na1-emulated", hubspotemu.AllScopes()...)
	return emu.Start(), emu.Close
}
