package web

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
)

func TestNormalizeURLGivesCrawledIDs(t *testing.T) {
	site := exampleSite()
	srv := site.serve(t)
	s := settings(srv.URL+"/", ModeCrawl)
	s.MaxPageBytes = 4096
	c := open(t, s, localEnv)
	got := collect(t, stream(c, nil))
	if got.err != nil || len(got.docs) == 0 {
		t.Fatalf("crawl: %v, %d documents", got.err, len(got.docs))
	}
	ctx := context.Background()
	for id := range got.docs {
		host := strings.TrimPrefix(srv.URL, "http://")
		variants := []string{id, id + "#section-2", id + "?utm_source=mail&utm_medium=x", id + "?fbclid=abc",
			strings.Replace(id, "http://", "HTTP://", 1), strings.Replace(id, host, host+"/./", 1)}
		if !strings.HasSuffix(id, "/") {
			variants = append(variants, id+"/")
		}
		for _, v := range variants {
			n, err := tributary.NormalizeURL(ctx, c, v)
			if err != nil || n != id {
				t.Errorf("NormalizeURL(%q) = %q, %v; want %q", v, n, err, id)
			}
		}
	}
	if n, _ := c.NormalizeURL(ctx, srv.URL+"/search?q=go&utm_campaign=x&page=2"); n != srv.URL+"/search?q=go&page=2" {
		t.Errorf("other parameters: got %q", n)
	}
	for _, raw := range []string{"https://elsewhere.example/docs", "/docs", "mailto:a@b.example", "%zz"} {
		if _, err := c.NormalizeURL(ctx, raw); !errors.Is(err, tributary.ErrForeignURL) {
			t.Errorf("NormalizeURL(%q) = %v, want ErrForeignURL", raw, err)
		}
	}
}
