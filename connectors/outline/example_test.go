package outline_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/outline"
	"github.com/tributary-dev/tributary/internal/outlineemu"
)

// Example reads the documents of a workspace's collections, here from an
// emulated Outline served in memory.
func Example() {
	data := outlineemu.Generate(outlineemu.GenerateOptions{Collections: 1, Documents: 3, Seed: 1})
	emu := outlineemu.New(data, outlineemu.Options{})
	defer emu.Close()
	emu.AddKey("ol_api_example", data.Users[0].ID)

	s := outline.Settings{}
	s.SetDefaults()
	s.BaseURL = "https://wiki.example.com"
	env := tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true}
	c, err := outline.New(s, outline.Credentials{APIKey: tributary.NewSecret("ol_api_example")}, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Poll(context.Background(), c, time.Time{}, time.Time{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.Title, len(d.Sections), "sections")
	}
	// Output:
	// Collection 00 note 001 1 sections
	// Collection 00 note 002 1 sections
	// Collection 00 note 000 4 sections
}
