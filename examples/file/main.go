// Command file runs the file connector over a folder and prints its
// documents as JSON lines on standard output, and its failures on standard
// error. It needs no credentials:
//
//	go run ./examples/file [FOLDER]
//
// FOLDER defaults to the repository's docs folder.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/file"
)

func main() {
	dir := "docs"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := run(dir); err != nil {
		fmt.Fprintln(os.Stderr, "file:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c, err := file.New(file.Settings{Roots: []file.Root{{Path: dir}}}, file.Credentials{}, tributary.Env{})
	if err != nil {
		return err
	}
	if err := c.Validate(ctx); err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	var docs, failures int
	for d, err := range c.Load(ctx) {
		if f, ok := tributary.AsFailure(err); ok {
			failures++
			fmt.Fprintln(os.Stderr, f)
			continue
		}
		if err != nil {
			return err
		}
		docs++
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "%d documents, %d failures\n", docs, failures)
	return nil
}
