package main

import (
	"image/color"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/fixture"
	"github.com/tributary-dev/tributary/internal/pgtest"
	"github.com/tributary-dev/tributary/pgsink"
)

// With --sink, the pictures of a document are kept in the database beside
// the sections that name them, not in a folder.
func TestBlobsIntoPostgres(t *testing.T) {
	url := pgtest.Schema(t)
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	red := fixture.PNG(color.RGBA{R: 255, A: 255})
	e.write("docs/report.docx", string(fixture.DOCXWithPicture("Revenue grew.", "Revenue by region", red)))
	res := e.run("run", "file", "--config", "file.yaml", "--sink", url)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "1 blobs kept")
	matches, _ := filepath.Glob(e.path("*.blobs"))
	assert.Empty(t, matches, "no folder of blobs")

	s, err := pgsink.Open(t.Context(), url)
	require.NoError(t, err)
	defer s.Close()
	conn, err := pgx.Connect(t.Context(), url)
	require.NoError(t, err)
	defer conn.Close(t.Context())
	var blobID string
	require.NoError(t, conn.QueryRow(t.Context(), `SELECT blob_id FROM tributary_sections WHERE kind = 'image'`).Scan(&blobID))
	b, found, err := s.Blob(t.Context(), blobID)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, red, b.Data)
}
