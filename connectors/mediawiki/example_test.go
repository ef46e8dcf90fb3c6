package mediawiki_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mediawiki"
	"github.com/tributary-dev/tributary/internal/mediawikiemu"
)

// A private wiki read with a bot password, here an emulated one.
func Example() {
	emu := mediawikiemu.New(mediawikiemu.Generate(mediawikiemu.GenerateOptions{Pages: 3, Seed: 1}), mediawikiemu.Options{Private: true})
	defer emu.Close()
	emu.AddUser("Indexer@search", "bot-password")

	s := mediawiki.Settings{}
	s.SetDefaults()
	s.BaseURL = "https://wiki.example" + mediawikiemu.APIPath
	c, err := mediawiki.New(s, mediawiki.Credentials{Username: "Indexer@search", Password: tributary.NewSecret("bot-password")},
		tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Load(context.Background(), c) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.ID, len(d.Sections) > 1)
	}
	// Output:
	// https://wiki.example/wiki/Topic_00000_bank true
	// https://wiki.example/wiki/Topic_00001_estuary true
	// https://wiki.example/wiki/Topic_00002_basin true
}

// The Wikipedia preset needs a User-Agent with a contact.
func ExampleNewWikipedia() {
	_, err := mediawiki.NewWikipedia(mediawiki.Settings{Language: "en"}, mediawiki.Credentials{}, tributary.Env{})
	fmt.Println(tributary.ConfigProblems(err))
	// Output:
	// [settings.user_agent: required for Wikipedia: a client name with a contact URL or e-mail address (Wikimedia's User-Agent policy)]
}
