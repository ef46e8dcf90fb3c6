package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/pgtest"
	"github.com/tributary-dev/tributary/pgsink"
)

// A permission sync into the database: searches follow the new sharing
// with the documents left as they were.
func TestAccessIntoPostgres(t *testing.T) {
	url := pgtest.Schema(t)
	e := newEnv(t)
	e.write("mock.yaml", fmt.Sprintf(accessConfig, "{group_ids: [eng]}", ""))
	res := e.run("run", "mock_connector", "--config", "mock.yaml", "--sink", url)
	require.Equal(t, exitOK, res.code, res.stderr)
	res = e.run("access", "mock_connector", "--config", "mock.yaml", "--sink", url)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Empty(t, res.stdout)
	assert.Contains(t, res.stderr, "changed 3")

	search := func(words string, who ...string) []string {
		t.Helper()
		res := e.run(append([]string{"search", words, "--sink", url, "--json"}, who...)...)
		require.Equal(t, exitOK, res.code, res.stderr)
		var ids []string
		for line := range strings.Lines(res.stdout) {
			var h pgsink.Hit
			require.NoError(t, json.Unmarshal([]byte(line), &h))
			ids = append(ids, h.ID)
		}
		return ids
	}
	assert.Equal(t, []string{"mock://2"}, search("two", "--group", "eng"))
	assert.Empty(t, search("two"), "since the sync, not everyone's")

	e.write("mock.yaml", fmt.Sprintf(accessConfig, "{public: true}", ""))
	res = e.run("access", "mock_connector", "--config", "mock.yaml", "--sink", url)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "changed 1, unchanged 2")
	assert.Equal(t, []string{"mock://2"}, search("two"))

	both := e.run("access", "mock_connector", "--config", "mock.yaml", "--sink", url, "--out", "x.jsonl")
	assert.Equal(t, exitUsage, both.code, both.stderr)
}
