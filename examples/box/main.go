// Command box loads files from Box and prints one line per document.
//
// With BOX_ACCESS_TOKEN set (a developer token from the app's
// Configuration page) it reads that user's Box:
//
//	BOX_ACCESS_TOKEN=xxx go run ./examples/box -folder 0
//
// With BOX_CLIENT_ID, BOX_CLIENT_SECRET and BOX_ENTERPRISE_ID set it uses
// the Client Credentials Grant of a Server Authentication app, acting as
// the enterprise's service account, and also lists the enterprise's
// groups.
//
// Without credentials, it starts an emulated Box on a loopback port,
// fills it with generated folders and files, and reads them:
//
//	go run ./examples/box
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/box"
	"github.com/tributary-dev/tributary/internal/boxemu"
)

func main() {
	folder := flag.String("folder", "0", "folder read recursively (0 = All Files)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*folder, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "box:", err)
		os.Exit(1)
	}
}

func run(folder string, limit int) error {
	var s box.Settings
	s.SetDefaults()
	s.FolderIDs = []string{folder}
	cr := box.Credentials{AccessToken: tributary.NewSecret(os.Getenv("BOX_ACCESS_TOKEN"))}
	groups := false
	if id := os.Getenv("BOX_CLIENT_ID"); id != "" {
		cr = box.Credentials{ClientID: id, ClientSecret: tributary.NewSecret(os.Getenv("BOX_CLIENT_SECRET")),
			SubjectType: "enterprise", SubjectID: os.Getenv("BOX_ENTERPRISE_ID")}
		groups = true
	}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), WantPermissions: true}
	if cr.AccessToken.IsZero() && cr.ClientID == "" {
		emu := boxemu.New(boxemu.Generate(boxemu.GenerateOptions{Folders: 3, FilesPerFolder: 4, Depth: 2}), boxemu.Options{})
		defer emu.Close()
		emu.AddToken("example-token")
		url := emu.Start()
		emu.SetDownloadBase(url)
		fmt.Fprintln(os.Stderr, "no BOX_ACCESS_TOKEN: reading an emulated Box at", url)
		s.APIURL, s.FolderIDs = url, []string{"0"}
		cr.AccessToken = tributary.NewSecret("example-token")
		env.AllowPrivateNetwork = true
		groups = true
	}
	c, err := box.New(s, cr, env)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := c.Validate(ctx); err != nil {
		return err
	}
	if groups {
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
			fmt.Printf("folder   %s  %s\n", it.Node.ID, it.Node.Name)
		case it.Failure != nil:
			fmt.Printf("failure  %s: %v\n", it.Failure.DocumentID, it.Failure.Err)
		case it.Document != nil:
			d := it.Document
			fmt.Printf("document %s  %s  %s  %v\n", d.UpdatedAt.Format(time.DateOnly), d.ID, d.SemanticID, d.ExternalAccess)
			if n++; limit > 0 && n >= limit {
				return nil
			}
		}
	}
	return nil
}
