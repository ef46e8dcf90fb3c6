// Command zendesk loads Help Center articles and tickets from Zendesk and
// prints one line per document.
//
// With ZENDESK_EMAIL and ZENDESK_API_TOKEN set (an admin's API token), or
// ZENDESK_OAUTH_TOKEN, it reads the account named by -subdomain:
//
//	ZENDESK_EMAIL=admin@acme.com ZENDESK_API_TOKEN=... go run ./examples/zendesk -subdomain acme
//
// Without credentials it starts an emulated Zendesk on a loopback port,
// fills it with a generated account, and reads that:
//
//	go run ./examples/zendesk
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
	"github.com/tributary-dev/tributary/connectors/zendesk"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

func main() {
	subdomain := flag.String("subdomain", "", "the account's subdomain (acme for acme.zendesk.com)")
	locales := flag.String("locales", zendesk.DefaultLocale, "comma-separated Help Center locales")
	tickets := flag.Bool("tickets", true, "read tickets too (needs an admin)")
	since := flag.Duration("since", 0, "only items updated in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*subdomain, *locales, *tickets, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "zendesk:", err)
		os.Exit(1)
	}
}

func run(subdomain, locales string, tickets bool, since time.Duration, limit int) error {
	s := zendesk.Settings{}
	s.SetDefaults()
	s.Subdomain, s.Locales, s.IncludeTickets = subdomain, strings.Split(locales, ","), tickets
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	creds := zendesk.Credentials{Email: os.Getenv("ZENDESK_EMAIL"), APIToken: tributary.NewSecret(os.Getenv("ZENDESK_API_TOKEN")),
		OAuthToken: tributary.NewSecret(os.Getenv("ZENDESK_OAUTH_TOKEN"))}
	if creds.APIToken.IsZero() && creds.OAuthToken.IsZero() {
		url, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN: reading an emulated Zendesk at", url)
		s.Subdomain, s.BaseURL, s.Locales = "", url, []string{"en-us", "de"}
		creds = zendesk.Credentials{Email: "user0@example.com", APIToken: tributary.NewSecret("emulated-token")}
		env.AllowPrivateNetwork = true
	}
	c, err := zendesk.New(s, creds, env)
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

// serveEmulator serves a generated account on a loopback port.
func serveEmulator() (url string, stop func()) {
	data := zendeskemu.Generate(zendeskemu.GenerateOptions{Categories: 2, Sections: 2, Articles: 2, Locales: []string{"en-us", "de"},
		Tickets: 10, Comments: 3, Deleted: 1, RestrictedEvery: 3, Seed: 1})
	emu := zendeskemu.New(data, zendeskemu.Options{})
	emu.AddAPIToken("user0@example.com", "emulated-token")
	return emu.Start(), emu.Close
}
