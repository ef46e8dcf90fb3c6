package github

import (
	"context"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

// BenchmarkLoad measures a full load over HTTP against the emulator with
// 100ms of latency per request, GitHub's usual order for a page of 100
// items. It reports documents per second and requests per document; from
// the latter, rate_limited_docs/s is what GitHub's primary limit for a
// token (5,000 requests an hour) allows.
//
//	go test -run '^$' -bench Load -benchtime 3x ./connectors/github/
func BenchmarkLoad(b *testing.B) {
	data := githubemu.Generate(githubemu.GenerateOptions{Repos: 2, Items: 1000, PullShare: 0.3, Seed: 21})
	emu := githubemu.New(data, githubemu.Options{Latency: 100 * time.Millisecond, RateLimit: 1 << 30})
	emu.AddToken(testToken, githubemu.Token{User: data.Users[1], Permissions: githubemu.FullAccess()})
	url := emu.Start()
	defer emu.Close()
	s := Settings{}
	s.SetDefaults()
	s.BaseURL, s.Owner = url, "acme"
	c, err := New(s, Credentials{Token: testToken}, tributary.Env{AllowPrivateNetwork: true})
	if err != nil {
		b.Fatal(err)
	}
	docs, bytes := 0, 0
	before := len(emu.Requests())
	b.ResetTimer()
	for b.Loop() {
		for d, err := range tributary.Load(context.Background(), c) {
			if err != nil {
				b.Fatal(err)
			}
			docs++
			bytes += d.Size()
		}
	}
	b.StopTimer()
	reqs := float64(len(emu.Requests()) - before)
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(docs)/secs, "docs/s")
	b.ReportMetric(float64(bytes)/secs/1e6, "MB/s")
	b.ReportMetric(reqs/float64(docs), "requests/doc")
	b.ReportMetric(5000.0/3600/(reqs/float64(docs)), "rate_limited_docs/s")
}
