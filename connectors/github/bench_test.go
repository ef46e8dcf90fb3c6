package github

import (
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

// BenchmarkLoad measures full loads over HTTP against the emulator with
// 100ms of latency per request, GitHub's usual order for a page of 100
// items. It reports documents per second and requests per document; from
// the latter, rate_limited_docs/s is what GitHub's primary limit for a
// token (5,000 requests an hour) allows. The comments case pays one more
// request per item.
//
//	go test -run '^$' -bench Load -benchtime 3x ./connectors/github/
func BenchmarkLoad(b *testing.B) {
	b.Run("items", func(b *testing.B) {
		benchLoad(b, githubemu.GenerateOptions{Repos: 2, Items: 1000, PullShare: 0.3, Seed: 21}, false)
	})
	b.Run("comments", func(b *testing.B) {
		benchLoad(b, githubemu.GenerateOptions{Repos: 1, Items: 100, PullShare: 0.3, Comments: 4, Seed: 21}, true)
	})
}

func benchLoad(b *testing.B, gen githubemu.GenerateOptions, comments bool) {
	data := githubemu.Generate(gen)
	emu := githubemu.New(data, githubemu.Options{Latency: 100 * time.Millisecond, RateLimit: 1 << 30})
	emu.AddToken(testToken, githubemu.Token{User: data.Users[1], Permissions: githubemu.FullAccess()})
	url := emu.Start()
	defer emu.Close()
	s := Settings{}
	s.SetDefaults()
	s.BaseURL, s.Owner, s.IncludeComments = url, "acme", comments
	c, err := New(s, Credentials{Token: tributary.NewSecret(testToken)}, tributary.Env{AllowPrivateNetwork: true})
	if err != nil {
		b.Fatal(err)
	}
	connectortest.BenchLoad(b, c, func() int { return len(emu.Requests()) }, 5000.0/3600)
}
