package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/jsonl"
)

const accessConfig = `settings:
  documents:
    - {id: "mock://1", title: One, updated_at: "2024-01-01T00:00:00Z", sections: [{kind: text, text: one}],
       external_access: {user_emails: [ann@example.com]}}
    - {id: "mock://2", title: Two, updated_at: "2024-01-02T00:00:00Z", sections: [{kind: text, text: two}],
       external_access: %s}
    - {id: "mock://3", title: Three, updated_at: "2024-01-03T00:00:00Z", sections: [{kind: text, text: three}],
       external_access: {public: true}}
%s
credentials:
  token: any
`

// accessLines returns the access records of a command's output, by id.
func accessLines(t *testing.T, out string) map[string]*tributary.ExternalAccess {
	t.Helper()
	got := map[string]*tributary.ExternalAccess{}
	for _, r := range records(t, out) {
		require.Equal(t, jsonl.TypeAccess, r.Type)
		got[r.ID] = r.Access
	}
	return got
}

func TestAccess(t *testing.T) {
	e := newEnv(t)
	e.write("mock.yaml", fmt.Sprintf(accessConfig, "{group_ids: [eng]}", ""))
	res := e.run("run", "mock_connector", "--config", "mock.yaml")
	require.Equal(t, exitOK, res.code, res.stderr)
	require.Len(t, ids(records(t, res.stdout), jsonl.TypeDocument), 3)

	// A run does not ask for access: the first sync delivers all of it.
	res = e.run("access", "mock_connector", "--config", "mock.yaml")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, map[string]*tributary.ExternalAccess{
		"mock://1": {UserEmails: []string{"ann@example.com"}},
		"mock://2": {GroupIDs: []string{"eng"}},
		"mock://3": {Public: true},
	}, accessLines(t, res.stdout))
	assert.Contains(t, res.stderr, "tributary: access finished: listed 3, changed 3, unchanged 0, unknown 0, undetermined 0, failures 0,")
	assert.Regexp(t, `time \d`, res.stderr)

	res = e.run("access", "mock_connector", "--config", "mock.yaml")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Empty(t, res.stdout, "nothing changed")
	assert.Contains(t, res.stderr, "listed 3, changed 0, unchanged 3, unknown 0")

	// Sharing changes upstream; a document no run delivered yet is not written.
	e.write("mock.yaml", fmt.Sprintf(accessConfig, "{}",
		`    - {id: "mock://4", title: Four, sections: [{kind: text, text: four}], external_access: {public: true}}`))
	res = e.run("access", "mock_connector", "--config", "mock.yaml", "--out", "access.jsonl")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "listed 4, changed 1, unchanged 2, unknown 1")
	assert.Equal(t, `{"type":"access","id":"mock://2","external_access":{}}`+"\n", readAccessFile(t, e.path("access.jsonl")),
		"nobody beyond the empty lists, never left out")

	res = e.run("access", "mock_connector", "--config", "mock.yaml", "--redeliver", "--log-format", "json")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Len(t, accessLines(t, res.stdout), 3)
	assert.Contains(t, res.stderr, `"msg":"access finished"`)
	assert.Contains(t, res.stderr, `"changed":3`)
}

func TestAccessUsage(t *testing.T) {
	e := newEnv(t)
	res := e.run("access")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "missing SOURCE")
	res = e.run("access", "mock_connector", "--force")
	assert.Equal(t, exitUsage, res.code, "access takes no prune flags: %s", res.stderr)
	res = e.run("help")
	assert.Contains(t, res.stdout, "  access ")
}

func readAccessFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}
