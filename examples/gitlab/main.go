// Command gitlab loads issues, merge requests and wiki pages from GitLab
// and prints one line per document.
//
// With GITLAB_TOKEN set (a token with read_api) it reads the groups named
// by -group and the projects named by -project from gitlab.com, or from
// the self-managed instance named by -base:
//
//	GITLAB_TOKEN=glpat-... go run ./examples/gitlab -group gitlab-org/cli
//
// Without a token it starts an emulated GitLab on a loopback port, fills
// it with a generated group, and reads that:
//
//	go run ./examples/gitlab
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
	"github.com/tributary-dev/tributary/connectors/gitlab"
	"github.com/tributary-dev/tributary/internal/gitlabemu"
)

func main() {
	groups := flag.String("group", "", "comma-separated groups by full path")
	projects := flag.String("project", "", "comma-separated projects by full path")
	base := flag.String("base", gitlab.DefaultBaseURL, "instance address")
	since := flag.Duration("since", 0, "only items updated in this recent span (0 = everything, wiki pages too)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*groups, *projects, *base, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "gitlab:", err)
		os.Exit(1)
	}
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func run(groups, projects, base string, since time.Duration, limit int) error {
	s := gitlab.Settings{}
	s.SetDefaults()
	s.BaseURL, s.Groups, s.Projects = base, split(groups), split(projects)
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	token := os.Getenv("GITLAB_TOKEN")
	if token == "" {
		url, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no GITLAB_TOKEN: reading an emulated GitLab at", url)
		s.BaseURL, s.Groups, s.Projects = url, []string{"acme"}, nil
		token, env.AllowPrivateNetwork = "emulated-token", true
	}
	c, err := gitlab.New(s, gitlab.Credentials{Token: tributary.NewSecret(token)}, env)
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
		updated := "-"
		if !d.UpdatedAt.IsZero() {
			updated = d.UpdatedAt.Format(time.DateOnly)
		}
		fmt.Printf("%-10s  %s  %s\n", updated, d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated group on a loopback port.
func serveEmulator() (url string, stop func()) {
	data := gitlabemu.Generate(gitlabemu.GenerateOptions{Subgroups: 2, Projects: 2, Issues: 20, MergeRequests: 10,
		Notes: 2, WikiPages: 2, PrivateEvery: 3, Seed: 1})
	emu := gitlabemu.New(data, gitlabemu.Options{})
	emu.AddToken("emulated-token", gitlabemu.Token{User: data.Users[0], Scopes: gitlabemu.ReadAPI()})
	url = emu.Start()
	emu.SetWebURL(url)
	return url, emu.Close
}
