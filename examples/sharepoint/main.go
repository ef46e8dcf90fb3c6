// Command sharepoint loads files and pages from SharePoint Online and
// prints one line per document.
//
// With SHAREPOINT_TENANT_ID, SHAREPOINT_CLIENT_ID and either
// SHAREPOINT_CLIENT_SECRET or SHAREPOINT_CERTIFICATE (the path of a PEM
// file holding the certificate and its private key) set, it reads the
// tenant's sites (or those given with -site) as that app:
//
//	SHAREPOINT_TENANT_ID=contoso.onmicrosoft.com SHAREPOINT_CLIENT_ID=... SHAREPOINT_CLIENT_SECRET=... \
//	go run ./examples/sharepoint -site https://contoso.sharepoint.com/sites/eng
//
// Without credentials it starts an emulated tenant (Microsoft Graph and
// the token endpoint) on a loopback port, fills it with generated sites,
// and reads that:
//
//	go run ./examples/sharepoint
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
	"github.com/tributary-dev/tributary/connectors/sharepoint"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

func main() {
	sites := flag.String("site", "", "comma-separated site URLs (empty = every site)")
	since := flag.Duration("since", 0, "only documents modified in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*sites, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "sharepoint:", err)
		os.Exit(1)
	}
}

func run(sites string, since time.Duration, limit int) error {
	var s sharepoint.Settings
	s.SetDefaults()
	if sites != "" {
		s.Sites = strings.Split(sites, ",")
	}
	cr := sharepoint.Credentials{TenantID: os.Getenv("SHAREPOINT_TENANT_ID"), ClientID: os.Getenv("SHAREPOINT_CLIENT_ID"),
		ClientSecret: tributary.NewSecret(os.Getenv("SHAREPOINT_CLIENT_SECRET"))}
	if path := os.Getenv("SHAREPOINT_CERTIFICATE"); path != "" {
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
		fmt.Fprintln(os.Stderr, "no SHAREPOINT_TENANT_ID: reading an emulated tenant at", url)
		s.GraphURL, s.LoginURL, s.Sites = url, url, nil
		cr = creds
		env.AllowPrivateNetwork = true
	}
	c, err := sharepoint.New(s, cr, env)
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
		kind := d.Metadata.Get("mime_type") + d.Metadata.Get("kind")
		fmt.Printf("%s  %-16s  %s  %s\n", d.UpdatedAt.Format(time.DateOnly), kind, d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated tenant on a loopback port and returns
// its address and the credentials of an app registered in it.
func serveEmulator() (url string, cr sharepoint.Credentials, stop func()) {
	data := graphemu.Generate(graphemu.GenerateOptions{Sites: 2, DrivesPerSite: 1, FilesPerDrive: 8, Folders: 2, PagesPerSite: 2, Seed: 1})
	emu := graphemu.New(data, graphemu.Options{})
	url = emu.Start()
	const client, secret = "00000000-0000-0000-0000-00000000e0e0", "example-secret"
	emu.AddApp(client, secret, graphemu.SitesReadAll, graphemu.GroupMemberReadAll)
	return url, sharepoint.Credentials{TenantID: data.TenantID, ClientID: client, ClientSecret: tributary.NewSecret(secret)}, emu.Close
}
