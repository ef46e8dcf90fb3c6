// Command blob loads the objects of a bucket over the S3 API and prints
// one line per document, folder or failure.
//
// With AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set it reads the bucket
// named by -bucket from the source named by -source (s3, r2,
// google_cloud_storage or oci_storage), with -endpoint, -region,
// -account (R2) and -namespace (OCI) as that source needs:
//
//	AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... go run ./examples/blob -bucket handbook -region eu-west-1
//	AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... go run ./examples/blob -source r2 -account ACCOUNT -bucket handbook
//
// Without keys it starts an emulated S3 on a loopback port, fills a bucket
// with a few documents, and reads that:
//
//	go run ./examples/blob
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/blob"
	"github.com/tributary-dev/tributary/internal/s3emu"
)

func main() {
	source := flag.String("source", "s3", "s3, r2, google_cloud_storage or oci_storage")
	bucket := flag.String("bucket", "", "bucket to read")
	prefix := flag.String("prefix", "", "comma-separated key prefixes (empty = the whole bucket)")
	endpoint := flag.String("endpoint", "", "S3 API endpoint (empty = the provider's)")
	region := flag.String("region", "", "region requests are signed for")
	account := flag.String("account", "", "Cloudflare account id (R2)")
	namespace := flag.String("namespace", "", "Object Storage namespace (OCI)")
	limit := flag.Int("limit", 20, "stop after this many documents (0 = no limit)")
	flag.Parse()
	s := blob.Settings{Bucket: *bucket, Endpoint: *endpoint, Region: *region, AccountID: *account, Namespace: *namespace}
	if *prefix != "" {
		s.Prefixes = strings.Split(*prefix, ",")
	}
	if err := run(tributary.DocumentSource(*source), s, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "blob:", err)
		os.Exit(1)
	}
}

func run(source tributary.DocumentSource, s blob.Settings, limit int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cr := blob.Credentials{AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: tributary.NewSecret(os.Getenv("AWS_SECRET_ACCESS_KEY")),
		SessionToken: tributary.NewSecret(os.Getenv("AWS_SESSION_TOKEN"))}
	var env tributary.Env
	if cr.AccessKeyID == "" {
		emu := emulated()
		defer emu.Close()
		source, s = blob.Source, blob.Settings{Bucket: "handbook", Endpoint: emu.Start(), PathStyle: true}
		cr = blob.Credentials{AccessKeyID: s3emu.AccessKeyID, SecretAccessKey: tributary.NewSecret(s3emu.SecretAccessKey)}
		env.AllowPrivateNetwork = true // the emulator listens on loopback
		fmt.Fprintln(os.Stderr, "no AWS_ACCESS_KEY_ID: reading an emulated bucket at", s.Endpoint)
	}
	c, err := blob.NewFor(source, s, cr, env)
	if err != nil {
		return err
	}
	if err := c.Validate(ctx); err != nil {
		return err
	}
	docs := 0
	for it, err := range c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil) {
		switch {
		case err != nil:
			return err
		case it.Node != nil:
			fmt.Printf("folder   %s\n", it.Node.ID)
		case it.Failure != nil:
			fmt.Printf("failure  %v\n", it.Failure)
		case it.Document != nil:
			d := it.Document
			fmt.Printf("document %s | %s | %s\n", d.ID, d.Title, d.UpdatedAt.Format(time.RFC3339))
			if docs++; limit > 0 && docs == limit {
				return nil
			}
		}
	}
	return nil
}

// emulated returns an emulated S3 holding a small bucket.
func emulated() *s3emu.Server {
	emu := s3emu.New(s3emu.Options{})
	emu.CreateBucket("handbook")
	at := time.Now().Add(-time.Hour)
	for key, body := range map[string]string{
		"policies/leave.md":           "# Leave\n\nAsk your lead a week ahead.",
		"policies/travel/expenses.md": "# Expenses\n\nKeep every receipt.",
		"policies/travel/visa.html":   "<html><head><title>Visas</title></head><body><p>Apply early.</p></body></html>",
		"teams.csv":                   "team,lead\ncore,Ada\nweb,Grace\n",
		"logo.png":                    "\x89PNG\r\n\x1a\n",
	} {
		emu.Put("handbook", key, []byte(body), at)
	}
	return emu
}
