// Command benchtable reads the output of go test -bench for Tributary's
// headline benchmarks (make bench runs them) on its standard input and
// prints the table of figures, each beside what it is measured against in
// the same run:
//
//	go test -run '^$' -bench . ./... | go run ./internal/cmd/benchtable
//
// A figure whose benchmark did not run is left out. The input is echoed
// to standard error as it is read, so the raw lines stay available for
// benchstat.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
)

// line matches "BenchmarkName/sub-2   10   123 ns/op   4.5 docs/s".
var line = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// results maps a benchmark's name (without the -GOMAXPROCS suffix) to its
// metrics by unit; a benchmark run more than once keeps its last line.
type results map[string]map[string]float64

func main() {
	res, err := read(io.TeeReader(os.Stdin, os.Stderr))
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if err := write(os.Stdout, res); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func read(r io.Reader) (results, error) {
	res := results{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := line.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		metrics := map[string]float64{}
		f := strings.Fields(m[2])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				metrics[f[i+1]] = v
			}
		}
		res[m[1]] = metrics
	}
	return res, sc.Err()
}

// row is one figure of the table: a metric of a benchmark beside another
// (of the same benchmark or another), and how the two compare.
type row struct {
	figure           string
	bench, unit      string
	besideName       string
	besideBench      string
	besideUnit       string
	ratioName, ratio string // the ratio's label and the metric holding it; "" divides the two
}

var rows = []row{
	{"file connector, 10,000 small files", "BenchmarkSmallFiles/files=10000", "docs/s",
		"raw read of the same files", "BenchmarkSmallFiles/files=10000", "raw-files/s", "raw read CPU / connector CPU", "cpu-of-raw"},
	{"runner, 1,000 new documents, repeats by update time", "BenchmarkRunner/repeats=update-time/new", "docs/s",
		"bare JSON encoding of the same documents", "BenchmarkRunner/repeats=update-time/new", "json-docs/s", "runner CPU / JSON CPU, store apart", "runner/json"},
	{"runner, 1,000 new documents, repeats by content", "BenchmarkRunner/repeats=content/new", "docs/s",
		"bare JSON encoding of the same documents", "BenchmarkRunner/repeats=content/new", "json-docs/s", "runner CPU / JSON CPU, store apart", "runner/json"},
	{"GitHub connector, 100 ms a request", "BenchmarkLoad/items", "docs/s",
		"rate GitHub's 5,000 requests/hour allow", "BenchmarkLoad/items", "rate_limited_docs/s", "connector / limit", ""},
	{"Slack connector, 50 ms a request", "BenchmarkLoadBesideLimits", "docs/s",
		"rate Slack's Tier 3 limits allow", "BenchmarkLoadBesideLimits", "limit_docs/s", "connector / limit", "of-limit"},
}

func write(w io.Writer, res results) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FIGURE\tMEASURED\tBESIDE (SAME RUN)\tRATIO\t")
	for _, r := range rows {
		v, ok1 := res[r.bench][r.unit]
		b, ok2 := res[r.besideBench][r.besideUnit]
		if !ok1 || !ok2 {
			continue
		}
		ratio := v / b
		if r.ratio != "" {
			ratio = res[r.bench][r.ratio]
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%s %s (%s)\t%.2f (%s)\t\n", r.figure, num(v), r.unit, num(b), r.besideUnit, r.besideName, ratio, r.ratioName)
	}
	for _, store := range []string{"sqlite", "memory"} {
		base, ok := res["BenchmarkRunnerMemory/store="+store+"/docs=1000"]["peak-MB"]
		if !ok {
			continue
		}
		for _, n := range []string{"1000", "10000", "100000"} {
			m, ok := res["BenchmarkRunnerMemory/store="+store+"/docs="+n]
			if !ok {
				continue
			}
			fmt.Fprintf(tw, "peak heap, runner, %s docs, %s store\t%.1f MB\t%.1f MB (at 1,000 docs)\t%.2f (x the 1,000-doc peak)\t\n",
				n, store, m["peak-MB"], base, m["peak-MB"]/base)
		}
	}
	return tw.Flush()
}

// num writes a rate with thousands separators and no more precision than
// it deserves.
func num(v float64) string {
	if v < 100 {
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	s := strconv.FormatInt(int64(v+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
