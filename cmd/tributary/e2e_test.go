package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/jsonl"
)

// binary is the tributary command, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tributary-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "tributary")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build tributary:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one invocation of the command did.
type result struct {
	code           int
	stdout, stderr string
}

// env is a workspace for end-to-end tests: a folder with the documents, a
// configuration and a state database, and an environment with nothing of
// the user's.
type env struct {
	t    *testing.T
	dir  string
	vars []string
}

func newEnv(t *testing.T) *env {
	dir := t.TempDir()
	return &env{t: t, dir: dir, vars: []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TRIBUTARY_STATE=" + filepath.Join(dir, "state.db"),
	}}
}

func (e *env) path(name string) string { return filepath.Join(e.dir, name) }

func (e *env) write(name, content string) {
	e.t.Helper()
	p := e.path(name)
	require.NoError(e.t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(e.t, os.WriteFile(p, []byte(content), 0o644))
}

func (e *env) command(extra []string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Dir = e.dir
	cmd.Env = append(slices.Clone(e.vars), extra...)
	return cmd
}

func (e *env) run(args ...string) result { return e.runEnv(nil, args...) }

func (e *env) runEnv(extra []string, args ...string) result {
	e.t.Helper()
	cmd := e.command(extra, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("run tributary %v: %v", args, err)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// records parses JSON lines, failing the test on a malformed one.
func records(t *testing.T, out string) []jsonl.Record {
	t.Helper()
	var recs []jsonl.Record
	for r, err := range jsonl.Read(strings.NewReader(out)) {
		require.NoError(t, err)
		recs = append(recs, r)
	}
	return recs
}

// ids returns the sorted ids of records of the given type.
func ids(recs []jsonl.Record, typ string) []string {
	var out []string
	for _, r := range recs {
		switch {
		case r.Type != typ:
		case r.Document != nil:
			out = append(out, r.Document.ID)
		default:
			out = append(out, r.ID)
		}
	}
	slices.Sort(out)
	return out
}

func TestUsageErrors(t *testing.T) {
	e := newEnv(t)
	for _, args := range [][]string{
		{}, {"frobnicate"}, {"run"}, {"run", "no_such_source"}, {"spec", "no_such_source"},
		{"run", "mock_connector", "--no-such-flag"}, {"run", "mock_connector", "--full", "--since", "24h"},
		{"run", "mock_connector", "--since", "yesterday"}, {"run", "mock_connector", "--log-level", "loud"},
		{"state", "mock_connector", "extra"},
	} {
		res := e.run(args...)
		assert.Equal(t, exitUsage, res.code, "%v: %s", args, res.stderr)
		if len(args) > 0 {
			assert.NotContains(t, res.stderr, "Exit codes:", "%v: a mistake is not answered with the whole help", args)
			assert.LessOrEqual(t, strings.Count(res.stderr, "\n"), 2, "%v: %s", args, res.stderr)
		}
	}
	res := e.run("run", "mock_connector", "--no-such-flag")
	assert.Equal(t, "tributary: flag provided but not defined: -no-such-flag\nRun \"tributary run --help\" for usage.\n", res.stderr)
	res = e.run("runn")
	assert.Equal(t, "tributary: unknown command \"runn\" (did you mean \"run\"?)\nRun \"tributary help\" for usage.\n", res.stderr)
	res = e.run("run")
	assert.Contains(t, res.stderr, "missing SOURCE")
	help := e.run("help")
	assert.Equal(t, exitOK, help.code)
	assert.Contains(t, help.stdout, "Exit codes:")
	runHelp := e.run("run", "-h")
	assert.Equal(t, exitOK, runHelp.code)
	assert.Contains(t, runHelp.stderr, "130")
}

func TestSourcesAndSpec(t *testing.T) {
	e := newEnv(t)
	res := e.run("sources")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Regexp(t, `(?m)^mock_connector\s+\S+\s+load,poll,slim,event,checkpoint,groups,refetch,probe,normalize_url\s+\S`, res.stdout)

	res = e.run("sources", "--json")
	require.Equal(t, exitOK, res.code, res.stderr)
	var list []sourceInfo
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &list))
	assert.True(t, slices.ContainsFunc(list, func(s sourceInfo) bool { return s.Source == "mock_connector" && s.Capabilities.Checkpoint }))

	res = e.run("spec", "mock_connector")
	require.Equal(t, exitOK, res.code, res.stderr)
	var spec struct {
		Settings    map[string]any `json:"settings"`
		Credentials struct {
			Properties map[string]map[string]any `json:"properties"`
		} `json:"credentials"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &spec))
	assert.Equal(t, "object", spec.Settings["type"])
	assert.Equal(t, true, spec.Credentials.Properties["token"]["x-secret"])
}

const mockConfig = `settings:
  accept_token: ${MOCK_ACCEPT}
  page_size: 2
  fail_ids: [%s]
  documents:
    - {id: "mock://1", title: One, updated_at: "2024-01-01T00:00:00Z", sections: [{kind: text, text: one}]}
    - {id: "mock://2", title: Two, updated_at: "2024-01-02T00:00:00Z", sections: [{kind: text, text: two}]}
    - {id: "mock://3", title: Three, updated_at: "2024-01-03T00:00:00Z", sections: [{kind: text, text: three}]}
credentials:
  token: ${MOCK_TOKEN}
`

// TestSecretsNeverPrinted runs with a token from the environment at debug
// level, with right and wrong credentials, and looks for it everywhere the
// command writes.
func TestSecretsNeverPrinted(t *testing.T) {
	const secret = "s3cr3t-token-5f1d9a"
	e := newEnv(t)
	e.write("mock.yaml", fmt.Sprintf(mockConfig, ""))
	good := []string{"MOCK_ACCEPT=" + secret, "MOCK_TOKEN=" + secret}
	var seen []result
	for _, args := range [][]string{
		{"validate", "mock_connector", "--config", "mock.yaml", "--log-level", "debug"},
		{"run", "mock_connector", "--config", "mock.yaml", "--log-level", "debug", "--log-format", "json"},
		{"slim", "mock_connector", "--config", "mock.yaml", "--log-level", "debug"},
		{"prune", "mock_connector", "--config", "mock.yaml", "--log-level", "debug"},
		{"access", "mock_connector", "--config", "mock.yaml", "--log-level", "debug"},
		{"state", "mock_connector"},
	} {
		res := e.runEnv(good, args...)
		require.Equal(t, exitOK, res.code, "%v: %s", args, res.stderr)
		seen = append(seen, res)
	}
	assert.Len(t, ids(records(t, seen[1].stdout), jsonl.TypeDocument), 3)

	bad := []string{"MOCK_ACCEPT=" + secret, "MOCK_TOKEN=" + secret + "-wrong"}
	for _, cmd := range []string{"validate", "run"} {
		res := e.runEnv(bad, cmd, "mock_connector", "--config", "mock.yaml", "--full", "--log-level", "debug")
		if cmd == "validate" {
			res = e.runEnv(bad, cmd, "mock_connector", "--config", "mock.yaml", "--log-level", "debug")
		}
		assert.Equal(t, exitCredentials, res.code, "%s: %s", cmd, res.stderr)
		seen = append(seen, res)
	}
	for _, res := range seen {
		assert.NotContains(t, res.stdout, secret)
		assert.NotContains(t, res.stderr, secret)
	}
	for _, name := range []string{"state.db", "state.db-wal"} {
		if b, err := os.ReadFile(e.path(name)); err == nil {
			assert.NotContains(t, string(b), secret, name)
		}
	}
}

func TestPartialSuccess(t *testing.T) {
	e := newEnv(t)
	e.write("mock.yaml", fmt.Sprintf(mockConfig, `"mock://2"`))
	vars := []string{"MOCK_ACCEPT=", "MOCK_TOKEN=any"}
	res := e.runEnv(vars, "run", "mock_connector", "--config", "mock.yaml")
	assert.Equal(t, exitPartial, res.code, res.stderr)
	assert.Equal(t, []string{"mock://1", "mock://3"}, ids(records(t, res.stdout), jsonl.TypeDocument))
	assert.Equal(t, 1, strings.Count(res.stderr, "mock://2"), "each failure is logged once: %s", res.stderr)
	assert.NotContains(t, res.stderr, `=""`, "no empty attributes")
	assert.Regexp(t, `(?m)^tributary: run finished: documents 2, unchanged 0, nodes 0, deletions 0, skipped 0, failures 1, requests \d+, rate-limit wait 0s, time \S+ \(tributary state lists the failures\)$`, res.stderr,
		"the summary is printed at the default log level")

	st := e.run("state", "mock_connector")
	require.Equal(t, exitOK, st.code, st.stderr)
	var views []stateView
	require.NoError(t, json.Unmarshal([]byte(st.stdout), &views))
	require.Len(t, views, 1)
	assert.Equal(t, 2, views[0].Documents)
	assert.Equal(t, 1, views[0].Failures)
	require.NotEmpty(t, views[0].Recent)
	assert.Equal(t, "mock://2", views[0].Recent[0].DocumentID)

	reset := e.run("state", "mock_connector", "--reset")
	require.Equal(t, exitOK, reset.code, reset.stderr)
	st = e.run("state", "mock_connector")
	assert.Equal(t, "[]\n", st.stdout)
}

func TestBrokenMockConfiguration(t *testing.T) {
	e := newEnv(t)
	e.write("bad.yaml", `settings:
  page_size: 0
  documents:
    - {title: "no id"}
credentials:
  tokn: abc
`)
	for _, cmd := range []string{"validate", "run", "slim", "prune"} {
		res := e.run(cmd, "mock_connector", "--config", "bad.yaml")
		assert.Equal(t, exitConfig, res.code, "%s: %s", cmd, res.stderr)
		assert.Contains(t, res.stderr, "credentials.tokn", cmd)
		assert.Contains(t, res.stderr, `did you mean "token"`, cmd)
		assert.Empty(t, res.stdout, cmd)
	}
	e.write("bad2.yaml", "settings:\n  page_size: 0\n  documents:\n    - {title: \"no id\"}\n")
	res := e.run("validate", "mock_connector", "--config", "bad2.yaml")
	assert.Equal(t, exitConfig, res.code, res.stderr)
	assert.Contains(t, res.stderr, "settings.page_size")
	assert.Contains(t, res.stderr, "settings.documents")
}

func TestOneProcessPerInstance(t *testing.T) {
	e := newEnv(t)
	e.write("mock.yaml", fmt.Sprintf(mockConfig, ""))
	vars := []string{"MOCK_ACCEPT=", "MOCK_TOKEN=any"}
	first := e.runEnv(vars, "run", "mock_connector", "--config", "mock.yaml")
	require.Equal(t, exitOK, first.code, first.stderr)

	unlock, err := lockInstance(e.path("state.db"), "mock_connector:"+e.path("mock.yaml"))
	require.NoError(t, err)
	res := e.runEnv(vars, "run", "mock_connector", "--config", "mock.yaml", "--full", "--redeliver")
	assert.Equal(t, exitError, res.code, res.stderr)
	assert.Contains(t, res.stderr, "another tributary process")
	assert.Empty(t, res.stdout)
	reset := e.run("state", "mock_connector", "--config", "mock.yaml", "--reset")
	assert.Equal(t, exitError, reset.code, "no reset under a running instance: %s", reset.stderr)

	other := e.runEnv(vars, "run", "mock_connector", "--config", "mock.yaml", "--instance", "second")
	assert.Equal(t, exitOK, other.code, "another instance is not blocked: %s", other.stderr)
	unlock()
	res = e.runEnv(vars, "run", "mock_connector", "--config", "mock.yaml", "--full", "--redeliver")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Len(t, ids(records(t, res.stdout), jsonl.TypeDocument), 3, "--redeliver writes unchanged documents")
}

// TestPrivateNetworkRefusal: a loopback target is refused with the flag
// that allows it, and reached with the flag.
func TestPrivateNetworkRefusal(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "<html><head><title>Home</title></head><body><p>Hello there.</p></body></html>")
	}))
	defer srv.Close()
	e := newEnv(t)
	e.write("web.yaml", fmt.Sprintf("settings:\n  url: %s/\n  mode: single\n", srv.URL))

	for _, cmd := range []string{"validate", "run"} {
		res := e.run(cmd, "web", "--config", "web.yaml")
		assert.Equal(t, exitConfig, res.code, "%s: %s", cmd, res.stderr)
		assert.Contains(t, res.stderr, `127.0.0.1 is a loopback or private address; rerun with --allow-private-network`, cmd)
		assert.NotContains(t, res.stderr, "AllowPrivateNetwork", cmd)
		assert.Zero(t, hits.Load(), cmd)
	}
	res := e.run("run", "web", "--config", "web.yaml", "--allow-private-network")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, []string{srv.URL + "/"}, ids(records(t, res.stdout), jsonl.TypeDocument))

	spec := e.run("spec", "web")
	require.Equal(t, exitOK, spec.code, spec.stderr)
	assert.Contains(t, spec.stdout, "--allow-private-network")
}

func TestUnknownSourceListsKnown(t *testing.T) {
	e := newEnv(t)
	for _, cmd := range []string{"run", "spec", "validate"} {
		res := e.run(cmd, "gihub")
		assert.Equal(t, exitUsage, res.code, res.stderr)
		assert.Contains(t, res.stderr, `unknown source "gihub" (did you mean "github"?)`, cmd)
		assert.Regexp(t, `this build knows .*file, github, .*web`, res.stderr, cmd)
	}
	res := e.run("run", "zzzzzzzz")
	assert.Contains(t, res.stderr, `unknown source "zzzzzzzz"; this build knows`, "no far-fetched guess")
}

func TestMissingConfig(t *testing.T) {
	e := newEnv(t)
	for _, cmd := range []string{"run", "validate", "slim", "prune"} {
		res := e.run(cmd, "file")
		assert.Equal(t, exitConfig, res.code, res.stderr)
		assert.Contains(t, res.stderr, "tributary: no configuration: the file source needs one, given with --config FILE", cmd)
		assert.Contains(t, res.stderr, "settings.roots: required", cmd)
	}
}
