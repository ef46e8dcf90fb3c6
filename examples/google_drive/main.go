// Command google_drive loads files from Google Drive and prints one line
// per document.
//
// With GOOGLE_SERVICE_ACCOUNT_KEY (the path of a service account's JSON
// key, with domain-wide delegation) and GOOGLE_ADMIN_EMAIL set, it reads
// every user's My Drive and every shared drive the administrator belongs
// to; with GOOGLE_ACCESS_TOKEN instead, it reads the drives of that token's
// user:
//
//	GOOGLE_SERVICE_ACCOUNT_KEY=key.json GOOGLE_ADMIN_EMAIL=admin@example.com \
//	go run ./examples/google_drive -shared-drive 0AbCdEf
//
// Without credentials it starts an emulated Google Workspace domain on a
// loopback port, fills it with generated drives, and reads that:
//
//	go run ./examples/google_drive
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
	googledrive "github.com/tributary-dev/tributary/connectors/google_drive"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

func main() {
	drives := flag.String("shared-drive", "", "comma-separated shared drive ids (empty = every one)")
	folders := flag.String("folder", "", "comma-separated folder ids read recursively")
	since := flag.Duration("since", 0, "only files modified in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*drives, *folders, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "google_drive:", err)
		os.Exit(1)
	}
}

func run(drives, folders string, since time.Duration, limit int) error {
	var s googledrive.Settings
	s.SetDefaults()
	s.AdminEmail = os.Getenv("GOOGLE_ADMIN_EMAIL")
	if drives != "" {
		s.SharedDriveIDs = strings.Split(drives, ",")
	}
	if folders != "" {
		s.FolderIDs = strings.Split(folders, ",")
	}
	var cr googledrive.Credentials
	if path := os.Getenv("GOOGLE_SERVICE_ACCOUNT_KEY"); path != "" {
		key, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		cr.ServiceAccountKey = tributary.NewSecret(string(key))
	}
	cr.AccessToken = tributary.NewSecret(os.Getenv("GOOGLE_ACCESS_TOKEN"))
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if cr.ServiceAccountKey.Reveal() == "" && cr.AccessToken.Reveal() == "" {
		url, key, admin, stop := serveEmulator()
		defer stop()
		fmt.Fprintln(os.Stderr, "no GOOGLE_SERVICE_ACCOUNT_KEY or GOOGLE_ACCESS_TOKEN: reading an emulated Google Workspace at", url)
		s.APIURL, s.AdminEmail, s.SharedDriveIDs, s.FolderIDs = url, admin, nil, nil
		cr = googledrive.Credentials{ServiceAccountKey: tributary.NewSecret(string(key))}
		env.AllowPrivateNetwork = true
	}
	c, err := googledrive.New(s, cr, env)
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
		kind := d.Metadata.Get("mime_type")
		kind = kind[strings.LastIndexAny(kind, "./")+1:]
		fmt.Printf("%s  %-13s  %s  %s\n", d.UpdatedAt.Format(time.DateOnly), kind, d.SemanticID, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// serveEmulator serves a generated domain on a loopback port and returns
// its address, a service account key whose token endpoint is the
// emulator's, and the administrator to act as.
func serveEmulator() (url string, key []byte, admin string, stop func()) {
	data := googleemu.Generate(googleemu.GenerateOptions{Users: 3, SharedDrives: 2, FilesPerDrive: 12, Folders: 3, FilesPerUser: 6, Seed: 1})
	emu := googleemu.New(data, googleemu.Options{})
	url = emu.Start()
	key = emu.AddServiceAccount("example@emulated-project.iam.gserviceaccount.com", url+googleemu.TokenPath,
		googleemu.ScopeDriveReadonly, googleemu.ScopeUserReadonly, googleemu.ScopeGroupReadonly)
	return url, key, data.Users[0].Email, emu.Close
}
