package httpx_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// A connector builds one Client from its Env and credentials, then reads
// JSON through it; errors arrive classified.
func ExampleNew() {
	api := emulator.New(emulator.Options{Auth: emulator.BearerTokens("s3cret-token")})
	api.Handle("GET /user", func(w http.ResponseWriter, r *http.Request) {
		emulator.WriteJSON(w, http.StatusOK, map[string]string{"login": "octo"})
	})
	defer api.Close()
	env := tributary.Env{HTTPClient: api.Client()} // a host passes its own Env

	c, err := httpx.New(httpx.Options{
		Env:       env,
		Name:      "example",
		Auth:      httpx.Bearer(tributary.NewSecret("s3cret-token")),
		RateLimit: httpx.RateLimit{PerSecond: 10, Burst: 5},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var user struct{ Login string }
	if err := c.GetJSON(context.Background(), "https://api.example.com/user", &user); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(user.Login)

	_, err = c.Get(context.Background(), "https://api.example.com/missing?token=abc123456")
	fmt.Println(errors.Is(err, tributary.ErrNotFound))
	fmt.Println(err)
	// Output:
	// octo
	// true
	// example: not found: GET https://api.example.com/missing?token=[redacted]: 404 Not Found: {"message":"Not Found"}
}

// Cursor walks a cursor API page by page; each page carries the cursor of
// the next one for the connector's checkpoint.
func ExampleCursor() {
	api := emulator.New(emulator.Options{})
	channels := []string{"general", "random", "dev", "ops", "sales"}
	api.Handle("GET /conversations.list", func(w http.ResponseWriter, r *http.Request) {
		page, next, err := emulator.CursorOf(r, channels, emulator.CursorParams{DefaultSize: 2})
		if err != nil {
			emulator.WriteJSON(w, http.StatusOK, map[string]any{"ok": false, "error": err.Error()})
			return
		}
		emulator.WriteJSON(w, http.StatusOK, map[string]any{"ok": true, "channels": page,
			"response_metadata": map[string]string{"next_cursor": next}})
	})
	defer api.Close()
	c, _ := httpx.New(httpx.Options{Env: tributary.Env{HTTPClient: api.Client()}})

	fetch := func(ctx context.Context, cursor string) ([]string, string, error) {
		var body struct {
			Channels         []string
			ResponseMetadata struct {
				NextCursor string `json:"next_cursor"`
			} `json:"response_metadata"`
		}
		err := c.GetJSON(ctx, "https://slack.example.com/conversations.list?cursor="+cursor, &body)
		return body.Channels, body.ResponseMetadata.NextCursor, err
	}
	for page, err := range httpx.Cursor(context.Background(), "", httpx.Limits{}, fetch) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(page.Items, page.Next != "")
	}
	// Output:
	// [general random] true
	// [dev ops] true
	// [sales] false
}
