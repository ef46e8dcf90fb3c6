package emulator_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// Issue is the JSON shape the emulated service serves.
type Issue struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
}

// newTracker emulates a small issue tracker: bearer tokens, 100 requests a
// minute per token answered with 403 and GitHub's headers, and issues
// listed by page with a Link header.
func newTracker(issues []Issue) *emulator.Server {
	s := emulator.New(emulator.Options{
		Auth:      emulator.BearerTokens("token-1"),
		RateLimit: &emulator.RateLimit{Limit: 100, Window: 60e9, Status: http.StatusForbidden},
	})
	s.Handle("GET /repos/{owner}/{repo}/issues", func(w http.ResponseWriter, r *http.Request) {
		page, err := emulator.LinkPage(w, r, issues, emulator.PageParams{DefaultSize: 2})
		if err != nil {
			emulator.Error(w, http.StatusBadRequest, err.Error())
			return
		}
		emulator.WriteJSON(w, http.StatusOK, page)
	})
	return s
}

func Example() {
	s := newTracker([]Issue{{1, "crash"}, {2, "typo"}, {3, "slow"}, {4, "leak"}, {5, "docs"}})
	defer s.Close()
	// The first request fails with 503 and the second loses its connection;
	// the client retries both.
	s.FailNext("GET /repos/{owner}/{repo}/issues", 1, emulator.ServiceUnavailable)
	s.FailNext("*", 1, emulator.ConnectionReset)

	c, err := httpx.New(httpx.Options{
		Env:  tributary.Env{HTTPClient: s.Client()},
		Auth: httpx.Bearer(tributary.NewSecret("token-1")),
		// Retry quickly: this example really waits.
		Retry: httpx.RetryPolicy{MinBackoff: 1e6, MaxBackoff: 1e7},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	all := func(b *[]Issue) []Issue { return *b }
	for page, err := range httpx.Link(context.Background(), c, "https://api.test/repos/o/r/issues", httpx.Limits{}, all) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(page.Items)
	}
	for _, r := range s.Requests() {
		line := fmt.Sprintf("%d %s?%s", r.Status, r.Path, r.Query)
		if r.Fault != "" {
			line += " (" + r.Fault + ")"
		}
		fmt.Println(line)
	}
	// Output:
	// [{1 crash} {2 typo}]
	// [{3 slow} {4 leak}]
	// [{5 docs}]
	// 503 /repos/o/r/issues? (status 503)
	// 0 /repos/o/r/issues? (reset)
	// 200 /repos/o/r/issues?
	// 200 /repos/o/r/issues?page=2
	// 200 /repos/o/r/issues?page=3
}
