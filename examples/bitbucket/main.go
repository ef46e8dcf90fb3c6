// Command bitbucket loads pull requests from Bitbucket Cloud and prints
// one line per document.
//
// With BITBUCKET_USERNAME and BITBUCKET_APP_PASSWORD set (or
// BITBUCKET_ACCESS_TOKEN, a repository, project or workspace access
// token) it reads the workspaces named by -workspace and the repositories
// named by -repo:
//
//	BITBUCKET_USERNAME=me BITBUCKET_APP_PASSWORD=... go run ./examples/bitbucket -workspace acme
//
// Without credentials it starts an emulated Bitbucket on a loopback port,
// fills it with generated workspaces, and reads one of them:
//
//	go run ./examples/bitbucket
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
	"github.com/tributary-dev/tributary/connectors/bitbucket"
	"github.com/tributary-dev/tributary/internal/bitbucketemu"
)

func main() {
	workspaces := flag.String("workspace", "", "comma-separated workspace slugs")
	repos := flag.String("repo", "", "comma-separated repositories as workspace/slug")
	since := flag.Duration("since", 0, "only pull requests updated in this recent span (0 = all)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*workspaces, *repos, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "bitbucket:", err)
		os.Exit(1)
	}
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func run(workspaces, repos string, since time.Duration, limit int) error {
	s := bitbucket.Settings{}
	s.SetDefaults()
	s.Workspaces, s.Repositories = split(workspaces), split(repos)
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	creds := bitbucket.Credentials{Username: os.Getenv("BITBUCKET_USERNAME"),
		AppPassword: tributary.NewSecret(os.Getenv("BITBUCKET_APP_PASSWORD")),
		AccessToken: tributary.NewSecret(os.Getenv("BITBUCKET_ACCESS_TOKEN"))}
	if creds.AppPassword.IsZero() && creds.AccessToken.IsZero() {
		url, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no BITBUCKET_APP_PASSWORD or BITBUCKET_ACCESS_TOKEN: reading an emulated Bitbucket at", url)
		s.APIURL, s.WebURL, s.Workspaces, s.Repositories = url+"/2.0", url, []string{"acme"}, nil
		creds = bitbucket.Credentials{Username: "ana", AppPassword: tributary.NewSecret("emulated-app-password")}
		env.AllowPrivateNetwork = true
	}
	c, err := bitbucket.New(s, creds, env)
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
		fmt.Printf("%s  %-10s  %s  %s\n", d.UpdatedAt.Format(time.DateOnly), d.Metadata.Get(bitbucket.MetaState), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves generated workspaces on a loopback port.
func serveEmulator() (url string, stop func()) {
	data := bitbucketemu.Generate(bitbucketemu.GenerateOptions{Workspaces: 2, Repositories: 3, PullRequests: 10, Comments: 3,
		PrivateEvery: 2, Seed: 1})
	emu := bitbucketemu.New(data, bitbucketemu.Options{})
	emu.AddAppPassword("ana", "emulated-app-password", data.Users[0])
	url = emu.Start()
	emu.SetWebURL(url)
	return url, emu.Close
}
