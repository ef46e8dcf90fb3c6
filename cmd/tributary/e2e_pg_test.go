package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/pgtest"
	"github.com/tributary-dev/tributary/jsonl"
	"github.com/tributary-dev/tributary/pgsink"
	"github.com/tributary-dev/tributary/pgstore"
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

func TestStateInPostgres(t *testing.T) {
	url := pgtest.Schema(t)
	e := newEnv(t)
	e.vars = append(e.vars, "TRIBUTARY_STATE="+url) // the later entry wins
	e.write("file.yaml", fileConfig)
	e.write("docs/a.md", "# A\n\nfirst\n")
	e.write("docs/b.md", "# B\n\nsecond\n")

	first := e.run("run", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, first.code, first.stderr)
	assert.Len(t, ids(records(t, first.stdout), jsonl.TypeDocument), 2)
	assert.NoFileExists(t, e.path("state.db"), "the state went to PostgreSQL")

	e.write("docs/c.md", "# C\n\nthird\n")
	second := e.run("run", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, second.code, second.stderr)
	assert.Equal(t, []string{"file://docs/c.md"}, ids(records(t, second.stdout), jsonl.TypeDocument), "the second run reads the first's state")

	state := e.run("state", "file")
	require.Equal(t, exitOK, state.code, state.stderr)
	var views []stateView
	require.NoError(t, json.Unmarshal([]byte(state.stdout), &views))
	require.Len(t, views, 1)
	assert.Equal(t, 3, views[0].Documents)

	// A worker elsewhere holds the instance: this one is refused, and so
	// is a reset, until it lets go.
	st, err := pgstore.Open(t.Context(), url)
	require.NoError(t, err)
	defer st.Close()
	lease, err := st.Acquire(t.Context(), views[0].Instance, time.Minute)
	require.NoError(t, err)
	busy := e.run("run", "file", "--config", "file.yaml")
	assert.Equal(t, exitError, busy.code, busy.stderr)
	assert.Contains(t, busy.stderr, "another tributary process is running or pruning")
	reset := e.run("state", "file", "--reset")
	assert.Equal(t, exitError, reset.code, reset.stderr)
	require.NoError(t, lease.Release(t.Context()))
	reset = e.run("state", "file", "--reset")
	require.Equal(t, exitOK, reset.code, reset.stderr)
	again := e.run("run", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, again.code, again.stderr)
	assert.Len(t, ids(records(t, again.stdout), jsonl.TypeDocument), 3, "a reset instance loads everything again")
}

func TestStateURLPasswordNeverPrinted(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	e.write("docs/a.md", "# A\n")
	res := e.run("run", "file", "--config", "file.yaml", "--log-level", "debug",
		"--state", "postgres://tributary:hunter2secret@127.0.0.1:1/postgres?connect_timeout=2")
	assert.Equal(t, exitError, res.code, res.stderr)
	assert.NotContains(t, res.stderr+res.stdout, "hunter2secret")
	assert.Contains(t, res.stderr, "127.0.0.1")
}
