package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/jsonl"
)

// age sets a file's modification time to an hour ago, so that a poll
// window after the first run does not see it.
func (e *env) age(name string) {
	e.t.Helper()
	old := time.Now().Add(-time.Hour)
	require.NoError(e.t, os.Chtimes(e.path(name), old, old))
}

const fileConfig = "settings:\n  roots:\n    - path: docs\n"

func TestRunTwiceEmitsOnlyChanges(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	for i := range 20 {
		name := fmt.Sprintf("docs/note-%02d.md", i)
		e.write(name, fmt.Sprintf("# Note %d\n\nSome text.\n", i))
		e.age(name)
	}
	first := e.run("run", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, first.code, first.stderr)
	assert.Len(t, ids(records(t, first.stdout), jsonl.TypeDocument), 20)

	e.write("docs/note-03.md", "# Note 3\n\nEdited.\n")
	e.write("docs/new.md", "# New\n")
	second := e.run("run", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, second.code, second.stderr)
	assert.Equal(t, []string{"file://docs/new.md", "file://docs/note-03.md"},
		ids(records(t, second.stdout), jsonl.TypeDocument))

	third := e.run("run", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, third.code, third.stderr)
	assert.Empty(t, ids(records(t, third.stdout), jsonl.TypeDocument), "a run with nothing changed emits no document")

	full := e.run("run", "file", "--config", "file.yaml", "--full")
	require.Equal(t, exitOK, full.code, full.stderr)
	assert.Empty(t, ids(records(t, full.stdout), jsonl.TypeDocument), "a full run drops documents the inventory holds unchanged")
}

func TestRepeatsByUpdateTime(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	for i := range 3 {
		name := fmt.Sprintf("docs/note-%d.md", i)
		e.write(name, fmt.Sprintf("# Note %d\n", i))
		e.age(name)
	}
	first := e.run("run", "file", "--config", "file.yaml", "--repeats", "update-time")
	require.Equal(t, exitOK, first.code, first.stderr)
	assert.Len(t, ids(records(t, first.stdout), jsonl.TypeDocument), 3)

	// Nothing changed: by update time nothing is written again.
	byTime := e.run("run", "file", "--config", "file.yaml", "--full", "--repeats", "update-time")
	require.Equal(t, exitOK, byTime.code, byTime.stderr)
	assert.Empty(t, ids(records(t, byTime.stdout), jsonl.TypeDocument))

	// An edit that puts the modification time back still moves the file's
	// change time (its ctime), so update time sees it too.
	info, err := os.Stat(e.path("docs/note-1.md"))
	require.NoError(t, err)
	e.write("docs/note-1.md", "# Note 1, edited\n")
	require.NoError(t, os.Chtimes(e.path("docs/note-1.md"), info.ModTime(), info.ModTime()))
	byTime = e.run("run", "file", "--config", "file.yaml", "--full", "--repeats", "update-time")
	require.Equal(t, exitOK, byTime.code, byTime.stderr)
	assert.Equal(t, []string{"file://docs/note-1.md"}, ids(records(t, byTime.stdout), jsonl.TypeDocument))
	byContent := e.run("run", "file", "--config", "file.yaml", "--full")
	require.Equal(t, exitOK, byContent.code, byContent.stderr)
	assert.Len(t, ids(records(t, byContent.stdout), jsonl.TypeDocument), 3,
		"entries kept by update time carry no hash, so each is written once more")
	again := e.run("run", "file", "--config", "file.yaml", "--full")
	require.Equal(t, exitOK, again.code, again.stderr)
	assert.Empty(t, ids(records(t, again.stdout), jsonl.TypeDocument))

	bad := e.run("run", "file", "--config", "file.yaml", "--repeats", "mtime")
	assert.Equal(t, exitUsage, bad.code, bad.stderr)
	assert.Contains(t, bad.stderr, `"update-time"`)
}

func TestPruneReportsDeletedFiles(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	for i := range 40 {
		e.write(fmt.Sprintf("docs/d/%02d.txt", i), fmt.Sprintf("text %d", i))
	}
	require.Equal(t, exitOK, e.run("run", "file", "--config", "file.yaml").code)

	require.NoError(t, os.Remove(e.path("docs/d/07.txt")))
	require.NoError(t, os.Remove(e.path("docs/d/31.txt")))
	res := e.run("prune", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, []string{"file://docs/d/07.txt", "file://docs/d/31.txt"},
		ids(records(t, res.stdout), jsonl.TypeDeletion))
	assert.Equal(t, "tributary: prune finished: listed 38, known 40, missing 2, deleted 2, requests 0, rate-limit wait 0s\n", res.stderr,
		"the summary is printed at the default log level")

	again := e.run("prune", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, again.code, again.stderr)
	assert.Empty(t, again.stdout, "deletions are reported once")

	// Losing half the documents is refused without --force.
	for i := range 20 {
		_ = os.Remove(e.path(fmt.Sprintf("docs/d/%02d.txt", i)))
	}
	refused := e.run("prune", "file", "--config", "file.yaml")
	assert.Equal(t, exitRefused, refused.code, refused.stderr)
	assert.Empty(t, refused.stdout)
	assert.Contains(t, refused.stderr, "--force")
	forced := e.run("prune", "file", "--config", "file.yaml", "--force")
	require.Equal(t, exitOK, forced.code, forced.stderr)
	assert.Len(t, ids(records(t, forced.stdout), jsonl.TypeDeletion), 19)
}

func TestRunWithPrune(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	for i := range 30 {
		e.write(fmt.Sprintf("docs/%02d.txt", i), "x")
	}
	require.Equal(t, exitOK, e.run("run", "file", "--config", "file.yaml").code)
	require.NoError(t, os.Remove(e.path("docs/05.txt")))
	res := e.run("run", "file", "--config", "file.yaml", "--prune")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, []string{"file://docs/05.txt"}, ids(records(t, res.stdout), jsonl.TypeDeletion))
}

// TestKilledRunsResume kills a long run with SIGKILL at random points,
// several times, then lets it finish: every document is delivered, and the
// only duplicates are those of a batch written but not acknowledged when
// the process died.
func TestKilledRunsResume(t *testing.T) {
	if testing.Short() {
		t.Skip("long run")
	}
	const files, batch, kills = 3000, 10, 5
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	for i := range files {
		e.write(fmt.Sprintf("docs/%d/%04d.txt", i%7, i), fmt.Sprintf("document %d %s", i, strings.Repeat("x", i%300)))
	}
	out := e.path("out.jsonl")
	args := []string{"run", "file", "--config", "file.yaml", "--out", out, "--batch", fmt.Sprint(batch)}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))
	interrupted := 0
	for k := range kills {
		// Kill once the output holds a random number of lines beyond what
		// it held, within this kill's share of the run.
		target := (k*files)/kills + 1 + rng.IntN(files/kills)
		if e.killAt(args, out, target) {
			interrupted++
			st := e.run("state", "file", "--config", "file.yaml")
			require.Equal(t, exitOK, st.code, st.stderr)
			assert.Contains(t, st.stdout, `"in_progress"`, "a killed run leaves its window in progress")
		}
	}
	require.Positive(t, interrupted, "no kill landed during a run")
	final := e.run(args...)
	require.Equal(t, exitOK, final.code, final.stderr)

	data, err := os.ReadFile(out)
	require.NoError(t, err)
	recs := records(t, string(data))
	got := ids(recs, jsonl.TypeDocument)
	unique := slices.Compact(slices.Clone(got))
	assert.Len(t, unique, files, "every document delivered")
	assert.LessOrEqual(t, len(got)-len(unique), interrupted*batch,
		"duplicates only from the last unacknowledged batch of each killed run")
	t.Logf("%d kills landed mid-run; %d lines, %d duplicates", interrupted, len(got), len(got)-len(unique))
}

// killAt starts args and kills the process with SIGKILL once out holds at
// least target lines. It reports whether the kill interrupted the run
// (false when the run finished first).
func (e *env) killAt(args []string, out string, target int) bool {
	e.t.Helper()
	cmd := e.command(nil, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	require.NoError(e.t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case err := <-done:
			require.NoError(e.t, err, errb.String())
			return false
		default:
		}
		if countLines(out) >= target {
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			return true
		}
		time.Sleep(time.Millisecond) // polling a child process: no timing is asserted
	}
}

func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte("\n"))
}

func TestInterruptKeepsCheckpoint(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	for i := range 2000 {
		e.write(fmt.Sprintf("docs/%04d.txt", i), "text")
	}
	out := e.path("out.jsonl")
	args := []string{"run", "file", "--config", "file.yaml", "--out", out, "--batch", "5"}
	cmd := e.command(nil, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	require.NoError(t, cmd.Start())
	for countLines(out) < 100 {
		time.Sleep(time.Millisecond) // polling a child process: no timing is asserted
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code == exitOK {
		t.Skip("the run finished before the signal arrived")
	}
	assert.Equal(t, exitInterrupted, code, errb.String())
	assert.Contains(t, errb.String(), "interrupted")

	resumed := e.run(append(args, "--log-level", "debug")...)
	require.Equal(t, exitOK, resumed.code, resumed.stderr)
	assert.Contains(t, resumed.stderr, "resumed=true")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	got := ids(records(t, string(data)), jsonl.TypeDocument)
	assert.Len(t, slices.Compact(got), 2000)
	assert.LessOrEqual(t, len(got)-len(slices.Compact(slices.Clone(got))), 5)
}

func TestBrokenConfiguration(t *testing.T) {
	tests := []struct {
		name, file, content string
		code                int
		mentions            []string
	}{
		{"missing roots", "a.yaml", "settings: {}\n", exitConfig, []string{"settings.roots: required"}},
		{"misspelt field", "b.json", `{"settings": {"roots": [{"path": "docs"}], "max_dept": 3}}`, exitConfig,
			[]string{"settings.max_dept", `did you mean "max_depth"`}},
		{"wrong type", "c.yaml", "settings:\n  roots:\n    - path: docs\n  max_depth: deep\n", exitConfig,
			[]string{"settings.max_depth", "integer"}},
		{"top-level typo", "d.yaml", "setings:\n  roots: []\n", exitConfig, []string{"setings", "unknown top-level field"}},
		{"unset variable", "e.yaml", "settings:\n  roots:\n    - path: ${DOCS_DIR_UNSET}\n", exitConfig,
			[]string{"settings.roots[0].path", "DOCS_DIR_UNSET is not set"}},
		{"not yaml", "f.yaml", "settings: [\n", exitConfig, []string{"YAML"}},
		{"missing root folder", "g.yaml", "settings:\n  roots:\n    - path: nowhere\n", exitConfig, []string{"nowhere"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			require.NoError(t, os.MkdirAll(e.path("docs"), 0o755))
			e.write(tt.file, tt.content)
			for _, cmd := range []string{"validate", "run"} {
				res := e.run(cmd, "file", "--config", tt.file)
				assert.Equal(t, tt.code, res.code, "%s: %s", cmd, res.stderr)
				for _, m := range tt.mentions {
					assert.Contains(t, res.stderr, m, cmd)
				}
				assert.Empty(t, res.stdout, cmd)
			}
		})
	}
}

func TestFileSourceListed(t *testing.T) {
	res := newEnv(t).run("sources")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Regexp(t, `(?m)^file\s+storage\s+load,poll,slim,event,checkpoint,refetch,probe,normalize_url\s+\S`, res.stdout)
}

func TestSlimListsWhatRunDelivers(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	for i := range 12 {
		e.write(fmt.Sprintf("docs/%d/n%d.md", i%3, i), "text")
	}
	run := e.run("run", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, run.code, run.stderr)
	slim := e.run("slim", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, slim.code, slim.stderr)
	var listed []string
	for line := range strings.Lines(slim.stdout) {
		var sd struct {
			ID string `json:"id"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &sd), line)
		listed = append(listed, sd.ID)
	}
	slices.Sort(listed)
	assert.Equal(t, ids(records(t, run.stdout), jsonl.TypeDocument), listed)
}

func TestJSONLogs(t *testing.T) {
	e := newEnv(t)
	e.write("file.yaml", fileConfig)
	e.write("docs/a.md", "a")
	res := e.run("run", "file", "--config", "file.yaml", "--log-level", "info", "--log-format", "json")
	require.Equal(t, exitOK, res.code, res.stderr)
	var finished bool
	for line := range strings.Lines(res.stderr) {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), "stderr line %q is not JSON", line)
		if rec["msg"] == "run finished" {
			finished = true
			assert.EqualValues(t, 1, rec["documents"])
		}
	}
	assert.True(t, finished, "a run-finished record: %s", res.stderr)

	quiet := e.run("run", "file", "--config", "file.yaml")
	require.Equal(t, exitOK, quiet.code, quiet.stderr)
	assert.Regexp(t, `^tributary: run finished: documents 0, unchanged 1, .*\n$`, quiet.stderr,
		"only the summary by default when stderr is not a terminal")
	quietJSON := e.run("run", "file", "--config", "file.yaml", "--log-format", "json")
	require.Equal(t, exitOK, quietJSON.code, quietJSON.stderr)
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(quietJSON.stderr), &rec), "the summary is one JSON record: %s", quietJSON.stderr)
	assert.Equal(t, "run finished", rec["msg"])
}
