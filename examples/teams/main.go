// Command teams loads the channel threads of Microsoft Teams and prints
// one line per thread.
//
// With TEAMS_TENANT_ID, TEAMS_CLIENT_ID and either TEAMS_CLIENT_SECRET or
// TEAMS_CERTIFICATE (the path of a PEM holding the certificate and its
// private key) of an Entra ID app with the application permissions the
// package documentation names, it reads that tenant:
//
//	TEAMS_TENANT_ID=contoso.onmicrosoft.com TEAMS_CLIENT_ID=... TEAMS_CLIENT_SECRET=... \
//		go run ./examples/teams -teams 00000000-0000-0000-0000-000000000000
//
// Without a tenant it starts an emulated Microsoft 365 tenant on a
// loopback port, fills it with generated teams, channels and threads, and
// reads that:
//
//	go run ./examples/teams
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
	"github.com/tributary-dev/tributary/connectors/teams"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

func main() {
	ids := flag.String("teams", "", "comma-separated team (group) ids (empty = every team)")
	since := flag.Duration("since", 0, "only threads active in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*ids, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "teams:", err)
		os.Exit(1)
	}
}

func run(ids string, since time.Duration, limit int) error {
	var s teams.Settings
	s.SetDefaults()
	if ids != "" {
		s.Teams = strings.Split(ids, ",")
	}
	cr := teams.Credentials{TenantID: os.Getenv("TEAMS_TENANT_ID"), ClientID: os.Getenv("TEAMS_CLIENT_ID"),
		ClientSecret: tributary.NewSecret(os.Getenv("TEAMS_CLIENT_SECRET"))}
	if path := os.Getenv("TEAMS_CERTIFICATE"); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		cr.PrivateKey = tributary.NewSecret(string(pem))
	}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if cr.TenantID == "" {
		url, creds, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no TEAMS_TENANT_ID: reading an emulated tenant at", url)
		s.GraphURL, s.LoginURL, s.Teams = url, url, nil
		cr = creds
		env.AllowPrivateNetwork = true
	}
	c, err := teams.New(s, cr, env)
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
			fmt.Fprintln(os.Stderr, "failed:", f)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Printf("%s  %-8s  %-10s  %-40.40s  %s\n", d.UpdatedAt.Format(time.DateOnly), d.Metadata.Get("channel_type"),
			d.Metadata.Get("channel"), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated tenant on a loopback port and returns
// its address and the credentials of an app registered in it.
func serveEmulator() (url string, cr teams.Credentials, stop func()) {
	data := graphemu.GenerateTeams(graphemu.TeamsOptions{Teams: 2, Channels: 3, Threads: 4, Replies: 3, Seed: 1})
	emu := graphemu.New(data, graphemu.Options{})
	url = emu.Start()
	const client, secret = "00000000-0000-0000-0000-00000000e0e0", "example-secret"
	emu.AddApp(client, secret, graphemu.TeamReadBasicAll, graphemu.ChannelReadBasicAll, graphemu.ChannelMessageReadAll,
		graphemu.ChannelMemberReadAll, graphemu.GroupMemberReadAll)
	return url, teams.Credentials{TenantID: data.TenantID, ClientID: client, ClientSecret: tributary.NewSecret(secret)}, emu.Close
}
