// Command github loads pull requests and issues from GitHub and prints one
// line per document.
//
// With GITHUB_TOKEN set it reads the repositories named by -repo (or every
// repository of -owner) from github.com, or from the GitHub Enterprise
// Server API named by -base:
//
//	GITHUB_TOKEN=github_pat_... go run ./examples/github -repo octo-org/hello-world
//
// Without a token it starts an emulated GitHub on a loopback port, fills it
// with a generated organization, and reads that:
//
//	go run ./examples/github
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
	"github.com/tributary-dev/tributary/connectors/github"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

func main() {
	repos := flag.String("repo", "", "comma-separated repositories as owner/name")
	owner := flag.String("owner", "", "read every repository of this user or organization")
	base := flag.String("base", github.DefaultBaseURL, "REST API root")
	since := flag.Duration("since", 0, "only items updated in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*repos, *owner, *base, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "github:", err)
		os.Exit(1)
	}
}

func run(repos, owner, base string, since time.Duration, limit int) error {
	s := github.Settings{}
	s.SetDefaults()
	s.BaseURL, s.Owner = base, owner
	if repos != "" {
		s.Repositories = strings.Split(repos, ",")
	}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	token := os.Getenv("GITHUB_TOKEN")
	if token == "" {
		url, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no GITHUB_TOKEN: reading an emulated GitHub at", url)
		s.BaseURL, s.Owner, s.Repositories = url, "acme", nil
		token, env.AllowPrivateNetwork = "emulated-token", true
	}
	c, err := github.New(s, github.Credentials{Token: tributary.NewSecret(token)}, env)
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
		fmt.Printf("%s  %s  %s\n", d.UpdatedAt.Format(time.DateOnly), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated organization on a loopback port.
func serveEmulator() (url string, stop func()) {
	data := githubemu.Generate(githubemu.GenerateOptions{Repos: 3, Items: 50, PullShare: 0.4, Comments: 2, Seed: 1})
	emu := githubemu.New(data, githubemu.Options{})
	emu.AddToken("emulated-token", githubemu.Token{User: data.Users[1], Permissions: githubemu.FullAccess()})
	return emu.Start(), emu.Close
}
