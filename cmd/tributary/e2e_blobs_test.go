package main

import (
	"encoding/json"
	"image/color"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/fixture"
)

// The pictures of a Word document land as files in a folder beside --out,
// named by the blob_id of their image sections; --blobs names another, and
// output on stdout keeps none.
func TestBlobsBesideOut(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	red := fixture.PNG(color.RGBA{R: 255, A: 255})
	e.write("docs/report.docx", string(fixture.DOCXWithPicture("Revenue grew.", "Revenue by region", red)))

	res := e.run("run", "file", "--config", "file.yaml", "--out", "out.jsonl")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "1 blobs kept")
	out, err := os.ReadFile(e.path("out.jsonl"))
	require.NoError(t, err)
	var doc struct {
		Sections []struct {
			Kind   string `json:"kind"`
			Text   string `json:"text"`
			BlobID string `json:"blob_id"`
		} `json:"sections"`
	}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		if strings.Contains(line, `"type":"document"`) {
			require.NoError(t, json.Unmarshal([]byte(line), &doc))
		}
	}
	require.Len(t, doc.Sections, 2)
	assert.Equal(t, "image", doc.Sections[1].Kind)
	stored, err := os.ReadFile(e.path("out.jsonl.blobs/" + doc.Sections[1].BlobID))
	require.NoError(t, err)
	assert.Equal(t, red, stored)

	res = e.run("run", "file", "--config", "file.yaml", "--full", "--redeliver", "--state", "other.db")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.NotContains(t, res.stdout, "blob_id", "stdout keeps no blobs unless --blobs says where")

	res = e.run("run", "file", "--config", "file.yaml", "--full", "--redeliver", "--state", "third.db", "--blobs", "pictures")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "blob_id")
	entries, err := os.ReadDir(e.path("pictures"))
	require.NoError(t, err)
	assert.Len(t, entries, 1)
}
