package jira

import (
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

// BenchmarkLoad measures full loads of Jira Cloud over HTTP against the
// emulator with 150ms of latency per request (the usual order of a search
// page of 100 issues on Jira Cloud) and a burst limit of 10 requests a
// second per account. Atlassian publishes no fixed number for API-token
// traffic, only that bursts past the limit get 429 with Retry-After; 10/s
// is an assumption on the safe side. The emulator refuses past it with
// 429 and Retry-After, which the HTTP stack honours. The comments case has
// more comments per issue than the search carries, so it pays one comment
// request per issue.
//
//	go test -run '^$' -bench Load -benchtime 2x ./connectors/jira/
func BenchmarkLoad(b *testing.B) {
	b.Run("issues", func(b *testing.B) {
		benchLoad(b, jiraemu.GenerateOptions{Projects: 2, Issues: 1000, Seed: 21}, false)
	})
	b.Run("comments", func(b *testing.B) {
		benchLoad(b, jiraemu.GenerateOptions{Projects: 1, Issues: 100, Comments: 6, Seed: 21}, true)
	})
}

func benchLoad(b *testing.B, gen jiraemu.GenerateOptions, comments bool) {
	data := jiraemu.Generate(gen)
	emu := jiraemu.New(data, jiraemu.Options{Latency: 150 * time.Millisecond, RatePerSecond: 10, EmbeddedComments: 2})
	emu.AddAPIToken(data.Users[0], testAPIToken)
	url := emu.Start()
	defer emu.Close()
	s := Settings{}
	s.SetDefaults()
	s.BaseURL, s.IncludeComments, s.PageSize = url, comments, 100
	c, err := New(s, Credentials{Email: data.Users[0].Email, APIToken: tributary.NewSecret(testAPIToken)}, tributary.Env{AllowPrivateNetwork: true})
	if err != nil {
		b.Fatal(err)
	}
	connectortest.BenchLoad(b, c, func() int { return len(emu.Requests()) }, 10)
}
