package bookstack_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/bookstack"
	"github.com/tributary-dev/tributary/internal/bookstackemu"
)

// Example reads the pages of an instance, here an emulated BookStack
// served in memory.
func Example() {
	data := bookstackemu.Generate(bookstackemu.GenerateOptions{Shelves: 1, Books: 1, ChaptersPerBook: 1, PagesPerBook: 3, Seed: 2})
	emu := bookstackemu.New(data, bookstackemu.Options{})
	defer emu.Close()

	s := bookstack.Settings{}
	s.SetDefaults()
	s.BaseURL = "https://docs.example.com"
	env := tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true}
	creds := bookstack.Credentials{TokenID: bookstackemu.AdminTokenID, TokenSecret: tributary.NewSecret(bookstackemu.AdminTokenSecret)}
	c, err := bookstack.New(s, creds, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Load(context.Background(), c) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.ID, "|", d.Title, "|", d.ParentID)
	}
	// Output:
	// https://docs.example.com/link/1 | Page 1 install backup | book:1
	// https://docs.example.com/link/2 | Page 2 glossary backup | chapter:1
	// https://docs.example.com/link/3 | Page 3 billing billing | chapter:1
}
