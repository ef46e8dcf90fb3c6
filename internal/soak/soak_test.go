package soak

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tributary-dev/tributary/internal/confluenceemu"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/githubemu"
	"github.com/tributary-dev/tributary/internal/jiraemu"
	"github.com/tributary-dev/tributary/internal/pgtest"
	"github.com/tributary-dev/tributary/internal/slackemu"
	"github.com/tributary-dev/tributary/jsonl"
)

var (
	kills = flag.Int("soak.kills", 0, "SIGKILLs that must land mid-run, per connector; 0 skips the soak")
	batch = flag.Int("soak.batch", 20, "the command's --batch")
)

// binary is the tributary command, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	if *kills <= 0 {
		os.Exit(m.Run()) // every test skips: nothing to build
	}
	dir, err := os.MkdirTemp("", "tributary-soak-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "tributary")
	code := 1
	build := exec.Command("go", "build", "-o", binary, "github.com/tributary-dev/tributary/cmd/tributary")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build tributary:", err)
	} else {
		code = m.Run()
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// source is one connector set up for the soak: a configuration file the
// command reads and the number of documents the source holds.
type source struct {
	name   string
	config string
	count  int
	// server, when the source is an emulator, counts the requests and
	// faults of each stage.
	server *emulator.Server
	// postgres keeps the command's state in PostgreSQL (pgstore) rather
	// than in an SQLite file.
	postgres bool
}

func TestSoakFile(t *testing.T) {
	t.Parallel() // most of a soak is waiting: on retries, on its kills
	dir := t.TempDir()
	soak(t, dir, source{name: "file", config: fileTree(t, dir), count: fileTreeSize})
}

// TestSoakFilePostgres is the file soak with the state in PostgreSQL: a
// lease per run instead of a lock file, and commits a killed process may
// have left half-sent.
func TestSoakFilePostgres(t *testing.T) {
	t.Parallel()
	if *kills <= 0 {
		t.Skip("the soak runs with -soak.kills N (make soak)")
	}
	pgtest.URL(t)
	dir := t.TempDir()
	soak(t, dir, source{name: "file", config: fileTree(t, dir), count: fileTreeSize, postgres: true})
}

const fileTreeSize = 3000

// fileTree writes fileTreeSize notes under dir/docs and returns the file
// connector's configuration for them.
func fileTree(t *testing.T, dir string) string {
	for i := range fileTreeSize {
		rel := fmt.Sprintf("docs/%02d/%04d.md", i%13, i)
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		body := fmt.Sprintf("# Note %d\n\n%s", i, strings.Repeat("text ", 20+i%200))
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return fmt.Sprintf("settings:\n  roots:\n    - path: %s\n", filepath.Join(dir, "docs"))
}

func TestSoakGitHub(t *testing.T) {
	t.Parallel()
	const token = "ghp_soaktoken0123456789"
	data := githubemu.Generate(githubemu.GenerateOptions{Repos: 3, Items: 400, PullShare: 0.3, Comments: 2, Seed: 7})
	emu := githubemu.New(data, githubemu.Options{RateLimit: 1 << 30})
	emu.AddToken(token, githubemu.Token{User: data.Users[1], Permissions: githubemu.FullAccess()})
	faults(emu.Server)
	url := emu.Start()
	t.Cleanup(emu.Close)
	n := 0
	for _, r := range data.Repos {
		n += len(r.Items)
	}
	config := fmt.Sprintf("settings:\n  base_url: %s\n  owner: acme\n  per_page: 25\ncredentials:\n  token: %s\n", url, token)
	soak(t, t.TempDir(), source{name: "github", config: config, count: n, server: emu.Server})
}

func TestSoakSlack(t *testing.T) {
	t.Parallel()
	ws := slackemu.Generate(slackemu.Config{Channels: 3, Private: 1, Messages: 300, ThreadEvery: 15, Replies: 2,
		Start: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Step: time.Minute})
	srv := slackemu.NewServer(ws, slackemu.Tokens())
	faults(srv.Server)
	url := srv.Start()
	t.Cleanup(srv.Close)
	n := 0
	for _, ch := range ws.Channels() {
		n += len(ws.TopLevel(ch.ID))
	}
	config := fmt.Sprintf("settings:\n  base_url: %s/api\n  include_private: true\n  page_size: 50\n  history_requests_per_minute: 600000\n"+
		"credentials:\n  bot_token: %s\n", url, slackemu.BotToken)
	soak(t, t.TempDir(), source{name: "slack", config: config, count: n, server: srv.Server})
}

func TestSoakWeb(t *testing.T) {
	t.Parallel()
	ws := site{sections: 30, perSection: 40}
	srv := emulator.New(emulator.Options{})
	ws.serve(srv)
	ws.faults(srv)
	url := srv.Start()
	t.Cleanup(srv.Close)
	config := fmt.Sprintf("settings:\n  url: %s/\n  mode: crawl\n  max_depth: 20\n  max_pages: 5000\n"+
		"  requests_per_second: 400\n  concurrency: 4\n", url)
	soak(t, t.TempDir(), source{name: "web", config: config, count: ws.pages(), server: srv})
}

func TestSoakConfluence(t *testing.T) {
	t.Parallel()
	const email, token = "reader@example.com", "ATATT3xsoaktoken"
	data := confluenceemu.Generate(confluenceemu.GenerateOptions{Spaces: 4, Pages: 250, Comments: 2, Seed: 7})
	emu := confluenceemu.New(data, confluenceemu.Options{})
	emu.AddAPIToken(email, token, data.Users[0])
	faults(emu.Server)
	url := emu.Start()
	t.Cleanup(emu.Close)
	config := fmt.Sprintf("settings:\n  base_url: %s/wiki\n  deployment: cloud\n  time_zone: UTC\n  page_size: 25\n"+
		"credentials:\n  email: %s\n  api_token: %s\n", url, email, token)
	soak(t, t.TempDir(), source{name: "confluence", config: config, count: len(data.Pages), server: emu.Server})
}

func TestSoakJira(t *testing.T) {
	t.Parallel()
	const token = "ATATT3xsoakjiratoken"
	data := jiraemu.Generate(jiraemu.GenerateOptions{Projects: 4, Issues: 500, Comments: 3, Seed: 7})
	emu := jiraemu.New(data, jiraemu.Options{})
	emu.AddAPIToken(data.Users[0], token)
	faults(emu.Server)
	url := emu.Start()
	t.Cleanup(emu.Close)
	n := 0
	for _, p := range data.Projects {
		n += len(p.Issues)
	}
	config := fmt.Sprintf("settings:\n  base_url: %s\n  deployment: cloud\n  page_size: 20\n"+
		"credentials:\n  email: %s\n  api_token: %s\n", url, data.Users[0].Email, token)
	soak(t, t.TempDir(), source{name: "jira", config: config, count: n, server: emu.Server})
}

// faults switches on a mix of the faults upstreams show: server errors,
// a reset connection, a truncated body and a rate limit (429 with
// Retry-After: 1), each on a fixed share of the requests. The rate limit
// is the rarest: its waits are real time in a child process.
func faults(s *emulator.Server) {
	s.FailEvery("*", 23, emulator.InternalError)
	s.FailEvery("*", 29, emulator.ServiceUnavailable)
	s.FailEvery("*", 31, emulator.ConnectionReset)
	s.FailEvery("*", 37, emulator.TruncatedBody)
	s.FailEvery("*", 97, emulator.TooManyRequests)
}

// soak runs src's load, killing the command with SIGKILL at random
// moments until -soak.kills kills have landed mid-run, then lets it finish
// and checks what it wrote.
func soak(t *testing.T, dir string, src source) {
	if *kills <= 0 {
		t.Skip("the soak runs with -soak.kills N (make soak)")
	}
	cfg := filepath.Join(dir, "soak.yaml")
	if err := os.WriteFile(cfg, []byte(src.config), 0o600); err != nil {
		t.Fatal(err)
	}
	state, scratchState := filepath.Join(dir, "state.db"), filepath.Join(dir, "scratch.db")
	if src.postgres {
		state, scratchState = pgtest.Schema(t), pgtest.Schema(t)
	}
	out := filepath.Join(dir, "out.jsonl")
	args := []string{"run", src.name, "--config", cfg, "--out", out, "--batch", fmt.Sprint(*batch),
		"--allow-private-network", "--state", state, "--max-failures", "-1"}

	// A clean run in a scratch state measures how long a whole load takes,
	// and how long the command takes to deliver its first batch.
	scratch := slices.Clone(args)
	scratch[5], scratch[len(scratch)-3] = filepath.Join(dir, "scratch.jsonl"), scratchState
	res, whole, lead := runWatched(t, scratch, scratch[5])
	if res.code != 0 {
		t.Fatalf("clean run: exit %d: %s", res.code, res.stderr)
	}
	t.Logf("a clean load took %s, its first batch %s%s", whole.Round(time.Millisecond), lead.Round(time.Millisecond), src.traffic())
	clean, _ := documents(t, scratch[5])
	if len(clean) != src.count {
		t.Fatalf("a clean run delivered %d documents, the source holds %d", len(clean), src.count)
	}
	want := slices.Sorted(maps.Keys(clean))

	soakStart := time.Now()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	landed, finished := 0, 0
	var later time.Duration // added to mid-load kills while they find no progress
	for landed < *kills {
		got := delivered(t, out)
		at, midLoad := killMoment(rng, whole, lead)
		if midLoad {
			at += later
		}
		if killAfter(t, args, at) {
			landed++
			// A run killed before it delivered a new document, while
			// some are left, makes the next one live a little longer:
			// a connector that checkpoints seldom (after a page of
			// results and their comments) would otherwise be killed
			// before every checkpoint.
			switch now := delivered(t, out); {
			case now > got || now == len(want):
				later = 0 // progress, or nothing left to deliver
			case midLoad:
				later += whole / time.Duration(*kills)
			}
			continue
		}
		// The load finished before the kill: start it again from scratch.
		finished++
		if finished > 3*(*kills) {
			t.Fatalf("only %d of %d kills landed: the load is too short", landed, *kills)
		}
		if res := run(t, []string{"state", src.name, "--config", cfg, "--state", state, "--reset"}); res.code != 0 {
			t.Fatalf("reset: exit %d: %s", res.code, res.stderr)
		}
		_ = os.Remove(out)
	}
	// How far the killed runs got tells whether the kills landed mid-load
	// rather than all during start-up.
	before := delivered(t, out)
	if res := run(t, args); res.code != 0 {
		t.Fatalf("final run: exit %d: %s", res.code, res.stderr)
	}
	t.Logf("%d kills and the final run took %s%s; the killed runs had delivered %d of the %d documents (%d loads finished before their kill and started over)",
		landed, time.Since(soakStart).Round(time.Millisecond), src.traffic(), before, len(want), finished)
	check(t, out, want, landed)
}

// killMoment picks when the next kill lands, given how long a whole load
// and its first batch took, and says whether it lands mid-load. One kill
// in five lands during start-up (reading the state, validating, resuming,
// fetching the first batch); the others land after it, a share of the
// whole load later that lets -soak.kills kills cover one load, so that the
// killed runs, not the final one, do most of the work.
func killMoment(rng *rand.Rand, whole, lead time.Duration) (time.Duration, bool) {
	if rng.IntN(5) == 0 {
		return time.Duration(rng.Int64N(int64(lead) + 1)), false
	}
	return lead + time.Duration(rng.Int64N(int64(2*whole/time.Duration(*kills))+1)), true
}

// traffic describes the requests the emulator served since the last call,
// and empties its log so that a long soak does not hold every request.
func (s source) traffic() string {
	if s.server == nil {
		return ""
	}
	reqs, faulty, limited := s.server.Count("*"), s.server.Faults(), s.server.CountStatus(http.StatusTooManyRequests)
	s.server.ResetLog() // the soak's commands have all ended: nothing arrives in between
	return fmt.Sprintf(" (%d requests, %d with a fault, %d of them 429)", reqs, faulty, limited)
}

// check compares the documents written to out with want: every one is
// there, nothing else is, and repeats are at most one batch per kill.
func check(t *testing.T, out string, want []string, landed int) {
	t.Helper()
	seen, lines := documents(t, out)
	var missing, extra []string
	dups := 0
	for _, id := range want {
		if seen[id] == 0 {
			missing = append(missing, id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(seen)) {
		if _, ok := slices.BinarySearch(want, id); !ok {
			extra = append(extra, id)
		}
		dups += seen[id] - 1
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d documents lost, such as %v", len(missing), len(want), missing[:min(3, len(missing))])
	}
	if len(extra) > 0 {
		t.Errorf("%d documents not in the source, such as %v", len(extra), extra[:min(3, len(extra))])
	}
	if dups > landed*(*batch) {
		t.Errorf("%d repeated documents after %d kills: more than one batch of %d per kill", dups, landed, *batch)
	}
	t.Logf("survived %d kills: %d documents, all delivered, %d repeats (bound %d), %d lines",
		landed, len(want), dups, landed*(*batch), lines)
}

// documents counts the times each document id appears in a JSON lines
// file, and the file's lines.
func documents(t *testing.T, path string) (map[string]int, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]int{}
	lines := 0
	for r, err := range jsonl.Read(f) {
		if err != nil {
			t.Fatalf("%s line %d: %v", path, lines+1, err)
		}
		lines++
		if r.Type == jsonl.TypeDocument {
			seen[r.Document.ID]++
		}
	}
	return seen, lines
}

// delivered counts the distinct documents in the complete lines of a
// JSON lines file a killed run may have left ending in a partial line.
func delivered(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0
	} else if err != nil {
		t.Fatal(err)
	}
	b = b[:bytes.LastIndexByte(b, '\n')+1]
	seen := map[string]bool{}
	for r, err := range jsonl.Read(bytes.NewReader(b)) {
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if r.Type == jsonl.TypeDocument {
			seen[r.Document.ID] = true
		}
	}
	return len(seen)
}

// result is what one invocation of the command did.
type result struct {
	code   int
	stderr string
}

func run(t *testing.T, args []string) result {
	t.Helper()
	res, err := execute(args)
	if err != nil {
		t.Fatalf("run tributary: %v", err)
	}
	return res
}

// execute runs the command; it fails only when the command cannot run.
func execute(args []string) (result, error) {
	cmd := exec.Command(binary, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return result{code: ee.ExitCode(), stderr: errb.String()}, nil
	} else if err != nil {
		return result{}, err
	}
	return result{stderr: errb.String()}, nil
}

// runWatched runs the command and reports how long it took and when its
// output file first held a line, that is when it had delivered its first
// batch (the whole run when it delivered none).
func runWatched(t *testing.T, args []string, output string) (result, time.Duration, time.Duration) {
	t.Helper()
	start := time.Now()
	type outcome struct {
		res result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := execute(args)
		done <- outcome{res, err}
	}()
	tick := time.NewTicker(2 * time.Millisecond) // polls the output; no timing is asserted
	defer tick.Stop()
	var lead time.Duration
	for {
		select {
		case o := <-done:
			if o.err != nil {
				t.Fatalf("run tributary: %v", o.err)
			}
			whole := time.Since(start)
			if lead == 0 {
				lead = whole
			}
			return o.res, whole, lead
		case <-tick.C:
			if fi, err := os.Stat(output); lead == 0 && err == nil && fi.Size() > 0 {
				lead = time.Since(start)
			}
		}
	}
}

// killAfter starts the command and sends it SIGKILL after d. It reports
// whether the kill landed (false when the run finished first).
func killAfter(t *testing.T, args []string, d time.Duration) bool {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(d) // a child process's moment of death: no timing is asserted
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run ended with %v before its kill: %s", err, errb.String())
		}
		return false
	case <-timer.C:
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := <-done
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == -1 {
			return true // killed by the signal
		}
		if err != nil {
			t.Fatalf("run ended with %v: %s", err, errb.String())
		}
		return false
	}
}
