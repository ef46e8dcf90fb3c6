package sqlitestore_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/sqlitestore"
)

const crashEnv = "SQLITESTORE_CRASH_CHILD_DB"

type counter struct {
	N int `json:"n"`
}

// crashCommit is the nth commit of the child: it upserts 200 entries and
// removes half of those of the commit before, so after commit n the
// inventory holds exactly 100n+100 entries and the checkpoint says n.
func crashCommit(n int) tributary.Commit {
	cp, _ := json.Marshal(counter{N: n})
	c := tributary.Commit{State: tributary.State{Window: tributary.Window{End: time.Unix(int64(n), 0)}, Checkpoint: cp}}
	for j := range 200 {
		c.Upserts = append(c.Upserts, tributary.InventoryEntry{ID: fmt.Sprintf("%d-%d", n, j), Hash: strings.Repeat("h", 64)})
	}
	if n > 1 {
		for j := 100; j < 200; j++ {
			c.Removals = append(c.Removals, fmt.Sprintf("%d-%d", n-1, j))
		}
	}
	c.Failures = []*tributary.Failure{{DocumentID: fmt.Sprintf("%d-0", n), Message: "sample"}}
	return c
}

// TestCrashChild is the child process of TestKilledMidWrite; it commits
// until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("run by TestKilledMidWrite")
	}
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	n := storedCount(t, s)
	for {
		n++
		if err := s.Commit(ctx, "crash", crashCommit(n)); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Println("committed", n)
	}
}

func storedCount(t *testing.T, s *sqlitestore.Store) int {
	st, err := s.State(context.Background(), "crash")
	if err != nil {
		t.Fatalf("State: %v", err)
	}
	if st.Checkpoint.IsZero() {
		return 0
	}
	var c counter
	if err := json.Unmarshal(st.Checkpoint, &c); err != nil {
		t.Fatalf("stored checkpoint %q: %v", st.Checkpoint, err)
	}
	return c.N
}

// TestKilledMidWrite kills a process that commits in a loop at random
// moments, several times, and checks after each kill that the database is
// intact and holds exactly the commits it reports.
func TestKilledMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "state.db")
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	last := 0
	for round := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Let it commit a random number of times, then kill it at a random
		// moment within the next commit or so.
		target := 1 + rng.IntN(15)
		sc := bufio.NewScanner(out)
		seen := 0
		for seen < target && sc.Scan() {
			if strings.HasPrefix(sc.Text(), "committed") {
				seen++
			}
		}
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if seen < target {
			t.Fatalf("round %d: child stopped after %d commits: %v", round, seen, sc.Err())
		}
		last = checkCrashDB(t, path, last)
	}
}

func checkCrashDB(t *testing.T, path string, previous int) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	_ = db.Close()
	s := open(t, path)
	n := storedCount(t, s)
	if n <= previous {
		t.Fatalf("stored commit %d, want more than the %d before", n, previous)
	}
	c, err := s.Count(t.Context(), "crash")
	if err != nil {
		t.Fatal(err)
	}
	if c != 100*n+100 {
		t.Fatalf("after commit %d the inventory holds %d entries, want %d: a commit was torn", n, c, 100*n+100)
	}
	got, err := s.Lookup(t.Context(), "crash", []string{fmt.Sprintf("%d-199", n), fmt.Sprintf("%d-0", n+1)})
	if err != nil || len(got) != 1 {
		t.Fatalf("Lookup after commit %d = %v, %v; want only that commit's entry", n, got, err)
	}
	fs, err := s.Failures(t.Context(), "crash", 1000000)
	if err != nil || len(fs) != n {
		t.Fatalf("recorded %d failures after %d commits (%v)", len(fs), n, err)
	}
	_ = s.Close()
	return n
}
