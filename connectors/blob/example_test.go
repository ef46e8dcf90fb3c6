package blob_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/blob"
	"github.com/tributary-dev/tributary/internal/s3emu"
)

// Open the connector from the registry with JSON settings and credentials,
// as a host does, and read the Markdown under one prefix of a bucket. Here
// the bucket is an emulated S3 served in memory.
func Example() {
	emu := s3emu.New(s3emu.Options{})
	defer emu.Close()
	emu.CreateBucket("handbook")
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	emu.Put("handbook", "policies/leave.md", []byte("# Leave\n\nTake it."), at)
	emu.Put("handbook", "policies/travel/expenses.md", []byte("# Expenses\n\nKeep receipts."), at)
	emu.Put("handbook", "policies/travel/photo.jpg", []byte("\xff\xd8\xff\xe0"), at)
	emu.Put("handbook", "drafts/new.md", []byte("# Not yet"), at)

	c, err := tributary.New(blob.Source, tributary.Params{
		Settings: json.RawMessage(`{"bucket": "handbook", "endpoint": "https://s3.example.test", "path_style": true,
			"prefixes": ["policies/"], "include": ["**/*.md"]}`),
		Credentials: json.RawMessage(`{"access_key_id": "` + s3emu.AccessKeyID + `", "secret_access_key": "` + s3emu.SecretAccessKey + `"}`),
		Env:         tributary.Env{HTTPClient: emu.Client()},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if err := c.Validate(ctx); err != nil {
		fmt.Println(err)
		return
	}
	for it, err := range tributary.Stream(ctx, c, time.Time{}, time.Time{}, nil) {
		switch {
		case err != nil:
			fmt.Println(err)
			return
		case it.Node != nil:
			fmt.Println("folder  ", it.Node.ID)
		case it.Document != nil:
			fmt.Println("document", it.Document.ID, "|", it.Document.Title)
		}
	}
	// Output:
	// folder   s3://handbook/
	// folder   s3://handbook/policies/
	// document s3://handbook/policies/leave.md | Leave
	// folder   s3://handbook/policies/travel/
	// document s3://handbook/policies/travel/expenses.md | Expenses
}
