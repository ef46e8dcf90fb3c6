// Command dropbox loads files from Dropbox and prints one line per
// document.
//
// With DROPBOX_ACCESS_TOKEN set it reads that token's Dropbox:
//
//	DROPBOX_ACCESS_TOKEN=sl.xxx go run ./examples/dropbox -path /Projects
//
// A team token (an app with team scopes) reads as one member, named by
// DROPBOX_TEAM_MEMBER (a team_member_id or an e-mail address), and also
// lists the team's groups.
//
// Without a token, it starts an emulated Dropbox of a team on a loopback
// port, fills it with generated folders and files, and reads them with an
// emulated team token as one member:
//
//	go run ./examples/dropbox
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/dropbox"
	"github.com/tributary-dev/tributary/internal/dropboxemu"
)

func main() {
	path := flag.String("path", "", "folder read recursively (empty = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*path, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "dropbox:", err)
		os.Exit(1)
	}
}

func run(path string, limit int) error {
	var s dropbox.Settings
	s.SetDefaults()
	s.Path = path
	s.TeamMember = os.Getenv("DROPBOX_TEAM_MEMBER")
	cr := dropbox.Credentials{AccessToken: tributary.NewSecret(os.Getenv("DROPBOX_ACCESS_TOKEN"))}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if cr.AccessToken.IsZero() {
		emu := dropboxemu.New(dropboxemu.Generate(dropboxemu.GenerateOptions{Folders: 3, FilesPerFolder: 4, Team: true}), dropboxemu.Options{})
		defer emu.Close()
		emu.AddTeamToken("sl.example-token")
		url := emu.Start()
		fmt.Fprintln(os.Stderr, "no DROPBOX_ACCESS_TOKEN: reading an emulated Dropbox at", url)
		s.APIURL, s.ContentURL, s.Path, s.TeamMember = url, url, "", "ana@acme.test"
		cr.AccessToken = tributary.NewSecret("sl.example-token")
		env.AllowPrivateNetwork = true
	}
	c, err := dropbox.New(s, cr, env)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := c.Validate(ctx); err != nil {
		return err
	}
	if s.TeamMember != "" {
		for g, err := range c.Groups(ctx) {
			if err != nil {
				return err
			}
			fmt.Printf("group    %s  %s  %v\n", g.ID, g.Name, g.MemberEmails)
		}
	}
	n := 0
	for it, err := range c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil) {
		if err != nil {
			return err
		}
		switch {
		case it.Node != nil:
			fmt.Printf("folder   %s\n", it.Node.ID)
		case it.Failure != nil:
			fmt.Printf("failure  %s: %v\n", it.Failure.DocumentID, it.Failure.Err)
		case it.Document != nil:
			fmt.Printf("document %s  %s  %s\n", it.Document.UpdatedAt.Format(time.DateOnly), it.Document.ID, it.Document.Title)
			if n++; limit > 0 && n >= limit {
				return nil
			}
		}
	}
	return nil
}
