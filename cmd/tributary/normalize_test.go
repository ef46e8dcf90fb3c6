package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizePrintsTheDocumentID(t *testing.T) {
	e := newEnv(t)
	e.write("mock.yaml", fmt.Sprintf(mockConfig, ""))
	env := []string{"MOCK_ACCEPT=t0ken", "MOCK_TOKEN=t0ken"}
	res := e.runEnv(env, "normalize", "mock_connector", "mock://2#part", "--config", "mock.yaml")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "mock://2\n", res.stdout)

	res = e.runEnv(env, "normalize", "mock_connector", "mock://9?token=s3cret", "--config", "mock.yaml")
	assert.NotEqual(t, exitOK, res.code)
	assert.Contains(t, res.stderr, "not a document of this source")
	assert.NotContains(t, res.stderr+res.stdout, "s3cret")
}

func TestValidatePrintsTheProbeTable(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	e.write("docs/a.md", "# A\n")
	res := e.run("validate", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, res.code, res.stderr)
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	require.Len(t, lines, 3, res.stdout)
	assert.Regexp(t, `^CAPABILITY\s+STATUS\s+MISSING\s+DETAIL$`, lines[1])
	assert.Regexp(t, `^indexing\s+passed\s+-\s+-$`, lines[2])
}
