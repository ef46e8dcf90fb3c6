// Command jira loads issues from Jira and prints one line per document.
//
// With JIRA_URL and either JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or
// JIRA_PAT (Server and Data Center) set, it reads the projects named by
// -project (or every visible project) from that site:
//
//	JIRA_URL=https://your-domain.atlassian.net JIRA_EMAIL=you@example.com \
//	JIRA_API_TOKEN=ATATT3... go run ./examples/jira -project ENG
//
// Without credentials it starts an emulated Jira Cloud site on a loopback
// port, fills it with generated projects, and reads that:
//
//	go run ./examples/jira
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
	"github.com/tributary-dev/tributary/connectors/jira"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

func main() {
	projects := flag.String("project", "", "comma-separated project keys (empty = every visible project)")
	jql := flag.String("jql", "", "extra JQL condition, such as labels = public")
	since := flag.Duration("since", 0, "only issues updated in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*projects, *jql, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "jira:", err)
		os.Exit(1)
	}
}

func run(projects, jql string, since time.Duration, limit int) error {
	s := jira.Settings{}
	s.SetDefaults()
	s.BaseURL, s.JQL = os.Getenv("JIRA_URL"), jql
	if projects != "" {
		s.Projects = strings.Split(projects, ",")
	}
	cr := jira.Credentials{Email: os.Getenv("JIRA_EMAIL"), APIToken: tributary.NewSecret(os.Getenv("JIRA_API_TOKEN")),
		PersonalAccessToken: tributary.NewSecret(os.Getenv("JIRA_PAT"))}
	if cr.PersonalAccessToken.Reveal() != "" {
		s.Deployment = jira.Server
	}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if s.BaseURL == "" {
		url, email, token, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no JIRA_URL: reading an emulated Jira Cloud at", url)
		s.BaseURL, s.Deployment, s.Projects = url, jira.Cloud, nil
		cr = jira.Credentials{Email: email, APIToken: tributary.NewSecret(token)}
		env.AllowPrivateNetwork = true
	}
	c, err := jira.New(s, cr, env)
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
		fmt.Printf("%s  %-11s  %s  %s\n", d.UpdatedAt.Format(time.DateOnly), d.Metadata.Get(jira.MetaStatus), d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves generated projects on a loopback port and returns
// the site's address and an account's e-mail and API token.
func serveEmulator() (url, email, token string, stop func()) {
	data := jiraemu.Generate(jiraemu.GenerateOptions{Projects: 3, Issues: 40, Comments: 2, TimeZone: "Europe/Berlin", Seed: 1})
	emu := jiraemu.New(data, jiraemu.Options{})
	emu.AddAPIToken(data.Users[0], "emulated-api-token")
	return emu.Start(), data.Users[0].Email, "emulated-api-token", emu.Close
}
