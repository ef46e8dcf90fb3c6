package jira

import (
	"fmt"
	"net/http"
	"runtime"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

// BenchmarkGroups lists sites of 200 and 2,000 groups of 60 members each
// (two pages of members a group) from the emulator in memory, consuming
// each group as it comes. listing-heap-MB is the largest live heap seen between
// groups beyond the emulated site's own data: it stays flat as the number of groups grows, since a listing
// holds one group at a time.
//
//	go test -run '^$' -bench Groups -benchmem ./connectors/jira/
func BenchmarkGroups(b *testing.B) {
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			data := jiraemu.Generate(jiraemu.GenerateOptions{Projects: 1, Issues: 1, Seed: 3})
			for i := range n {
				g := &jiraemu.Group{Name: fmt.Sprintf("team-%05d", i)}
				for j := range 60 {
					u := &jiraemu.User{AccountID: fmt.Sprintf("acc-%05d-%02d", i, j), DisplayName: "member",
						Email: fmt.Sprintf("m%02d.%05d@example.com", j, i)}
					g.Users = append(g.Users, u)
				}
				data.Groups = append(data.Groups, g)
			}
			emu := jiraemu.New(data, jiraemu.Options{})
			emu.AddAPIToken(data.Users[0], testAPIToken)
			defer emu.Close()
			s := Settings{}
			s.SetDefaults()
			s.BaseURL = testSite
			c, err := New(s, Credentials{Email: data.Users[0].Email, APIToken: tributary.NewSecret(testAPIToken)},
				tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: emu.Transport()}})
			if err != nil {
				b.Fatal(err)
			}
			var peak uint64
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			base := ms.HeapAlloc // the emulated site itself
			groups := 0
			b.ResetTimer()
			for range b.N {
				for g, err := range tributary.Groups(b.Context(), c) {
					if err != nil {
						b.Fatal(err)
					}
					if groups++; groups%100 == 0 {
						emu.ResetLog() // the emulator's request log is not the listing's
						runtime.GC()
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapAlloc-min(base, ms.HeapAlloc))
					}
					_ = g
				}
			}
			b.ReportMetric(float64(groups)/b.Elapsed().Seconds(), "groups/s")
			b.ReportMetric(float64(peak)/(1<<20), "listing-heap-MB")
		})
	}
}
