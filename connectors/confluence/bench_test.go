package confluence

import (
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// BenchmarkLoad measures full loads over HTTP against the emulated Cloud
// with 150ms of latency per request and a rate limit of 10 requests a
// second per account with bursts of 100 (Atlassian does not publish its
// burst limits for API tokens; this is the assumption). It reports
// documents per second, requests per document, and rate_limited_docs/s,
// what 10 requests a second allow at that cost. The comments case pays
// one more request per page; comments_paced sets requests_per_second to
// the limit, which avoids the 429s.
//
//	go test -run '^$' -bench Load -benchtime 1x ./connectors/confluence/
func BenchmarkLoad(b *testing.B) {
	b.Run("pages", func(b *testing.B) {
		benchLoad(b, confluenceemu.GenerateOptions{Spaces: 2, Pages: 500, Seed: 21}, false, 0)
	})
	b.Run("comments", func(b *testing.B) {
		benchLoad(b, confluenceemu.GenerateOptions{Spaces: 1, Pages: 250, Comments: 3, Seed: 21}, true, 0)
	})
	b.Run("comments_paced", func(b *testing.B) {
		benchLoad(b, confluenceemu.GenerateOptions{Spaces: 1, Pages: 250, Comments: 3, Seed: 21}, true, 10)
	})
}

func benchLoad(b *testing.B, gen confluenceemu.GenerateOptions, comments bool, pace float64) {
	const perSecond = 10
	data := confluenceemu.Generate(gen)
	emu := confluenceemu.New(data, confluenceemu.Options{Latency: 150 * time.Millisecond,
		RateLimit: &emulator.RateLimit{Limit: 10 * perSecond, Window: 10 * time.Second, Bucket: true}})
	emu.AddAPIToken(testEmail, testToken, data.Users[0])
	url := emu.Start()
	defer emu.Close()
	s := Settings{}
	s.SetDefaults()
	s.BaseURL, s.Deployment, s.IncludeComments, s.RequestsPerSecond = url+"/wiki", DeploymentCloud, comments, pace
	c, err := New(s, Credentials{Email: testEmail, APIToken: tributary.NewSecret(testToken)}, tributary.Env{AllowPrivateNetwork: true})
	if err != nil {
		b.Fatal(err)
	}
	connectortest.BenchLoad(b, c, func() int { return len(emu.Requests()) }, perSecond)
	b.ReportMetric(float64(emu.CountStatus(429)), "429s")
}
