package file_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/file"
)

func Example() {
	dir, _ := os.MkdirTemp("", "handbook")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "guides"), 0o755)
	os.WriteFile(filepath.Join(dir, "guides", "onboarding.md"), []byte("# Welcome aboard\n\nStart here.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "guides", "locked.pdf"), []byte("%PDF-1.4 truncated"), 0o644)

	c, err := file.New(file.Settings{Roots: []file.Root{{Path: dir, Name: "handbook"}}}, file.Credentials{}, tributary.Env{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range c.Load(context.Background()) {
		if f, ok := tributary.AsFailure(err); ok {
			fmt.Println("failed:", f.DocumentID)
			continue
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %q\n", d.ID, d.Title)
	}
	// Output:
	// failed: file://handbook/guides/locked.pdf
	// file://handbook/guides/onboarding.md "Welcome aboard"
}

// A connector is usually opened from the registry by source name, with its
// settings as JSON; the file connector takes no credentials.
func Example_registry() {
	c, err := tributary.New(file.Source, tributary.Params{
		Settings: []byte(`{"roots": [{"path": "/srv/share", "name": "share"}], "include": ["**/*.md"], "max_fil_size": 1}`),
	})
	fmt.Println(c == nil, err)
	// Output:
	// true decode configuration: settings.max_fil_size: unknown field (did you mean "max_file_size"?)
}

func ExampleEncodeCheckpoint() {
	cp, _ := file.EncodeCheckpoint(file.Position{Root: "share", Path: "reports/2024/q1.pdf"})
	fmt.Println(string(cp))
	p, _, _ := file.DecodeCheckpoint(cp)
	fmt.Println(p.Root, p.Path)
	// Output:
	// {"kind":"file","version":1,"state":{"root":"share","path":"reports/2024/q1.pdf"}}
	// share reports/2024/q1.pdf
}
