//go:build unix

package main

import (
	"bytes"
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/jsonl"
)

// TestOutToDevicesAndPipes writes --out to files that cannot be cut back or
// synced: they are written as they are, and a rerun works too.
func TestOutToDevicesAndPipes(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	e.write("docs/a.md", "# A\n")
	e.write("docs/b.md", "# B\n")
	for _, args := range [][]string{
		{"--out", "/dev/null"},
		{"--out", "/dev/null", "--full", "--redeliver"},
	} {
		res := e.run(append([]string{"run", "file", "--config", "file.yaml"}, args...)...)
		assert.Equal(t, exitOK, res.code, "%v: %s", args, res.stderr)
	}

	res := e.run("run", "file", "--config", "file.yaml", "--full", "--redeliver", "--out", "/dev/stdout")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, []string{"file://docs/a.md", "file://docs/b.md"}, ids(records(t, res.stdout), jsonl.TypeDocument))

	fifo := e.path("out.fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	read := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo) // waits for the writer
		if err != nil {
			read <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		read <- b
	}()
	res = e.run("run", "file", "--config", "file.yaml", "--full", "--redeliver", "--out", fifo)
	require.Equal(t, exitOK, res.code, res.stderr)
	got := <-read
	assert.Equal(t, []string{"file://docs/a.md", "file://docs/b.md"}, ids(records(t, string(got)), jsonl.TypeDocument))
	assert.True(t, bytes.HasSuffix(got, []byte("\n")))
}
