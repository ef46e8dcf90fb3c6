package pgstore_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/pgtest"
	"github.com/tributary-dev/tributary/pgstore"
)

const (
	crashEnv = "PGSTORE_CRASH_CHILD_URL"
	raceEnv  = "PGSTORE_RACE_CHILD_URL"
)

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

// TestCrashChild is the child process of TestKilledMidCommit; it commits
// until it is killed.
func TestCrashChild(t *testing.T) {
	url := os.Getenv(crashEnv)
	if url == "" {
		t.Skip("run by TestKilledMidCommit")
	}
	ctx := context.Background()
	s, err := pgstore.Open(ctx, url)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	n := storedCount(t, s, "crash")
	for {
		n++
		if err := s.Commit(ctx, "crash", crashCommit(n)); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Println("committed", n)
	}
}

func storedCount(t testing.TB, s tributary.Store, instance string) int {
	st, err := s.State(context.Background(), instance)
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

// TestKilledMidCommit kills a process that commits in a loop at random
// moments, several times, and checks after each kill that the database
// holds exactly the commits it reports.
func TestKilledMidCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	url := pgtest.Schema(t)
	open(t, url) // migrated before the children race to it
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	last := 0
	for round := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+url)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		target := 1 + rng.IntN(15)
		sc := bufio.NewScanner(out)
		seen := 0
		for seen < target && sc.Scan() {
			if strings.HasPrefix(sc.Text(), "committed") {
				seen++
			}
		}
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond) // a random moment, not a wait
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if seen < target {
			t.Fatalf("round %d: child stopped after %d commits: %v", round, seen, sc.Err())
		}
		last = checkCrashDB(t, url, last)
	}
}

func checkCrashDB(t *testing.T, url string, previous int) int {
	t.Helper()
	s := open(t, url)
	defer s.Close()
	n := storedCount(t, s, "crash")
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
	return n
}

// turns is how many times each racer holds the instance.
const turns = 15

// race takes the instance's lease turns times; each time it reads the
// counter in the checkpoint and commits it plus one through the lease. Two
// holders at once would both commit the same number, losing a turn.
func race(ctx context.Context, s *pgstore.Store) error {
	for done := 0; done < turns; {
		l, err := s.Acquire(ctx, "raced", time.Minute)
		if errors.Is(err, pgstore.ErrLeased) {
			continue
		}
		if err != nil {
			return err
		}
		n := storedCount(nopTB{}, l, "raced")
		cp, _ := json.Marshal(counter{N: n + 1})
		if err := l.Commit(ctx, "raced", tributary.Commit{State: tributary.State{Window: tributary.Window{End: time.Unix(1, 0)}, Checkpoint: cp}}); err != nil {
			return err
		}
		if err := l.Release(ctx); err != nil {
			return err
		}
		done++
	}
	return nil
}

type nopTB struct{ testing.TB }

func (nopTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// TestRaceChild is a racing process of TestRaceForOneInstance.
func TestRaceChild(t *testing.T) {
	url := os.Getenv(raceEnv)
	if url == "" {
		t.Skip("run by TestRaceForOneInstance")
	}
	s, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if err := race(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

// TestRaceForOneInstance has goroutines and processes race for one
// instance's lease: the counter they advance under it loses no turn.
func TestRaceForOneInstance(t *testing.T) {
	const goroutines, processes = 4, 3
	url := pgtest.Schema(t)
	s := open(t, url)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines+processes)
	for range goroutines {
		wg.Go(func() { errs <- race(t.Context(), s) })
	}
	if !testing.Short() {
		for range processes {
			wg.Go(func() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestRaceChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), raceEnv+"="+url)
				if out, err := cmd.CombinedOutput(); err != nil {
					errs <- fmt.Errorf("racing process: %v\n%s", err, out)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := goroutines * turns
	if !testing.Short() {
		want += processes * turns
	}
	if n := storedCount(t, s, "raced"); n != want {
		t.Errorf("counter = %d after %d turns: two workers held the instance at once", n, want)
	}
}
