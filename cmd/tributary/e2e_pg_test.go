package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/pgtest"
	"github.com/tributary-dev/tributary/pgsink"
)

func TestRunIntoPostgresAndSearch(t *testing.T) {
	url := pgtest.Schema(t)
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	e.write("docs/deploy.md", "# Deploying\n\nHow to deploy the service, and deploy it again.\n")
	e.write("docs/lunch.md", "# Lunch\n\nThe menu of the week.\n")
	e.write("docs/old.md", "# Old\n\nDeploy notes from last year.\n")

	run := e.run("run", "file", "--config", "file.yaml", "--sink", url)
	require.Equal(t, exitOK, run.code, run.stderr)
	assert.Empty(t, run.stdout, "documents go to the database, not stdout")

	found := e.run("search", "deploy", "--sink", url, "--json")
	require.Equal(t, exitOK, found.code, found.stderr)
	var ids []string
	for line := range strings.Lines(found.stdout) {
		var h pgsink.Hit
		require.NoError(t, json.Unmarshal([]byte(line), &h))
		ids = append(ids, h.ID)
	}
	assert.Equal(t, []string{"file://docs/deploy.md", "file://docs/old.md"}, ids, "ranked, the more relevant first")

	text := e.run("search", "menu", "--sink", url, "--user", "ann@example.com", "--group", "eng")
	require.Equal(t, exitOK, text.code, text.stderr)
	assert.Contains(t, text.stdout, "Lunch")
	assert.Contains(t, text.stdout, "docs/lunch.md")

	bad := e.run("search", "deploy", "--sink", "mysql://u:hunter2@x/db")
	assert.Equal(t, exitUsage, bad.code)
	assert.NotContains(t, bad.stderr, "hunter2")
	both := e.run("run", "file", "--config", "file.yaml", "--sink", url, "--out", "x.jsonl")
	assert.Equal(t, exitUsage, both.code, both.stderr)
}
