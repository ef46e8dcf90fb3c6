// Command gmail loads mail threads from Gmail and prints one line per
// document.
//
// With GOOGLE_SERVICE_ACCOUNT_KEY (the path of a service account's JSON
// key, with domain-wide delegation) and GOOGLE_ADMIN_EMAIL set, it reads
// every user's mailbox; with GOOGLE_ACCESS_TOKEN instead, it reads the
// mailbox of that token's user:
//
//	GOOGLE_SERVICE_ACCOUNT_KEY=key.json GOOGLE_ADMIN_EMAIL=admin@example.com \
//	go run ./examples/gmail -user ana@example.com -since 168h
//
// Without credentials it starts an emulated Google Workspace domain on a
// loopback port, fills the users' mailboxes with generated threads, and
// reads those:
//
//	go run ./examples/gmail
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
	"github.com/tributary-dev/tributary/connectors/gmail"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

func main() {
	users := flag.String("user", "", "comma-separated mailboxes to read (empty = every user)")
	attachments := flag.Bool("attachments", true, "extract the text of attachments")
	since := flag.Duration("since", 0, "only threads with a message in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(*users, *attachments, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "gmail:", err)
		os.Exit(1)
	}
}

func run(users string, attachments bool, since time.Duration, limit int) error {
	var s gmail.Settings
	s.SetDefaults()
	s.AdminEmail = os.Getenv("GOOGLE_ADMIN_EMAIL")
	s.IncludeAttachments = attachments
	if users != "" {
		s.UserEmails = strings.Split(users, ",")
	}
	var cr gmail.Credentials
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
		s.APIURL, s.AdminEmail, s.UserEmails = url, admin, nil
		cr = gmail.Credentials{ServiceAccountKey: tributary.NewSecret(string(key))}
		env.AllowPrivateNetwork = true
	}
	c, err := gmail.New(s, cr, env)
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
		fmt.Printf("%s  %s msgs  %-40.40s  %s\n", d.UpdatedAt.Format(time.DateOnly), d.Metadata.Get("message_count"), d.SemanticID, d.ID)
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
	data := googleemu.Generate(googleemu.GenerateOptions{Users: 3, Seed: 1})
	googleemu.GenerateMail(data, googleemu.MailOptions{ThreadsPerUser: 8, Seed: 1})
	emu := googleemu.New(data, googleemu.Options{})
	url = emu.Start()
	key = emu.AddServiceAccount("example@emulated-project.iam.gserviceaccount.com", url+googleemu.TokenPath,
		googleemu.ScopeGmailReadonly, googleemu.ScopeUserReadonly)
	return url, key, data.Users[0].Email, emu.Close
}
