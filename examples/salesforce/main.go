// Command salesforce loads records from a Salesforce org and prints one
// line per document.
//
// With SALESFORCE_CONSUMER_KEY set it reads that org, signing in with the
// JWT bearer flow (SALESFORCE_USERNAME and SALESFORCE_PRIVATE_KEY_FILE, a
// PEM key whose certificate the connected app holds) or a refresh token
// (SALESFORCE_REFRESH_TOKEN, and SALESFORCE_CONSUMER_SECRET when the app
// wants it); SALESFORCE_LOGIN_URL is https://test.salesforce.com for a
// sandbox or the org's My Domain:
//
//	SALESFORCE_CONSUMER_KEY=3MVG9... SALESFORCE_USERNAME=integration@acme.com \
//	SALESFORCE_PRIVATE_KEY_FILE=server.key go run ./examples/salesforce -objects Account,Case
//
// Without a consumer key it starts an emulated org on a loopback port,
// fills it with generated records, and reads that:
//
//	go run ./examples/salesforce
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/salesforce"
	"github.com/tributary-dev/tributary/internal/jwtsign"
	"github.com/tributary-dev/tributary/internal/salesforceemu"
)

func main() {
	objects := flag.String("objects", strings.Join(salesforce.DefaultObjects, ","), "comma-separated object API names")
	knowledge := flag.Bool("knowledge", false, "also read published Knowledge articles")
	since := flag.Duration("since", 0, "only records modified in this recent span (0 = everything)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	if err := run(strings.Split(*objects, ","), *knowledge, *since, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "salesforce:", err)
		os.Exit(1)
	}
}

func run(objects []string, knowledge bool, since time.Duration, limit int) error {
	s := salesforce.Settings{}
	s.SetDefaults()
	s.Objects, s.Knowledge = objects, knowledge
	if u := os.Getenv("SALESFORCE_LOGIN_URL"); u != "" {
		s.LoginURL = u
	}
	env := tributary.Env{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	creds, err := credentials()
	if err != nil {
		return err
	}
	if creds.ConsumerKey == "" {
		url, c, stop, err := serveEmulator()
		if err != nil {
			return err
		}
		defer stop()
		fmt.Fprintln(os.Stderr, "no SALESFORCE_CONSUMER_KEY: reading an emulated org at", url)
		s.LoginURL, creds, s.Knowledge = url, c, true
		env.AllowPrivateNetwork = true
	}
	c, err := salesforce.New(s, creds, env)
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
		fmt.Printf("%-10s  %-24s  %s  %s\n", d.UpdatedAt.Format(time.DateOnly), d.Metadata.Get(salesforce.MetaObject), d.Title, d.ID)
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return nil
}

// credentials reads the environment's credentials; an empty consumer key
// means none.
func credentials() (salesforce.Credentials, error) {
	c := salesforce.Credentials{ConsumerKey: os.Getenv("SALESFORCE_CONSUMER_KEY"), Username: os.Getenv("SALESFORCE_USERNAME"),
		RefreshToken: tributary.NewSecret(os.Getenv("SALESFORCE_REFRESH_TOKEN")), ConsumerSecret: tributary.NewSecret(os.Getenv("SALESFORCE_CONSUMER_SECRET"))}
	if path := os.Getenv("SALESFORCE_PRIVATE_KEY_FILE"); path != "" && c.ConsumerKey != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, err
		}
		c.PrivateKey = tributary.NewSecret(string(b))
	}
	return c, nil
}

// serveEmulator serves a generated org on a loopback port, with a
// connected app whose key it makes, and returns the credentials of its
// integration user.
func serveEmulator() (url string, c salesforce.Credentials, stop func(), err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", c, nil, err
	}
	data := salesforceemu.Generate(salesforceemu.GenerateOptions{Accounts: 4, Contacts: 5, Opportunities: 4, Cases: 5, Articles: 4, Deleted: 1, Seed: 1})
	data.InstanceURL = "" // the address the token request came to
	emu := salesforceemu.New(data, salesforceemu.Options{})
	emu.AddApp("3MVG9-emulated", &key.PublicKey, "")
	c = salesforce.Credentials{ConsumerKey: "3MVG9-emulated", Username: salesforceemu.Integration,
		PrivateKey: tributary.NewSecret(string(jwtsign.EncodePKCS8(key)))}
	return emu.Start(), c, emu.Close, nil
}
