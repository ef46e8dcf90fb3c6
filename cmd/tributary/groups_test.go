package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const groupsConfig = `settings:
  accept_token: ${MOCK_ACCEPT}
  fail_after_pages: %s
  documents:
    - {id: "mock://1", title: One, sections: [{kind: text, text: one}],
       external_access: {user_emails: [Ana@x.test, bo@x.test], group_ids: [eng]}}
    - {id: "mock://2", title: Two, sections: [{kind: text, text: two}],
       external_access: {user_emails: [cy@x.test], group_ids: [eng, ops]}}
credentials:
  token: ${MOCK_TOKEN}
`

func TestGroupsPrintsGroupsWithMemberCounts(t *testing.T) {
	e := newEnv(t)
	e.write("mock.yaml", strings.Replace(groupsConfig, "%s", "0", 1))
	env := []string{"MOCK_ACCEPT=t0ken", "MOCK_TOKEN=t0ken"}
	res := e.runEnv(env, "groups", "mock_connector", "--config", "mock.yaml")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, `{"id":"eng","name":"eng","member_emails":["ana@x.test","bo@x.test","cy@x.test"],"members":3}
{"id":"ops","name":"ops","member_emails":["cy@x.test"],"members":1}
`, res.stdout)
}

func TestGroupsStoppedMidwayFails(t *testing.T) {
	e := newEnv(t)
	e.write("mock.yaml", strings.Replace(groupsConfig, "%s", "1", 1))
	res := e.runEnv([]string{"MOCK_ACCEPT=t0ken", "MOCK_TOKEN=t0ken"}, "groups", "mock_connector", "--config", "mock.yaml")
	assert.NotEqual(t, exitOK, res.code)
	assert.Contains(t, res.stderr, "incomplete after 1 groups")

	res = e.runEnv([]string{"MOCK_ACCEPT=t0ken", "MOCK_TOKEN=wr0ng"}, "groups", "mock_connector", "--config", "mock.yaml")
	assert.NotEqual(t, exitOK, res.code)
	assert.NotContains(t, res.stderr+res.stdout, "t0ken")
	assert.NotContains(t, res.stderr+res.stdout, "wr0ng")
}

func TestGroupsOfASourceWithoutThem(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	e.write("docs/a.md", "# A\n")
	res := e.run("groups", "file", "--config", "file.yaml")
	assert.NotEqual(t, exitOK, res.code)
	assert.Contains(t, res.stderr, "not supported")
}
