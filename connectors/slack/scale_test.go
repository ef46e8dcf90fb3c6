package slack_test

import (
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/internal/slackemu"
)

// scaleRun is what one large run measured.
type scaleRun struct {
	docs, failures, checkpoints int
	maxCheckpoint               int
	peakHeap                    uint64 // live heap above the baseline, sampled after GC
	elapsed                     time.Duration
	requests                    int
}

// runAtScale loads a generated workspace of channels×messages top-level
// messages (every fifth a thread of three replies) through the emulator
// with Slack's documented tier limits, a latency per request, and faults
// on every method. It runs in a synctest bubble, so elapsed is simulated
// time: what the run would take against Slack.
func runAtScale(t *testing.T, channels, messages int, latency time.Duration, faults bool) scaleRun {
	var out scaleRun
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: channels, Messages: messages, ThreadEvery: 5, Replies: 3, Start: t0})
		f := newFixture(t, ws, nil)
		f.srv.SetLimits(slackemu.Tiers, 0)
		f.srv.SetLatency(latency)
		if faults {
			f.srv.FailOften()
		}
		f.srv.ResetLog()
		base := liveHeap()
		start := time.Now()
		for it, err := range f.c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
			require.NoError(t, err)
			switch {
			case it.Document != nil:
				out.docs++
				if out.docs%1000 == 0 {
					// The emulator's request log grows with the run; it
					// is not the connector's memory.
					out.requests += f.srv.Count("*")
					f.srv.ResetLog()
					if h := liveHeap(); h > base && h-base > out.peakHeap {
						out.peakHeap = h - base
					}
				}
			case it.Failure != nil:
				out.failures++
			case it.Checkpoint != nil:
				out.checkpoints++
				out.maxCheckpoint = max(out.maxCheckpoint, len(it.Checkpoint))
			}
		}
		out.elapsed = time.Since(start)
		out.requests += f.srv.Count("*")
	})
	return out
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A run over 10,000 messages delivers every document through faults and
// Slack's rate limits, keeps its checkpoints small (a channel id and a ts,
// never a list of threads seen) and its memory flat: the live heap above
// the emulator's own data does not grow with the number of messages.
func TestTenThousandMessagesFlatMemorySmallCheckpoints(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("10,000 messages")
	}
	small := runAtScale(t, 4, 250, 0, false)
	large := runAtScale(t, 4, 2500, 100*time.Millisecond, true)
	require.Equal(t, 10_000, large.docs, "every message delivered through the faults")
	assert.Zero(t, large.failures)
	assert.LessOrEqual(t, large.maxCheckpoint, 160, "checkpoint bytes")
	assert.LessOrEqual(t, small.maxCheckpoint, 160)
	t.Logf("1,000 messages: peak live heap +%.1f MB; 10,000: +%.1f MB; largest checkpoint %d bytes of %d checkpoints",
		mb(small.peakHeap), mb(large.peakHeap), large.maxCheckpoint, large.checkpoints)
	// Ten times the messages may not cost ten times the memory: the
	// documents are streamed, one page and one thread at a time.
	assert.Less(t, large.peakHeap, small.peakHeap+1<<20, "peak heap grows with the source")
	t.Logf("10,000 messages (2,000 threads) at Slack's Tier 3 limits with 100ms latency and faults: %d requests in %s simulated, %.1f docs/s",
		large.requests, large.elapsed.Round(time.Second), float64(large.docs)/large.elapsed.Seconds())
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// TestThroughputAtSlackLimits reports the simulated throughput against
// Slack's documented limits: Tier 3 (50 history or replies calls a minute)
// for internal and Marketplace apps, and 1 call a minute with 15 messages
// a page for other commercially distributed apps.
func TestThroughputAtSlackLimits(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("simulated throughput")
	}
	for _, tc := range []struct {
		name       string
		limits     map[string]int
		maxPage    int
		perMinute  int
		pageSize   int
		threadEach int
	}{
		{"tier 3, no threads", slackemu.Tiers, 0, 50, 200, 0},
		{"tier 3, a thread every 5 messages", slackemu.Tiers, 0, 50, 200, 5},
		{"non-Marketplace, no threads", slackemu.NonMarketplaceTiers(), 15, 1, 15, 0},
	} {
		synctest.Test(t, func(t *testing.T) {
			ws := slackemu.Generate(slackemu.Config{Channels: 2, Messages: 500, ThreadEvery: tc.threadEach, Replies: 3, Start: t0})
			f := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) {
				s.HistoryRequestsPerMinute, s.PageSize = tc.perMinute, tc.pageSize
			})
			f.srv.SetLimits(tc.limits, tc.maxPage)
			f.srv.SetLatency(150 * time.Millisecond)
			start := time.Now()
			got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
			require.NoError(t, got.Err)
			require.Len(t, got.Documents, 1000)
			d := time.Since(start)
			t.Logf("%s: 1,000 documents in %s simulated = %.2f docs/s (%d requests, %d answered 429)",
				tc.name, d.Round(time.Second), 1000/d.Seconds(), f.srv.Count("*"), f.srv.CountStatus(429))
		})
	}
}

// BenchmarkLoad measures the connector's own cost: a full load of 2,000
// messages (400 threads) from the in-memory emulator with no latency and no
// rate limits.
func BenchmarkLoad(b *testing.B) {
	ws := slackemu.Generate(slackemu.Config{Channels: 2, Messages: 1000, ThreadEvery: 5, Replies: 3, Start: t0})
	f := newFixture(b, ws, nil)
	require.NoError(b, slack.Unpaced(f.c))
	var docs, bytes int
	for b.Loop() {
		for d, err := range tributary.Load(b.Context(), f.c) {
			if err != nil {
				b.Fatal(err)
			}
			docs++
			bytes += d.Size()
		}
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(bytes)/(1<<20)/b.Elapsed().Seconds(), "MB/s")
}

// BenchmarkLoadWithLatency measures a full load of 400 messages (80
// threads) when every request takes 50ms, as across the internet, without
// Slack's rate limits (TestThroughputAtSlackLimits simulates those: they,
// not latency, bound a real run).
func BenchmarkLoadWithLatency(b *testing.B) {
	ws := slackemu.Generate(slackemu.Config{Channels: 2, Messages: 200, ThreadEvery: 5, Replies: 3, Start: t0})
	f := newFixture(b, ws, nil)
	f.srv.SetLatency(50 * time.Millisecond)
	require.NoError(b, slack.Unpaced(f.c))
	docs := 0
	for b.Loop() {
		for _, err := range tributary.Load(b.Context(), f.c) {
			if err != nil {
				b.Fatal(err)
			}
			docs++
		}
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
}
