package file

import (
	"context"
	"flag"
	"fmt"
	"go/build"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/cputime"
)

// The 100,000-file corpus takes a while to generate; it runs only with
// go test -bench SmallFiles -bench.large ./connectors/file.
var benchLarge = flag.Bool("bench.large", false, "also benchmark a corpus of 100,000 small files")

var corpusDirs = map[int]string{}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range corpusDirs {
		os.RemoveAll(d)
	}
	if code == 0 {
		// No goroutine (a watcher, a walk) may outlive the tests.
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// corpus returns a folder of n small text files (about 1 KiB each, 100 to
// a folder, two levels deep), generated once per process.
func corpus(b *testing.B, n int) string {
	if d, ok := corpusDirs[n]; ok {
		return d
	}
	dir, err := os.MkdirTemp("", "tributary-corpus-")
	if err != nil {
		b.Fatal(err)
	}
	corpusDirs[n] = dir
	words := strings.Fields("the of and to in is that for it as with was on be by this are from at or an which not have")
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	var text strings.Builder
	for i := range n {
		text.Reset()
		fmt.Fprintf(&text, "# Note %d\n\n", i)
		for text.Len() < 1024 {
			text.WriteString(words[rng.IntN(len(words))])
			text.WriteByte(' ')
		}
		p := filepath.Join(dir, fmt.Sprintf("d%03d", i/10000), fmt.Sprintf("e%03d", i/100%100), fmt.Sprintf("note-%06d.md", i))
		if i%100 == 0 {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(p, []byte(text.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

func BenchmarkSmallFiles(b *testing.B) {
	sizes := []int{1_000, 10_000}
	if *benchLarge {
		sizes = append(sizes, 100_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) { benchTree(b, corpus(b, n)) })
	}
}

// BenchmarkGoSource runs the connector over the Go distribution's source
// tree, a large real tree of code, text and test data of many formats.
func BenchmarkGoSource(b *testing.B) {
	src := filepath.Join(build.Default.GOROOT, "src")
	if _, err := os.Stat(src); err != nil {
		b.Skipf("no Go source tree at %s", src)
	}
	benchTree(b, src)
}

// benchTree loads root with the connector into a sink that discards every
// document, and reports documents/s, MB/s (of the files' bytes), the
// time to walk and read the same files with no connector, the ratio of
// the two ("of-raw": 1 means as fast as reading; "cpu-of-raw" is the same
// in processor time, steadier on a busy machine), and the heap: its peak in
// use (with garbage) and the most live data seen (after a collection),
// less what was in use before the pass.
func benchTree(b *testing.B, root string) {
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "bench"}}}, Credentials{}, tributary.Env{})
	if err != nil {
		b.Fatal(err)
	}
	files, size := rawRead(b, root) // warm the page cache
	b.SetBytes(size)
	var raw, conn, rawCPU, connCPU time.Duration
	var docs, failures int
	var peak uint64
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		start, cpu := time.Now(), cputime.Process()
		rawRead(b, root)
		raw, rawCPU = raw+time.Since(start), rawCPU+cputime.Process()-cpu
		runtime.GC()
		base := heapInUse()
		b.StartTimer()
		start, cpu = time.Now(), cputime.Process()
		d, f, p, _ := discard(b, c, 0)
		conn, connCPU = conn+time.Since(start), connCPU+cputime.Process()-cpu
		docs, failures, peak = d, f, max(peak, p-min(p, base))
	}
	// One more pass, untimed, measures the live heap ten times over.
	b.StopTimer()
	runtime.GC()
	base := heapInUse()
	_, _, _, l := discard(b, c, max(files/10, 1))
	live := l - min(l, base)
	b.ReportMetric(float64(docs)*float64(b.N)/conn.Seconds(), "docs/s")
	b.ReportMetric(float64(size)*float64(b.N)/raw.Seconds()/1e6, "raw-MB/s")
	b.ReportMetric(float64(files)*float64(b.N)/raw.Seconds(), "raw-files/s")
	b.ReportMetric(raw.Seconds()/conn.Seconds(), "of-raw")
	if connCPU > 0 {
		b.ReportMetric(rawCPU.Seconds()/connCPU.Seconds(), "cpu-of-raw")
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(live)/(1<<20), "live-heap-MB")
	b.ReportMetric(float64(failures), "failures")
}

// discard loads every document of c, dropping it. It samples the heap in
// use (live data and garbage not yet collected) every 500 items, and the
// live heap, after a collection, every liveEvery items (ten times a pass).
func discard(b *testing.B, c *Connector, liveEvery int) (docs, failures int, peak, live uint64) {
	for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		switch {
		case err != nil:
			b.Fatal(err)
		case it.Document != nil:
			docs++
		case it.Failure != nil:
			failures++
		}
		n := docs + failures
		if n%500 == 0 {
			peak = max(peak, heapInUse())
		}
		if liveEvery > 0 && n%liveEvery == 0 {
			runtime.GC()
			live = max(live, heapInUse())
		}
	}
	return docs, failures, max(peak, heapInUse()), live
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// rawRead walks root and reads every regular file, as the baseline: the
// least any indexer must do to see the files.
func rawRead(b *testing.B, root string) (files int, size int64) {
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		size += int64(len(data))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return files, size
}
