package box_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/box"
	"github.com/tributary-dev/tributary/internal/boxemu"
)

// Example reads the files of a folder, here of an emulated Box served in
// memory.
func Example() {
	emu := boxemu.New(boxemu.Generate(boxemu.GenerateOptions{Folders: 1, FilesPerFolder: 3}), boxemu.Options{})
	defer emu.Close()
	emu.AddToken("developer-token")

	var s box.Settings
	s.SetDefaults()
	s.FolderIDs = []string{"100001"}
	env := tributary.Env{HTTPClient: &http.Client{Transport: emu.Transport()}, AllowPrivateNetwork: true}
	c, err := box.New(s, box.Credentials{AccessToken: tributary.NewSecret("developer-token")}, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range tributary.Load(context.Background(), c) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.ID, "|", d.SemanticID)
	}
	// Output:
	// https://app.box.com/file/100002 | Folder 0/note 0.txt
	// https://app.box.com/file/100003 | Folder 0/note 1.txt
	// https://app.box.com/file/100004 | Folder 0/note 2.txt
}
